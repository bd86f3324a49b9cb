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
import type { MessageId, MessageParams } from '../shared/messages.ts';
import type { BundleIndexes } from './bundle-indexes.ts';

/** The indexes the affinity scores read: names to brands and categories, and their products. */
export type AffinityIndexes = Pick<BundleIndexes, 'bundle' | 'categories' | 'brandsNamed' | 'productsByBrand' | 'productsByCategory'>;
import type { Affinities } from './profile/affinities.ts';

/** Each dimension's share of the component's [0, 1] range. */
export const PART_MAX = 0.5;

function positive(record: Record<string, number>, key: string): number {
  const value = record[key];
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/** The positive, finite affinities of a record (more dismissals than interest count as none). */
function positiveEntries(record: Record<string, number>): Array<[string, number]> {
  return Object.entries(record).filter(([, value]) => Number.isFinite(value) && value > 0);
}

/**
 * Per category the visitor likes, its affinity: the smallest affinity along its path names. The
 * profile keys categories by name alone and adds every event to each level of the path, so a
 * leaf's own name can collect interest from a namesake elsewhere ("Men > Accessories" feeding
 * "Women > Accessories"); the minimum over the path is the leaf's own count in a tree with unique
 * names and shuts out that leak. Only categories named in the profile can be non-zero.
 */
function categoryAffinities(indexes: AffinityIndexes, affinities: Affinities): Map<number, number> {
  const values = new Map<number, number>();
  for (const [name] of positiveEntries(affinities.category)) {
    for (const c of indexes.categories.named(name)) {
      let min = Infinity;
      for (const level of indexes.bundle.categories[c]!.path) min = Math.min(min, positive(affinities.category, level));
      if (min > 0) values.set(c, min);
    }
  }
  return values;
}

function brandAffinities(indexes: AffinityIndexes, affinities: Affinities): Map<number, number> {
  const values = new Map<number, number>();
  for (const [name, value] of positiveEntries(affinities.brand)) for (const b of indexes.brandsNamed(name)) values.set(b, value);
  return values;
}

/** `PART_MAX / max(values)`, or 0 when the visitor likes nothing in this dimension. */
function scaleOf(values: ReadonlyMap<number, number>): number {
  let max = 0;
  for (const value of values.values()) if (value > max) max = value;
  return max > 0 ? PART_MAX / max : 0;
}

/**
 * One visitor's affinities over one bundle's brands and categories, computed once per strategy run
 * from the profile's entries (a handful), not from the catalog's thousands of brands.
 */
export class AffinityScores {
  readonly #indexes: AffinityIndexes;
  readonly #brand: Map<number, number>;
  readonly #brandScale: number;
  readonly #category: Map<number, number>;
  readonly #categoryScale: number;

  constructor(indexes: AffinityIndexes, affinities: Affinities) {
    this.#indexes = indexes;
    this.#brand = brandAffinities(indexes, affinities);
    this.#brandScale = scaleOf(this.#brand);
    this.#category = categoryAffinities(indexes, affinities);
    this.#categoryScale = scaleOf(this.#category);
  }

  /** Fills `into` (length = product count, fully overwritten) with the affinity component. */
  fill(into: Float32Array): void {
    into.fill(0);
    // Only the rows of liked brands and categories, each part rounded to float32 before they add.
    const { productsByBrand, productsByCategory } = this.#indexes;
    for (const [b, value] of this.#brand) {
      const part = Math.fround(value * this.#brandScale);
      for (const row of productsByBrand.of(b)) into[row] = part;
    }
    for (const [c, value] of this.#category) {
      const part = Math.fround(value * this.#categoryScale);
      for (const row of productsByCategory.of(c)) into[row]! += part;
    }
  }

  /**
   * The larger part at `row` (brand on a tie: the more specific preference) with its message, or
   * null when the visitor has no affinity for the product's brand or category.
   */
  explain(row: number): { message: MessageId; params: MessageParams; amount: number } | null {
    const { products, categories } = this.#indexes.bundle;
    const b = products.brandIndex[row]!;
    const c = products.categoryIndex[row]!;
    const brand = (this.#brand.get(b) ?? 0) * this.#brandScale;
    const category = (this.#category.get(c) ?? 0) * this.#categoryScale;
    if (brand <= 0 && category <= 0) return null;
    if (brand >= category) return { message: 'favouriteBrand', params: { brand: products.brand(row) }, amount: brand };
    return { message: 'favouriteCategory', params: { category: categories[c]!.name }, amount: category };
  }
}
