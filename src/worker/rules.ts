/**
 * Business rules applied to one request (validated by `src/shared/rules.ts`): filters clear bits
 * of the allow mask, boost / bury become a per-row score, caps and diversity shape the final list.
 * Every lookup is built per request from the typed columns, so 100k products cost one pass per
 * filter; strings (attributes, variants) are decoded only when a rule asks about them.
 */
import type { VariantInput } from '../shared/bundle/types.ts';
import type { NormalizedRules, ProductFilter } from '../shared/rules.ts';
import { clearBit, type Version } from './version.ts';

/** Lower-cased lookup key of a category name or path (`'Clothing>Women'` → `'clothing > women'`). */
function categoryKey(name: string): string {
  return name
    .split('>')
    .map((part) => part.trim())
    .join(' > ')
    .toLowerCase();
}

/**
 * Per category: 1 when it is one of `names` or lies below one. Parents precede children in the
 * bundle (the reader checks it), so one forward pass inherits the flag from the parent.
 */
function categoryFlags(version: Version, names: readonly string[]): Uint8Array {
  const { categories } = version.bundle;
  const flags = new Uint8Array(categories.length);
  for (const name of names) for (const index of version.categoryLookup.get(categoryKey(name)) ?? []) flags[index] = 1;
  for (let c = 0; c < categories.length; c++) {
    const parent = categories[c]!.parent;
    if (parent >= 0 && flags[parent] === 1) flags[c] = 1;
  }
  return flags;
}

/** Per brand: 1 when its name equals one of `names` (case-insensitive). */
function brandFlags(version: Version, names: readonly string[]): Uint8Array {
  const wanted = new Set(names.map((name) => name.trim().toLowerCase()));
  return Uint8Array.from(version.bundle.brands, (brand) => (wanted.has(brand.trim().toLowerCase()) ? 1 : 0));
}

/**
 * True when `value` is one of `accepted` (lower-cased), as a whole or as one item of a
 * comma-joined list: the CLI stores list attributes such as tags that way (`'beauty, mascara'`).
 */
function attributeValueMatches(value: string, accepted: ReadonlySet<string>): boolean {
  const whole = value.trim().toLowerCase();
  if (accepted.has(whole)) return true;
  if (!whole.includes(',')) return false;
  return whole.split(',').some((part) => accepted.has(part.trim()));
}

/** Attribute filter as (lower-cased name, accepted values) pairs; a product must match every name. */
function attributeTest(version: Version, wanted: Record<string, string[]>): (row: number) => boolean {
  const tests = Object.entries(wanted).map(([name, values]) => ({
    name: name.trim().toLowerCase(),
    accepted: new Set(values.map((value) => value.trim().toLowerCase())),
  }));
  const { products } = version.bundle;
  return (row) => {
    const attributes = products.attributes(row);
    const byName = new Map<string, string>();
    for (const [name, value] of Object.entries(attributes)) byName.set(name.trim().toLowerCase(), value);
    return tests.every((test) => {
      const value = byName.get(test.name);
      return value !== undefined && attributeValueMatches(value, test.accepted);
    });
  };
}

/**
 * A per-row test for `filter`: every given field must match. Unknown categories and brands match
 * nothing. Cheap typed-column checks run first, attributes (decoded strings) last.
 */
export function productMatcher(version: Version, filter: ProductFilter): (row: number) => boolean {
  const { products } = version.bundle;
  const checks: Array<(row: number) => boolean> = [];
  if (filter.category) {
    const flags = categoryFlags(version, filter.category);
    const leaf = products.categoryIndex;
    checks.push((row) => {
      const c = leaf[row]!;
      return c >= 0 && flags[c] === 1;
    });
  }
  if (filter.brand) {
    const flags = brandFlags(version, filter.brand);
    const brandIndex = products.brandIndex;
    checks.push((row) => {
      const b = brandIndex[row]!;
      return b >= 0 && flags[b] === 1;
    });
  }
  if (filter.price) {
    // Prices are float32 in the bundle: rounding the bounds the same way keeps `min: 9.99` matching
    // a product priced 9.99 (stored as 9.98999977).
    const min = filter.price.min === undefined ? -Infinity : Math.fround(filter.price.min);
    const max = filter.price.max === undefined ? Infinity : Math.fround(filter.price.max);
    const { price, salePrice } = products;
    checks.push((row) => {
      const sale = salePrice[row]!;
      const current = Number.isNaN(sale) ? price[row]! : sale;
      // NaN (no price) fails both comparisons, so it never matches.
      return current >= min && current <= max;
    });
  }
  if (filter.attribute) checks.push(attributeTest(version, filter.attribute));
  if (checks.length === 1) return checks[0]!;
  return (row) => {
    for (const check of checks) if (!check(row)) return false;
    return true;
  };
}

