/**
 * Business rules a shop sets on every request: what may be shown, what is pushed up or down, how
 * varied the list must be. Validated here (page, worker and CLI agree on what a rule is); applied
 * by `src/worker/product-filters.ts`, `src/worker/components/rule-boost.ts` and `src/worker/diversity.ts`.
 */
import { invalidRequest, isRecord, knownKeysRecord } from './validation.ts';

/**
 * Matches a product when every given field matches (fields are ANDed, values in a list ORed). At
 * least one field must be set (an empty filter would match every product), each list non-empty.
 */
export interface ProductFilter {
  /** Category names or `' > '`-joined paths (case-insensitive); a product matches in that category or below. */
  category?: string[];
  /** Brand names (case-insensitive, exact). */
  brand?: string[];
  /**
   * Attribute name → accepted values (case-insensitive, exact), e.g. `{ material: ['wool'] }`. A
   * comma-joined attribute (how the CLI stores lists such as `tags: 'beauty, mascara'`) matches
   * when any one of its items does.
   */
  attribute?: Record<string, string[]>;
  /** Current price (sale price when reduced) within [min, max]; products without a price never match. */
  price?: { min?: number; max?: number };
}

export interface WeightedFilter extends ProductFilter {
  /** Score added (boost) or subtracted (bury) for a match, 0 < weight <= 10. Default 0.3. */
  weight?: number;
}

export interface BusinessRules {
  /** Only products matching this filter. */
  include?: ProductFilter;
  /** Never products matching any of these filters. */
  exclude?: ProductFilter[];
  /** Push matching products up by `weight`. */
  boost?: WeightedFilter[];
  /** Push matching products down by `weight`. */
  bury?: WeightedFilter[];
  /** At most this many items of one brand (1..100). */
  maxPerBrand?: number;
  /** At most this many items of one leaf category (1..100). */
  maxPerCategory?: number;
  /** MMR trade-off in [0, 1]: 1 = pure relevance (default), 0.7 = noticeably varied. */
  diversity?: number;
  /** Leave out what the visitor bought (default true), except in these repeat-purchase categories. */
  excludePurchased?: boolean;
  /** Categories (names or paths) whose products may be bought again (groceries, consumables). */
  repeatCategories?: string[];
  /**
   * The visitor's size (case-insensitive): products that list sized variants but none in stock in
   * this size are left out. Products without variants, or with colour-only variants, stay.
   */
  size?: string;
}

/** Validated rules with defaults filled: what the worker consumes. */
export interface NormalizedRules {
  include: ProductFilter | null;
  exclude: ProductFilter[];
  boost: Array<ProductFilter & { weight: number }>;
  bury: Array<ProductFilter & { weight: number }>;
  maxPerBrand: number | null;
  maxPerCategory: number | null;
  diversity: number;
  excludePurchased: boolean;
  repeatCategories: string[];
  size: string | null;
}

export const DEFAULT_RULE_WEIGHT = 0.3;

/** Longest `exclude` / `boost` / `bury` list, and most attribute names in one filter. */
export const MAX_RULE_FILTERS = 50;
/** Longest list of values (categories, brands, one attribute's values, repeat categories). */
export const MAX_RULE_VALUES = 100;
/** Longest name or value: rules name things, they do not carry text. */
export const MAX_RULE_STRING = 200;
/** Largest boost / bury weight: score components live in about [0, 1], so 10 already dominates. */
export const MAX_RULE_WEIGHT = 10;
/** Largest `maxPerBrand` / `maxPerCategory` (the most items a request can return). */
export const MAX_RULE_CAP = 100;

const RULE_KEYS = [
  'include',
  'exclude',
  'boost',
  'bury',
  'maxPerBrand',
  'maxPerCategory',
  'diversity',
  'excludePurchased',
  'repeatCategories',
  'size',
] as const;
const FILTER_KEYS = ['category', 'brand', 'attribute', 'price'] as const;
const WEIGHTED_KEYS = [...FILTER_KEYS, 'weight'] as const;
const PRICE_KEYS = ['min', 'max'] as const;

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidRequest(field, 'must be a non-empty string');
  if (value.length > MAX_RULE_STRING) throw invalidRequest(field, `at most ${MAX_RULE_STRING} characters`);
  return value.trim();
}

function textList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw invalidRequest(field, 'must be an array of strings');
  // An empty list would match nothing (values are ORed): almost certainly a mistake.
  if (value.length === 0) throw invalidRequest(field, 'must list at least one value');
  if (value.length > MAX_RULE_VALUES) throw invalidRequest(field, `at most ${MAX_RULE_VALUES} values`);
  return value.map((item, i) => text(item, `${field}[${i}]`));
}

function filterList<T>(value: unknown, field: string, item: (value: unknown, field: string) => T): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidRequest(field, 'must be an array of filters');
  if (value.length > MAX_RULE_FILTERS) throw invalidRequest(field, `at most ${MAX_RULE_FILTERS} filters`);
  return value.map((entry, i) => item(entry, `${field}[${i}]`));
}

