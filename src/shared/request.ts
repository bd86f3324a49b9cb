/**
 * What the page may ask the engine and what it gets back. The worker validates every request with
 * the functions below before touching the bundle, so a bad call from a shop's code fails with
 * `INVALID_REQUEST` naming the field instead of a TypeError deep in scoring.
 */
import type { KernelImpl } from './kernels/types.ts';
import type { ErrorCode } from './errors.ts';
import { normalizeVisitContext, type NormalizedVisitContext, type VisitContext } from './visit-context.ts';
import type { MessageId, MessageParams } from './messages.ts';
import { invalidRequest, isRecord } from './validation.ts';
import { normalizeRules, type BusinessRules, type NormalizedRules } from './rules.ts';

/** Placements a widget asks for by name (docs/strategies.md says what each does). */
export const PLACEMENTS = ['similar', 'also_bought', 'goes_with', 'now_reduced', 'for_you', 'trending'] as const;
export type Placement = (typeof PLACEMENTS)[number];
/** A way of filling a list: one per placement, plus `rerank` for the shop's own lists. */
export type StrategyName = Placement | 'rerank';

/** Default and bounds of `limit`. */
export const DEFAULT_LIMIT = 6;
export const MAX_LIMIT = 100;
/** Longest `context.recent` list the engine reads; older items barely weigh anything anyway. */
export const MAX_RECENT = 50;
/** Longest list `rerank` accepts (a category page or a search result page). */
export const MAX_RERANK = 1000;

/** What the page knows about the visitor beyond the engine's own session and profile. */
export interface RequestContext {
  /**
   * Product ids the visitor looked at, **most recent first**, e.g. `['sku-9', 'sku-3']`, for pages
   * that keep their own history. Default `[]`; the engine's session (tracked events) is used too.
   */
  recent?: string[];
  /** First-visit context: landing category, search query, campaign, referrer, device, hour. */
  visit?: VisitContext;
}

/** Options shared by every recommendation call. */
export interface RecommendOptions {
  /** How many items to return, 1..100. Default 6. */
  limit?: number;
  /** Product ids never to return, e.g. what is already in the cart. Default `[]`. */
  exclude?: string[];
  /** Leave out products that are not in stock. Default `true`. */
  inStockOnly?: boolean;
  /**
   * Only products in this category or below it: a category name (`'Dresses'`) or a path joined
   * with `' > '` (`'Clothing > Women > Dresses'`), case-insensitive. An unknown category gives no items.
   */
  category?: string;
  /** The shop's business rules for this request (filters, boosts, caps, diversity). */
  rules?: BusinessRules;
  /** BCP 47 tag for the explanation texts, e.g. `'de'`, `'en-GB'`. Default `'en'`. */
  locale?: string;
  /**
   * Let products the visitor already viewed in this session be recommended again (a "recently
   * viewed" row; the offline evaluation's protocol). Default `false`.
   */
  includeViewed?: boolean;
}

/** Options of `similar(productId, options)`. */
export interface SimilarOptions extends RecommendOptions {
  context?: RequestContext;
}

/** One `recommend()` call. */
export interface RecommendRequest extends RecommendOptions {
  /** Where the widget sits. */
  placement: Placement;
  /** The product on the page; required by `similar`, used by `also_bought` / `goes_with` when given. */
  product?: string;
  /** Product ids in the cart (default: the cart the engine tracked from `add_to_cart` events). */
  cart?: string[];
  context?: RequestContext;
}

/** One reason an item is shown: a score component and the evidence behind it. */
export interface WhyReason {
  /** The score component this reason explains, e.g. `'covisitation'`. */
  component: string;
  /**
   * The part of the item's score this evidence accounts for: removing the evidence (e.g. the
   * viewed product from the session) lowers the score by exactly this much.
   */
  contribution: number;
  message: MessageId;
  params: MessageParams;
  /** The product the reason cites (a viewed / carted product), when it cites one. */
  evidenceProduct?: string;
  /** The rendered text in the request's locale. */
  text: string;
}

