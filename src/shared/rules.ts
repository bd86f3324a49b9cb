/**
 * Business rules a shop sets on every request: what may be shown, what is pushed up or down, how
 * varied the list must be. Validated here (page, worker and CLI agree on what a rule is); applied
 * by `src/worker/rules.ts`.
 *
 * CONTRACT (skeleton written by the integrator; the rules helper implements `normalizeRules`).
 */

/** Matches a product when every given field matches (fields are ANDed, values in a list ORed). */
export interface ProductFilter {
  /** Category names or `' > '`-joined paths (case-insensitive); a product matches in that category or below. */
  category?: string[];
  /** Brand names (case-insensitive, exact). */
  brand?: string[];
  /** Attribute name → accepted values (case-insensitive, exact), e.g. `{ material: ['wool'] }`. */
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
  /** The visitor's size: products that list variants but none in stock in this size are left out. */
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

/**
 * Checks `value` (undefined → all defaults). Throws `VitrineError('INVALID_REQUEST')` with
 * `details.field` naming the first bad field, e.g. `rules.boost[1].weight`.
 */
export function normalizeRules(value: unknown, field = 'rules'): NormalizedRules {
  void value;
  void field;
  throw new Error('normalizeRules: not implemented yet');
}
