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
 * one, as `explainAffinity` returns it, is what the value would lose without that affinity.
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

interface AffinityParts {
  brand: Float64Array;
  brandScale: number;
  category: Float64Array;
  categoryScale: number;
}

/** One request's parts, kept while its affinities object lives (the fill and every explanation share them). */
const partsCache = new WeakMap<Affinities, { bundle: Bundle; parts: AffinityParts }>();

function partsOf(bundle: Bundle, affinities: Affinities): AffinityParts {
  const cached = partsCache.get(affinities);
  if (cached && cached.bundle === bundle) return cached.parts;
  const brand = brandAffinities(bundle, affinities);
  const category = categoryAffinities(bundle, affinities);
  const parts = { brand, brandScale: scaleOf(brand), category, categoryScale: scaleOf(category) };
  partsCache.set(affinities, { bundle, parts });
  return parts;
}

function brandPart(bundle: Bundle, parts: AffinityParts, row: number): number {
  const b = bundle.products.brandIndex[row]!;
  return b >= 0 ? parts.brand[b]! * parts.brandScale : 0;
}

function categoryPart(bundle: Bundle, parts: AffinityParts, row: number): number {
  const c = bundle.products.categoryIndex[row]!;
  return c >= 0 ? parts.category[c]! * parts.categoryScale : 0;
}

/** Fills `into` (length = product count, fully overwritten) with the affinity component. */
export function affinityScores(bundle: Bundle, affinities: Affinities, into: Float32Array): void {
  const parts = partsOf(bundle, affinities);
  // Scaled per brand / category once, then one pass over the typed columns (100k rows).
  const brand = Float32Array.from(parts.brand, (value) => value * parts.brandScale);
  const category = Float32Array.from(parts.category, (value) => value * parts.categoryScale);
  const { brandIndex, categoryIndex } = bundle.products;
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
export function explainAffinity(
  bundle: Bundle,
  affinities: Affinities,
  row: number,
): { message: MessageId; params: MessageParams; amount: number } | null {
  const parts = partsOf(bundle, affinities);
  const brand = brandPart(bundle, parts, row);
  const category = categoryPart(bundle, parts, row);
  if (brand <= 0 && category <= 0) return null;
  if (brand >= category) {
    return { message: 'favouriteBrand', params: { brand: bundle.products.brand(row) }, amount: brand };
  }
  const node = bundle.categories[bundle.products.categoryIndex[row]!]!;
  return { message: 'favouriteCategory', params: { category: node.name }, amount: category };
}