/** One recommended product, with the numbers that made it. */
export interface ResultItem {
  productId: string;
  title: string;
  url: string;
  image: string;
  brand: string;
  /** Category path from the root down to the product's leaf category (`['Women', 'Dresses']`); empty when it has none. */
  category: string[];
  /** Whether the catalog lists the product as in stock. */
  inStock: boolean;
  /** The catalog's free attributes (material, fit, …), string values; `{}` when it has none. */
  attributes: Record<string, string>;
  /** Regular price in `currency`, rounded to its minor unit (2 decimals for EUR, 0 for JPY), or null when the catalog gives none. */
  price: number | null;
  /** Current reduced price, rounded the same way, or null. */
  salePrice: number | null;
  currency: string;
  /**
   * How strongly the engine recommends the item: the sum of `components`, ≥ 0, higher is better. Not
   * normalised (no fixed maximum): it depends on the strategy and the bundle's weights.
   */
  score: number;
  /** Weighted contribution of each score component; they sum to `score`. */
  components: Record<string, number>;
  /** Why it is shown, strongest reason first (1–2 reasons). */
  why: WhyReason[];
  /** Strategy that produced the item (differs from the placement when the list was filled up). */
  strategy: StrategyName;
  /** Average rating, or null. */
  rating: number | null;
  /** Content hash of the bundle this item was computed on. */
  bundleVersion: string;
}

export interface RecommendResult {
  placement: Placement;
  items: ResultItem[];
  /**
   * Set when the placement's own strategy found fewer items than asked (filters, no history, no
   * cart): the list was filled from `strategy`, with `count` items, because of `reason`.
   */
  fallback: { strategy: StrategyName; count: number; reason: 'too-few-items' | 'no-signal' } | null;
  /** Content hash of the bundle every item came from. */
  bundleVersion: string;
  /** The component weights used, e.g. `{ similarity: 1, covisitation: 0.5 }`. */
  weights: Record<string, number>;
}

export interface RerankResult {
  /** The known products, best first. */
  items: ResultItem[];
  /** Every given id in the new order: the known ones ranked, then the unknown ones as given. */
  order: string[];
  /** Ids the bundle does not know, kept at the end of `order`. */
  unknown: string[];
  bundleVersion: string;
}

export type EngineState = 'idle' | 'loading' | 'ready' | 'error';

export interface BundleStatus {
  /** The URL it was loaded from, or null for an ArrayBuffer. */
  url: string | null;
  contentHash: string;
  formatVersion: number;
  products: number;
  dim: number;
  dtype: 'f32' | 'i8';
  /** Where the bytes came from on the last (re)load. */
  source: 'network' | 'cache' | 'buffer';
  /** Milliseconds from bytes in hand to serving: decode + validate + copy into the kernels. */
  loadMs: number;
  /** `head`: the bundle's head part serves (a first visit) until the full bundle is swapped in; `full`: the whole bundle. */
  part: 'head' | 'full';
  /** Size of the serving bundle or head part, bytes. */
  bytes: number;
  /**
   * While the head part serves: the full bundle's size and why it is not serving yet —
   * `downloading`, `cache` (a returning visitor's cached copy is being read and decoded), `save-data` (Save-Data or a slow connection: it waits for the visitor's first
   * interaction), `max-download` (larger than the shop's cap: never fetched), `failed` (see `lastError`).
   */
  pending?: { bytes: number; reason: 'downloading' | 'cache' | 'save-data' | 'max-download' | 'failed' };
  /** Why a first visit loaded the full bundle without its head part (none next to it, or a corrupt one), else absent. */
  headSkipped?: { code: string; message: string };
}

export interface EngineStatus {
  state: EngineState;
  bundle: BundleStatus | null;
  /** The kernel implementation in use, or null before the first load picked one. */
  kernels: KernelImpl | null;
  /** Why WASM was not used (`WASM_BLOCKED`, `WASM_UNAVAILABLE`), else null. */
  kernelsFallback: { code: string; message: string } | null;
  /** The last load error (the engine keeps serving the previous bundle if it had one). */
  lastError: { code: string; message: string } | null;
  /** The visitor profile's storage state (always set by the worker's `status()`). */
  profile?: ProfileStatus;
}

/** Where the visitor profile lives and what it holds, in numbers. */
export interface ProfileStatus {
  /** `persistent`: kept in IndexedDB on this device; `memory`: this tab's worker only, gone on close. */
  mode: 'persistent' | 'memory';
  /** Why the profile is in memory although persistence was asked for (a `STORAGE_*` code), else null. */
  reason: ErrorCode | null;
  /**
   * Raw events held (stored plus not yet written), never more than the cap (`maxEvents`): the
   * oldest past it are folded into aggregates on the way in and counted in `overflow`.
   */
  events: number;
  /** Events moved out of the raw log into per-product aggregates because the count cap was reached. */
  overflow: number;
  /** Stored records that were corrupt or from a newer build: skipped (left untouched) and counted. */
  skippedRecords: number;
  /**
   * Events `track()` dropped this page view because 10,000 were already waiting on the page
   * (each such call resolved `{ recorded: false, reason: 'queue-full' }`). Counted by the page.
   */
  dropped?: number;
  /**
   * A deletion of the stored profile waits for another connection (reason `STORAGE_BLOCKED`):
   * nothing is read or written until it completes; it is retried on the next page load.
   * Absent from workers built before this field existed.
   */
  deletionPending?: boolean;
}

