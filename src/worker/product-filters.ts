/**
 * Which products a business rule names (validated by `src/shared/rules.ts`): per-row tests built
 * from the typed columns, and the filters that clear bits of a request's allow mask. 100k products
 * cost one pass per filter; strings (attributes, variants) are decoded only when a rule asks about
 * them. Boost / bury is the `rules` score component (components/rule-boost.ts); caps and diversity
 * shape the final list (diversity.ts).
 */
import type { Bundle, VariantInput } from '../shared/bundle/types.ts';
import type { NormalizedRules, ProductFilter } from '../shared/rules.ts';
import type { BundleIndexes } from './bundle-indexes.ts';

/** What naming products needs: the catalog and its category names. */
export type FilterIndexes = Pick<BundleIndexes, 'bundle' | 'categories'>;
import { clearBit, isAllowed } from './masks.ts';

/**
 * Per category: 1 when it is one of `names` or lies below one. Parents precede children in the
 * bundle (the reader checks it), so one forward pass inherits the flag from the parent.
 */
function categoryFlags(indexes: FilterIndexes, names: readonly string[]): Uint8Array {
  const { categories } = indexes.bundle;
  const flags = new Uint8Array(categories.length);
  for (const name of names) for (const index of indexes.categories.find(name)) flags[index] = 1;
  for (let c = 0; c < categories.length; c++) {
    const parent = categories[c]!.parent;
    if (parent >= 0 && flags[parent] === 1) flags[c] = 1;
  }
  return flags;
}

/** Per brand: 1 when its name equals one of `names` (case-insensitive). */
function brandFlags(bundle: Bundle, names: readonly string[]): Uint8Array {
  const wanted = new Set(names.map((name) => name.trim().toLowerCase()));
  return Uint8Array.from(bundle.brands, (brand) => (wanted.has(brand.trim().toLowerCase()) ? 1 : 0));
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
function attributeTest(bundle: Bundle, wanted: Record<string, string[]>): (row: number) => boolean {
  const tests = Object.entries(wanted).map(([name, values]) => ({
    name: name.trim().toLowerCase(),
    accepted: new Set(values.map((value) => value.trim().toLowerCase())),
  }));
  const { products } = bundle;
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
export function productMatcher(indexes: FilterIndexes, filter: ProductFilter): (row: number) => boolean {
  const { bundle } = indexes;
  const { products } = bundle;
  const checks: Array<(row: number) => boolean> = [];
  if (filter.category) {
    const flags = categoryFlags(indexes, filter.category);
    const leaf = products.categoryIndex;
    checks.push((row) => {
      const c = leaf[row]!;
      return c >= 0 && flags[c] === 1;
    });
  }
  if (filter.brand) {
    const flags = brandFlags(bundle, filter.brand);
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
  if (filter.attribute) checks.push(attributeTest(bundle, filter.attribute));
  if (checks.length === 1) return checks[0]!;
  return (row) => {
    for (const check of checks) if (!check(row)) return false;
    return true;
  };
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

/** Per row, 1 when the product is available in `size` (lower-cased); see `availableInSize`. */
export function rowsAvailableInSize(bundle: Bundle, size: string): Uint8Array {
  const { products } = bundle;
  const available = new Uint8Array(products.count);
  for (let row = 0; row < products.count; row++) available[row] = availableInSize(products.variants(row), size) ? 1 : 0;
  return available;
}

/**
 * Clears from `mask` the products outside `include`, inside any `exclude`, and those not available
 * in the visitor's size. Only rows still allowed are tested, so each filter narrows the next one's work.
 */
export function applyRuleFilters(
  indexes: FilterIndexes & Pick<BundleIndexes, 'sizeAvailability'>,
  rules: NormalizedRules,
  mask: Uint8Array,
): void {
  const rows = indexes.bundle.products.count;
  if (rules.include) {
    const include = productMatcher(indexes, rules.include);
    clearWhere(mask, rows, (row) => !include(row));
  }
  for (const filter of rules.exclude) clearWhere(mask, rows, productMatcher(indexes, filter));
  if (rules.size !== null) {
    const available = indexes.sizeAvailability(rules.size);
    clearWhere(mask, rows, (row) => available[row] === 0);
  }
}

/** True for products in `rules.repeatCategories` (or below): bought before, still worth showing. */
export function isRepeatPurchase(indexes: FilterIndexes, rules: NormalizedRules): (row: number) => boolean {
  if (rules.repeatCategories.length === 0) return () => false;
  const flags = categoryFlags(indexes, rules.repeatCategories);
  const leaf = indexes.bundle.products.categoryIndex;
  return (row) => {
    const c = leaf[row]!;
    return c >= 0 && flags[c] === 1;
  };
}
