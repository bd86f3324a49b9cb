/**
 * The one way a category is found by name: a shop's rule (`{ category: ['Womens-Dresses'] }`) and
 * a visitor's landing category (`context.visit.category`) name the same categories for the same
 * text. A name is compared by its words (`tokenize`: case, accents and punctuation do not matter,
 * so "Womens-Dresses", "womens dresses" and "WOMENS DRESSES" are one category); a path by its
 * levels' words joined with `' > '` ("Clothing>Women" = "clothing > women").
 */
import type { Bundle } from '../shared/bundle/types.ts';
import { tokenize } from './text.ts';

/** The comparable form of a category name (`'Womens-Dresses'` → `'womens dresses'`) or path (`'A>B'` → `'a > b'`). */
export function categoryKey(text: string): string {
  return pathKey(text.split('>'));
}

function pathKey(levels: readonly string[]): string {
  return levels.map((level) => tokenize(level).join(' ')).join(' > ');
}

/** Category indices by name key and by path key, and by exact name; built once per bundle. */
export class CategoryNames {
  readonly #byKey = new Map<string, number[]>();
  readonly #byName = new Map<string, number[]>();

  constructor(bundle: Bundle) {
    bundle.categories.forEach((node, index) => {
      add(this.#byKey, categoryKey(node.name), index);
      if (node.path.length > 1) add(this.#byKey, pathKey(node.path), index);
      add(this.#byName, node.name, index);
    });
  }

  /** The categories `text` names (as a name or a full path, compared by words); empty when none. */
  find(text: string): readonly number[] {
    return this.#byKey.get(categoryKey(text)) ?? [];
  }

  /** The categories named exactly `name`, as the bundle spells it (the profile keys categories so). */
  named(name: string): readonly number[] {
    return this.#byName.get(name) ?? [];
  }
}

function add(map: Map<string, number[]>, key: string, index: number): void {
  if (key === '') return;
  const list = map.get(key);
  if (!list) map.set(key, [index]);
  else if (!list.includes(index)) list.push(index);
}