function isAllowed(mask: Uint8Array, row: number): boolean {
  return (mask[row >> 3]! & (1 << (row & 7))) !== 0;
}

/** Clears the bit of every still-allowed row for which `drop` is true. */
function clearWhere(mask: Uint8Array, rows: number, drop: (row: number) => boolean): void {
  for (let row = 0; row < rows; row++) {
    if (isAllowed(mask, row) && drop(row)) clearBit(mask, row);
  }
}

/**
 * False when the product lists sized variants and none in `size` is in stock. Products without
 * variants, or whose variants only differ in colour (size `''`), are not sized and stay.
 */
function availableInSize(variants: readonly VariantInput[], size: string): boolean {
  let sized = false;
  for (const variant of variants) {
    const variantSize = variant.size.trim().toLowerCase();
    if (variantSize === '') continue;
    sized = true;
    if (variantSize === size && variant.inStock) return true;
  }
  return !sized;
}

/**
 * Clears from `mask` the products outside `include`, inside any `exclude`, and those not available
 * in the visitor's size. Only rows still allowed are tested, so each filter narrows the next one's work.
 */
export function applyRuleFilters(version: Version, rules: NormalizedRules, mask: Uint8Array): void {
  const { products } = version.bundle;
  const rows = products.count;
  if (rules.include) {
    const include = productMatcher(version, rules.include);
    clearWhere(mask, rows, (row) => !include(row));
  }
  for (const filter of rules.exclude) clearWhere(mask, rows, productMatcher(version, filter));
  if (rules.size !== null) {
    const available = sizeAvailability(version, rules.size);
    clearWhere(mask, rows, (row) => available[row] === 0);
  }
}

/** Per version, per lower-cased size: 1 for each row available in that size. */
const sizeCache = new WeakMap<Version, Map<string, Uint8Array>>();
/** Sizes remembered per version: a shop has a few dozen; a flood of odd ones must not grow memory. */
const MAX_CACHED_SIZES = 64;

/**
 * Variants are strings decoded per row (no typed column): about 30 ms for 100k products, so each
 * size is worked out once per bundle version and reused by every later request.
 */
function sizeAvailability(version: Version, size: string): Uint8Array {
  const key = size.trim().toLowerCase();
  let bySize = sizeCache.get(version);
  if (!bySize) sizeCache.set(version, (bySize = new Map()));
  let available = bySize.get(key);
  if (!available) {
    const { products } = version.bundle;
    available = new Uint8Array(products.count);
    for (let row = 0; row < products.count; row++) available[row] = availableInSize(products.variants(row), key) ? 1 : 0;
    if (bySize.size >= MAX_CACHED_SIZES) bySize.clear();
    bySize.set(key, available);
  }
  return available;
}

/**
 * Overwrites `into` (one score per row) with the sum of the matching boost weights minus the
 * matching bury weights. Returns false, leaving zeros, when there is nothing to boost or bury, so
 * the caller can skip the component.
 */
export function ruleBoostScores(version: Version, rules: NormalizedRules, into: Float32Array): boolean {
  into.fill(0);
  if (rules.boost.length === 0 && rules.bury.length === 0) return false;
  const rows = Math.min(into.length, version.bundle.products.count);
  const add = (filter: ProductFilter, weight: number): void => {
    const matches = productMatcher(version, filter);
    for (let row = 0; row < rows; row++) if (matches(row)) into[row]! += weight;
  };
  for (const filter of rules.boost) add(filter, filter.weight);
  for (const filter of rules.bury) add(filter, -filter.weight);
  return true;
}