/** `rules.include.attribute.material`, or `...attribute["pattern type"]` when the name is not a plain word. */
function attributeField(field: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${field}.${name}` : `${field}[${JSON.stringify(name)}]`;
}

function attributes(value: unknown, field: string): Record<string, string[]> {
  if (!isRecord(value)) throw invalidRequest(field, 'must be an object of attribute name → values');
  const names = Object.keys(value);
  if (names.length === 0) throw invalidRequest(field, 'must name at least one attribute');
  if (names.length > MAX_RULE_FILTERS) throw invalidRequest(field, `at most ${MAX_RULE_FILTERS} attributes`);
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const at = attributeField(field, name);
    const key = text(name, at);
    if (Object.hasOwn(out, key)) throw invalidRequest(at, `attribute "${key}" given twice`);
    out[key] = textList(value[name], at);
  }
  return out;
}

function priceBound(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidRequest(field, 'must be a non-negative number');
  return value;
}

function priceRange(value: unknown, field: string): { min?: number; max?: number } {
  const given = knownKeysRecord(value, field, PRICE_KEYS);
  if (given.min === undefined && given.max === undefined) throw invalidRequest(field, 'must set min, max or both');
  const range: { min?: number; max?: number } = {};
  if (given.min !== undefined) range.min = priceBound(given.min, `${field}.min`);
  if (given.max !== undefined) range.max = priceBound(given.max, `${field}.max`);
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    throw invalidRequest(`${field}.min`, `must not exceed max (${range.min} > ${range.max})`);
  }
  return range;
}

/** The fields shared by every filter; `given` has already passed the key check. */
function filterFields(given: Record<string, unknown>, field: string): ProductFilter {
  const filter: ProductFilter = {};
  if (given.category !== undefined) filter.category = textList(given.category, `${field}.category`);
  if (given.brand !== undefined) filter.brand = textList(given.brand, `${field}.brand`);
  if (given.attribute !== undefined) filter.attribute = attributes(given.attribute, `${field}.attribute`);
  if (given.price !== undefined) filter.price = priceRange(given.price, `${field}.price`);
  // An empty filter matches every product: as an exclude it would empty every list.
  if (Object.keys(filter).length === 0) throw invalidRequest(field, `must set at least one of ${FILTER_KEYS.join(', ')}`);
  return filter;
}

function productFilter(value: unknown, field: string): ProductFilter {
  return filterFields(knownKeysRecord(value, field, FILTER_KEYS), field);
}

function weightedFilter(value: unknown, field: string): ProductFilter & { weight: number } {
  const given = knownKeysRecord(value, field, WEIGHTED_KEYS);
  const { weight = DEFAULT_RULE_WEIGHT } = given;
  if (typeof weight !== 'number' || !(weight > 0 && weight <= MAX_RULE_WEIGHT)) {
    throw invalidRequest(`${field}.weight`, `must be a number above 0 and at most ${MAX_RULE_WEIGHT}`);
  }
  return { ...filterFields(given, field), weight };
}

function cap(value: unknown, field: string): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RULE_CAP) {
    throw invalidRequest(field, `must be an integer from 1 to ${MAX_RULE_CAP}`);
  }
  return value;
}

/**
 * Checks `value` (undefined → all defaults). Throws `VitrineError('INVALID_REQUEST')` with
 * `details.field` naming the first bad field, e.g. `rules.boost[1].weight`. Strings come back
 * trimmed; filters keep only the fields that were given.
 */
export function normalizeRules(value: unknown, field = 'rules'): NormalizedRules {
  if (value === undefined) value = {};
  const given = knownKeysRecord(value, field, RULE_KEYS);
  const { diversity = 1, excludePurchased = true } = given;
  if (typeof diversity !== 'number' || !(diversity >= 0 && diversity <= 1))
    throw invalidRequest(`${field}.diversity`, 'must be a number from 0 to 1');
  if (typeof excludePurchased !== 'boolean') throw invalidRequest(`${field}.excludePurchased`, 'must be a boolean');
  return {
    include: given.include === undefined ? null : productFilter(given.include, `${field}.include`),
    exclude: filterList(given.exclude, `${field}.exclude`, productFilter),
    boost: filterList(given.boost, `${field}.boost`, weightedFilter),
    bury: filterList(given.bury, `${field}.bury`, weightedFilter),
    maxPerBrand: cap(given.maxPerBrand, `${field}.maxPerBrand`),
    maxPerCategory: cap(given.maxPerCategory, `${field}.maxPerCategory`),
    diversity,
    excludePurchased,
    repeatCategories: given.repeatCategories === undefined ? [] : textList(given.repeatCategories, `${field}.repeatCategories`),
    size: given.size === undefined ? null : text(given.size, `${field}.size`),
  };
}
