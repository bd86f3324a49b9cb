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

/** Category indices by name key and by path key; built once per bundle. */
export class CategoryNames {
  readonly #byKey = new Map<string, number[]>();

  constructor(bundle: Bundle) {
    bundle.categories.forEach((node, index) => {
      this.#add(categoryKey(node.name), index);
      if (node.path.length > 1) this.#add(pathKey(node.path), index);
    });
  }

  /** The categories `text` names (as a name or a full path); empty when none. */
  find(text: string): readonly number[] {
    return this.#byKey.get(categoryKey(text)) ?? [];
  }

  #add(key: string, index: number): void {
    if (key === '') return;
    const list = this.#byKey.get(key);
    if (!list) this.#byKey.set(key, [index]);
    else if (!list.includes(index)) list.push(index);
  }
}