/** True for products in `rules.repeatCategories` (or below): bought before, still worth showing. */
export function isRepeatPurchase(version: Version, rules: NormalizedRules): (row: number) => boolean {
  if (rules.repeatCategories.length === 0) return () => false;
  const flags = categoryFlags(version, rules.repeatCategories);
  const leaf = version.bundle.products.categoryIndex;
  return (row) => {
    const c = leaf[row]!;
    return c >= 0 && flags[c] === 1;
  };
}

/**
 * When caps may skip items, MMR orders this many times `limit` candidates (its cost grows with
 * picks × candidates); the rest follow in relevance order, which caps rarely reach.
 */
const MMR_DEPTH_WITH_CAPS = 4;

/** `scores` min-max scaled to [0, 1] (all 1 when they are equal), so relevance is comparable to a cosine. */
function scaledRelevance(scores: readonly number[]): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const score of scores) {
    if (score < min) min = score;
    if (score > max) max = score;
  }
  const range = max - min;
  return Float32Array.from(scores, (score) => (range > 0 ? (score - min) / range : 1));
}

/** Candidates in MMR order (Carbonell & Goldstein 1998) with `lambda = diversity`. */
function mmrOrder(version: Version, rows: number[], scores: number[], depth: number, diversity: number): number[] {
  const picked = Array.from(version.kernels.mmr(Int32Array.from(rows), scaledRelevance(scores), depth, diversity));
  const seen = new Set(picked);
  // Anything MMR did not pick follows in the callers' (relevance) order.
  for (const row of rows) if (!seen.has(row)) picked.push(row);
  return picked;
}

/**
 * The final list: candidates (rows best first, with their combined scores) reordered by MMR when
 * `rules.diversity < 1`, then walked in order, skipping items that would exceed `maxPerBrand` or
 * `maxPerCategory` (leaf category; products without a brand or category are never capped).
 * Returns up to `limit` rows; deterministic for the same inputs.
 */
export function pickDiverse(
  version: Version,
  candidates: ArrayLike<number>,
  scores: ArrayLike<number>,
  limit: number,
  rules: NormalizedRules,
): number[] {
  // Repeated rows would count twice against the caps (and MMR would pick them twice).
  const rows: number[] = [];
  const rowScores: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i]!;
    if (seen.has(row)) continue;
    seen.add(row);
    rows.push(row);
    const score = scores[i]!;
    rowScores.push(score);
  }
  // Non-finite scores sit at the bottom of the scale rather than poisoning min-max scaling.
  let floor = Infinity;
  for (const score of rowScores) if (Number.isFinite(score) && score < floor) floor = score;
  for (let i = 0; i < rowScores.length; i++) if (!Number.isFinite(rowScores[i]!)) rowScores[i] = Number.isFinite(floor) ? floor : 0;

  const capped = rules.maxPerBrand !== null || rules.maxPerCategory !== null;
  let order = rows;
  if (rules.diversity < 1 && rows.length > 1 && limit > 0) {
    const depth = Math.min(rows.length, capped ? limit * MMR_DEPTH_WITH_CAPS : limit);
    order = mmrOrder(version, rows, rowScores, depth, rules.diversity);
  }
  if (!capped) return order.slice(0, Math.max(0, limit));

  const { brandIndex, categoryIndex } = version.bundle.products;
  const perBrand = new Map<number, number>();
  const perCategory = new Map<number, number>();
  const picked: number[] = [];
  for (const row of order) {
    if (picked.length >= limit) break;
    const brand = brandIndex[row]!;
    const category = categoryIndex[row]!;
    const brandCount = perBrand.get(brand) ?? 0;
    const categoryCount = perCategory.get(category) ?? 0;
    if (rules.maxPerBrand !== null && brand >= 0 && brandCount >= rules.maxPerBrand) continue;
    if (rules.maxPerCategory !== null && category >= 0 && categoryCount >= rules.maxPerCategory) continue;
    perBrand.set(brand, brandCount + 1);
    perCategory.set(category, categoryCount + 1);
    picked.push(row);
  }
  return picked;
}
