/**
 * The profile-affinity component: how much the visitor's long-term profile likes each product's
 * brand and category. value[row] = brandPart + categoryPart, each in [0, 0.5]:
 *
 * - brandPart = 0.5 · a(brand) / max over the catalog's brands of a(brand)
 * - categoryPart = 0.5 · a(leaf) / max over the catalog's categories of a(category)
 *
 * with a(·) the decayed affinity, negatives (more dismissals than interest) counted as 0. The
 * visitor's strongest preference the catalog can serve maps to 0.5; a brand they liked that the
 * catalog no longer sells does not shrink the others. The two parts add exactly, so the larger
 * one, as `explain` returns it, is what the value would lose without that affinity.
 */
import type { Bundle } from '../shared/bundle/types.ts';
import type { MessageId, MessageParams } from '../shared/messages.ts';
import type { Affinities } from './profile/affinities.ts';

/** Each dimension's share of the component's [0, 1] range. */
export const PART_MAX = 0.5;

function positive(record: Record<string, number>, key: string): number {
  const value = record[key];
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * A category's affinity: the smallest affinity along its path names. The profile keys categories
 * by name alone and adds every event to each level of the path, so a leaf's own name can collect
 * interest from a namesake elsewhere ("Men > Accessories" feeding "Women > Accessories"); the
 * minimum over the path is the leaf's own count in a tree with unique names and shuts out that leak.
 */
function categoryAffinities(bundle: Bundle, affinities: Affinities): Float64Array {
  const values = new Float64Array(bundle.categories.length);
  bundle.categories.forEach((node, c) => {
    let min = Infinity;
    for (const name of node.path) min = Math.min(min, positive(affinities.category, name));
    values[c] = node.path.length > 0 ? min : 0;
  });
  return values;
}

function brandAffinities(bundle: Bundle, affinities: Affinities): Float64Array {
  return Float64Array.from(bundle.brands, (brand) => positive(affinities.brand, brand));
}

/** `PART_MAX / max(values)`, or 0 when the visitor likes nothing in this dimension. */
function scaleOf(values: Float64Array): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max > 0 ? PART_MAX / max : 0;
}

/** One visitor's affinities over one bundle's brands and categories, computed once per request. */
export class AffinityScores {
  readonly #bundle: Bundle;
  readonly #brand: Float64Array;
  readonly #brandScale: number;
  readonly #category: Float64Array;
  readonly #categoryScale: number;

  constructor(bundle: Bundle, affinities: Affinities) {
    this.#bundle = bundle;
    this.#brand = brandAffinities(bundle, affinities);
    this.#brandScale = scaleOf(this.#brand);
    this.#category = categoryAffinities(bundle, affinities);
    this.#categoryScale = scaleOf(this.#category);
  }

  /** Fills `into` (length = product count, fully overwritten) with the affinity component. */
  fill(into: Float32Array): void {
    // Scaled per brand / category once, then one pass over the typed columns (100k rows).
    const brand = Float32Array.from(this.#brand, (value) => value * this.#brandScale);
    const category = Float32Array.from(this.#category, (value) => value * this.#categoryScale);
    const { brandIndex, categoryIndex } = this.#bundle.products;
    for (let row = 0; row < into.length; row++) {
      const b = brandIndex[row]!;
      const c = categoryIndex[row]!;
      into[row] = (b >= 0 ? brand[b]! : 0) + (c >= 0 ? category[c]! : 0);
    }
  }

  /**
   * The larger part at `row` (brand on a tie: the more specific preference) with its message, or
   * null when the visitor has no affinity for the product's brand or category.
   */
  explain(row: number): { message: MessageId; params: MessageParams; amount: number } | null {
    const { products, categories } = this.#bundle;
    const b = products.brandIndex[row]!;
    const c = products.categoryIndex[row]!;
    const brand = b >= 0 ? this.#brand[b]! * this.#brandScale : 0;
    const category = c >= 0 ? this.#category[c]! * this.#categoryScale : 0;
    if (brand <= 0 && category <= 0) return null;
    if (brand >= category) return { message: 'favouriteBrand', params: { brand: products.brand(row) }, amount: brand };
    return { message: 'favouriteCategory', params: { category: categories[c]!.name }, amount: category };
  }
}