function productId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest(field, 'must be a non-empty string');
  return value;
}

function idList(value: unknown, field: string, max: number): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidRequest(field, 'must be an array of product ids');
  if (value.length > max) throw invalidRequest(field, `at most ${max} ids`, { length: value.length });
  return value.map((id, i) => productId(id, `${field}[${i}]`));
}

/** Validated, defaulted options: what scoring code consumes. */
export interface NormalizedOptions {
  limit: number;
  exclude: string[];
  inStockOnly: boolean;
  category: string | null;
  rules: NormalizedRules;
  locale: string;
  includeViewed: boolean;
  context: NormalizedContext;
}

export interface NormalizedContext {
  recent: string[];
  visit: NormalizedVisitContext;
}

const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Checks options and context, fills defaults. `where` prefixes field names (`'options.'`). */
export function normalizeOptions(value: unknown, where = ''): NormalizedOptions {
  if (value === undefined) value = {};
  if (!isRecord(value)) throw invalidRequest(where.replace(/\.$/, '') || 'options', 'must be an object');
  const { limit = DEFAULT_LIMIT, inStockOnly = true, category, context, locale = 'en', includeViewed = false } = value;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidRequest(`${where}limit`, `must be an integer from 1 to ${MAX_LIMIT}`);
  }
  if (typeof inStockOnly !== 'boolean') throw invalidRequest(`${where}inStockOnly`, 'must be a boolean');
  if (typeof includeViewed !== 'boolean') throw invalidRequest(`${where}includeViewed`, 'must be a boolean');
  if (category !== undefined && (typeof category !== 'string' || category.trim() === '')) {
    throw invalidRequest(`${where}category`, 'must be a non-empty string');
  }
  if (typeof locale !== 'string' || !LOCALE_TAG.test(locale))
    throw invalidRequest(`${where}locale`, 'must be a BCP 47 language tag like "de" or "en-GB"');
  return {
    limit,
    exclude: idList(value.exclude, `${where}exclude`, MAX_RERANK),
    inStockOnly,
    category: category === undefined ? null : category.trim(),
    rules: normalizeRules(value.rules, `${where}rules`),
    locale,
    includeViewed,
    context: normalizeContext(context, `${where}context`),
  };
}

/** Checks a `RequestContext`. */
export function normalizeContext(value: unknown, field = 'context'): NormalizedContext {
  if (value === undefined) value = {};
  if (!isRecord(value)) throw invalidRequest(field, 'must be an object');
  return {
    recent: idList(value.recent, `${field}.recent`, MAX_RECENT),
    visit: normalizeVisitContext(value.visit, `${field}.visit`),
  };
}

/** A validated `recommend()` request. */
export interface NormalizedRequest extends NormalizedOptions {
  placement: Placement;
  product: string | null;
  /** Cart product ids given by the page, or null to use the tracked cart. */
  cart: string[] | null;
}

/** Checks a `recommend()` request: placement known, `product` present where needed, options sane. */
export function normalizeRequest(value: unknown): NormalizedRequest {
  if (!isRecord(value)) throw invalidRequest('request', 'must be an object');
  const { placement, product, cart } = value;
  if (typeof placement !== 'string' || !(PLACEMENTS as readonly string[]).includes(placement)) {
    throw invalidRequest('placement', `must be one of ${PLACEMENTS.join(', ')}`);
  }
  if (placement === 'similar' && product === undefined) throw invalidRequest('product', 'is required by placement "similar"');
  return {
    ...normalizeOptions(value),
    placement: placement as Placement,
    product: product === undefined ? null : productId(product, 'product'),
    cart: cart === undefined ? null : idList(cart, 'cart', MAX_RECENT),
  };
}

/** Checks `rerank(productIds, context, options)` arguments (`options.limit` defaults to the whole list). */
export function normalizeRerank(productIds: unknown, context: unknown, options: unknown): { ids: string[]; options: NormalizedOptions } {
  if (!Array.isArray(productIds)) throw invalidRequest('productIds', 'must be an array of product ids');
  const ids = idList(productIds, 'productIds', MAX_RERANK);
  if (options !== undefined && !isRecord(options)) throw invalidRequest('options', 'must be an object');
  const normalized = normalizeOptions({ limit: MAX_LIMIT, inStockOnly: false, ...(options ?? {}) }, 'options.');
  return { ids, options: { ...normalized, context: normalizeContext(context) } };
}
