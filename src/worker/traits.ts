/**
 * Visitor traits read off their own events, on the device: intent in this visit (browsing or
 * buying), price style (bargain or premium) and brand style (loyal or exploring), each with a
 * confidence and the counts that decided it. Plus the buyer-fit component: how well each product
 * suits the price style.
 *
 * Confidences are saturating scores in [0, 1] that grow with the amount and clarity of evidence,
 * not calibrated probabilities; the thresholds that decide a value are the documented constants.
 */
import type { Bundle } from '../shared/bundle/types.ts';
import type { EventType, StoredEvent } from '../shared/events.ts';
import type { MessageId, MessageParams } from '../shared/messages.ts';
import type { TraitEvidence, VisitorTraits } from '../shared/visitor-traits.ts';
import type { BundleIndexes } from './bundle-indexes.ts';
import type { RowsByGroup } from './rows-by-group.ts';
import { tokenize } from './text.ts';

/** Events that show interest in a product (dismissals, removals and impressions do not). */
const INTEREST: ReadonlySet<EventType> = new Set(['view', 'click', 'add_to_cart', 'purchase']);
const LOOK: ReadonlySet<EventType> = new Set(['view', 'click']);
const BUY: ReadonlySet<EventType> = new Set(['add_to_cart', 'purchase']);

// ---- intent ------------------------------------------------------------------------------------

/** Fewer product looks and searches than this in a visit (and no cart) say nothing yet. */
export const INTENT_MIN_EVENTS = 3;
/**
 * Buying signals needed when nothing was carted. Each alone (one repeat view, one category, one
 * precise search) is common while browsing; two together are not. A cart counts as two: putting
 * something in the cart is the buying act itself.
 */
export const INTENT_BUYING_SIGNALS = 2;
/** Product looks needed before "all in one category" counts as narrowing (two in one is chance). */
export const NARROWING_MIN_LOOKS = 3;

/**
 * A search names a product rather than a topic when it has two or more words or a model number
 * ("iphone 13", "red lipstick" vs "shoes").
 */
function isSpecificSearch(query: string): boolean {
  const words = tokenize(query);
  return words.length >= 2 || words.some((w) => /\p{N}/u.test(w));
}

function computeIntent(bundle: Bundle, session: readonly StoredEvent[]): VisitorTraits['intent'] {
  const { products } = bundle;
  let carts = 0;
  let looks = 0;
  let searches = 0;
  let specificSearches = 0;
  const lookCounts = new Map<string, number>();
  const categories = new Set<number>();
  for (const event of session) {
    if (event.type === 'search') {
      searches++;
      if (event.query !== undefined && isSpecificSearch(event.query)) specificSearches++;
      continue;
    }
    if (event.product === undefined || !INTEREST.has(event.type)) continue;
    if (BUY.has(event.type)) carts++;
    if (LOOK.has(event.type)) {
      looks++;
      lookCounts.set(event.product, (lookCounts.get(event.product) ?? 0) + 1);
    }
    const row = products.indexOf(event.product);
    const category = row >= 0 ? products.categoryIndex[row]! : -1;
    if (category >= 0) categories.add(category);
  }
  let repeated = 0;
  let mostRepeated: string | undefined;
  let mostLooks = 1;
  for (const [product, count] of lookCounts) {
    if (count < 2) continue;
    repeated++;
    if (count > mostLooks) [mostRepeated, mostLooks] = [product, count];
  }
  const narrowed = looks >= NARROWING_MIN_LOOKS && categories.size === 1;
  const signals = 2 * carts + repeated + (narrowed ? 1 : 0) + specificSearches;

  const evidence: TraitEvidence[] = [
    { kind: 'looks', count: looks },
    { kind: 'categories', count: categories.size },
  ];
  if (carts > 0) evidence.push({ kind: 'carts', count: carts });
  if (repeated > 0) {
    evidence.push({ kind: 'repeatViews', count: repeated, ...(mostRepeated ? { productId: mostRepeated } : {}) });
  }
  if (narrowed) evidence.push({ kind: 'narrowed', count: looks });
  if (searches > 0) {
    evidence.push({ kind: 'searches', count: searches }, { kind: 'specificSearches', count: specificSearches });
  }

  if (carts === 0 && looks + searches < INTENT_MIN_EVENTS) return { value: 'unknown', confidence: 0, evidence };
  if (signals >= INTENT_BUYING_SIGNALS) return { value: 'buying', confidence: signals / (signals + 1), evidence };
  // Only looks, no cart, too few buying signals: browsing, the surer the more categories it spans.
  const spread = categories.size / (categories.size + 1);
  return { value: 'browsing', confidence: spread * (1 - signals / INTENT_BUYING_SIGNALS / 2), evidence };
}

// ---- price -------------------------------------------------------------------------------------

/**
 * A price is ranked among at least this many priced products: the leaf category when it has them,
 * else the nearest ancestor that does. With two prices a percentile is just 0 or 1.
 */
export const MIN_PRICE_PEERS = 5;
/** Distinct priced products the visitor showed interest in before a price style is read. */
export const PRICE_MIN_PRODUCTS = 3;
/**
 * How far the visitor's mean percentile must sit from 0.5 (what picking products at random gives,
 * since mean mid-rank percentiles over a catalog are exactly 0.5) to call a style: a quarter, i.e.
 * in the cheapest / dearest or most-discounted quarter on average. For 5 products picked at random
 * the mean's standard deviation is 0.29 / √5 ≈ 0.13, so random browsing rarely crosses it.
 */
export const PRICE_STYLE_MARGIN = 0.25;

/** Price statistics of a bundle (built once per bundle by `BundleIndexes`). */
export interface PriceStats {
  /** Effective price's percentile among the product's peers (0 cheapest, 1 dearest); NaN unpriced. */
  pricePercentile: Float32Array;
  /** Discount depth `1 - salePrice / price`, 0 when not reduced; NaN unpriced. */
  discount: Float32Array;
  /** Discount depth's percentile over the catalog's priced products (not reduced = depth 0). */
  discountPercentile: Float32Array;
}

/** What the visitor pays: the sale price when reduced. */
function effectivePrice(bundle: Bundle, row: number): number {
  const sale = bundle.products.salePrice[row]!;
  return Number.isNaN(sale) ? bundle.products.price[row]! : sale;
}

/**
 * Mid-rank percentile of `value` in ascending `sorted`: (values below + half the other ties) / (n - 1),
 * so the cheapest is 0, the dearest 1, ties share a rank, and the mean over the list is 0.5.
 */
function percentileIn(sorted: Float64Array, value: number): number {
  const n = sorted.length;
  if (n <= 1) return 0.5;
  const lo = firstIndex(sorted, (x) => x >= value);
  // Binary search for the end of the tie run too: a long run of equal values (most products
  // undiscounted) walked step by step made this quadratic on large catalogs.
  const end = firstIndex(sorted, (x) => x > value);
  return (lo + (end - lo - 1) / 2) / (n - 1);
}

/** First index whose value satisfies the (monotone) predicate, or the length. */
function firstIndex(sorted: Float64Array, from: (x: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (from(sorted[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function computePriceStats(bundle: Bundle): PriceStats {
  const { products, categories } = bundle;
  const n = products.count;
  const priced = (row: number): boolean => Number.isFinite(products.price[row]!);
  const ancestors = (c: number): number[] => {
    const chain: number[] = [];
    for (let at = c; at >= 0 && chain.length <= categories.length; at = categories[at]!.parent) chain.push(at);
    return chain;
  };
  // Priced products under each category (its own and its descendants').
  const subtreeCount = new Uint32Array(categories.length);
  for (let row = 0; row < n; row++) {
    const c = products.categoryIndex[row]!;
    if (c >= 0 && priced(row)) for (const at of ancestors(c)) subtreeCount[at]!++;
  }
  // Peer group per leaf: the nearest category (self first) with enough priced products, else the
  // top of its chain. Uncategorised products are ranked among each other (group -1).
  const peerOf = new Int32Array(categories.length);
  for (let c = 0; c < categories.length; c++) {
    const chain = ancestors(c);
    peerOf[c] = chain.find((at) => subtreeCount[at]! >= MIN_PRICE_PEERS) ?? chain[chain.length - 1]!;
  }
  const groupPrices = new Map<number, number[]>();
  const used = new Set<number>();
  for (let row = 0; row < n; row++) {
    const c = products.categoryIndex[row]!;
    if (priced(row)) used.add(c >= 0 ? peerOf[c]! : -1);
  }
  for (let row = 0; row < n; row++) {
    if (!priced(row)) continue;
    const c = products.categoryIndex[row]!;
    const groups = c >= 0 ? ancestors(c).filter((at) => used.has(at)) : [-1];
    for (const group of groups) {
      let list = groupPrices.get(group);
      if (!list) groupPrices.set(group, (list = []));
      list.push(effectivePrice(bundle, row));
    }
  }
  const sortedGroups = new Map<number, Float64Array>();
  for (const [group, list] of groupPrices) sortedGroups.set(group, Float64Array.from(list).sort());

  const pricePercentile = new Float32Array(n).fill(NaN);
  // Depths in double precision: ranking the float32-rounded copies against these would break ties.
  const depths = new Float64Array(n).fill(NaN);
  const discounts: number[] = [];
  for (let row = 0; row < n; row++) {
    if (!priced(row)) continue;
    const c = products.categoryIndex[row]!;
    pricePercentile[row] = percentileIn(sortedGroups.get(c >= 0 ? peerOf[c]! : -1)!, effectivePrice(bundle, row));
    const price = products.price[row]!;
    const sale = products.salePrice[row]!;
    depths[row] = !Number.isNaN(sale) && sale < price && price > 0 ? 1 - sale / price : 0;
    discounts.push(depths[row]!);
  }
  const sortedDiscounts = Float64Array.from(discounts).sort();
  const discountPercentile = new Float32Array(n).fill(NaN);
  for (let row = 0; row < n; row++) {
    if (priced(row)) discountPercentile[row] = percentileIn(sortedDiscounts, depths[row]!);
  }
  const discount = Float32Array.from(depths);
  return { pricePercentile, discount, discountPercentile };
}

/** Rows of the distinct known products the visitor showed interest in, over history and this visit. */
function interestRows(bundle: Bundle, session: readonly StoredEvent[], history: readonly StoredEvent[]): number[] {
  const rows = new Set<number>();
  for (const events of [history, session]) {
    for (const event of events) {
      if (event.product === undefined || !INTEREST.has(event.type)) continue;
      const row = bundle.products.indexOf(event.product);
      if (row >= 0) rows.add(row);
    }
  }
  return [...rows];
}

/**
 * Bargain: the products looked at sit, on average, in the most-discounted quarter of the catalog
 * or the cheapest quarter of their categories. Premium: in the dearest quarter. In a catalog where
 * everything is on sale, looking at sale items says nothing, which ranking discounts (rather than
 * counting "reduced or not") gets right. Distinct products, so one product viewed ten times
 * decides nothing alone.
 */
function computePrice(stats: PriceStats, rows: readonly number[]): VisitorTraits['price'] {
  const pricedRows = rows.filter((row) => !Number.isNaN(stats.pricePercentile[row]!));
  const count = pricedRows.length;
  const evidence: TraitEvidence[] = [{ kind: 'pricedProducts', count }];
  if (count < PRICE_MIN_PRODUCTS) return { value: 'unknown', confidence: 0, evidence };
  let pricePct = 0;
  let discountPct = 0;
  let reduced = 0;
  for (const row of pricedRows) {
    pricePct += stats.pricePercentile[row]!;
    discountPct += stats.discountPercentile[row]!;
    if (stats.discount[row]! > 0) reduced++;
  }
  pricePct /= count;
  discountPct /= count;
  evidence.push(
    { kind: 'reduced', count: reduced },
    { kind: 'pricePercentile', value: pricePct },
    { kind: 'discountPercentile', value: discountPct },
  );
  const bargain = Math.max(discountPct - 0.5, 0.5 - pricePct);
  const premium = pricePct - 0.5;
  // Saturates with evidence: 3 products count for half as much as many.
  const amount = count / (count + PRICE_MIN_PRODUCTS);
  if (bargain >= PRICE_STYLE_MARGIN && bargain > premium) {
    return { value: 'bargain', confidence: 2 * bargain * amount, evidence };
  }
  if (premium >= PRICE_STYLE_MARGIN && premium > bargain) {
    return { value: 'premium', confidence: 2 * premium * amount, evidence };
  }
  return { value: 'neutral', confidence: (1 - 2 * Math.max(bargain, premium, 0)) * amount, evidence };
}

// ---- brand -------------------------------------------------------------------------------------

/** Distinct products of one brand needed to call the visitor loyal to it. */
export const LOYAL_MIN_PRODUCTS = 3;
/** Share of the visitor's branded products one brand must hold to be "their" brand. */
export const LOYAL_SHARE = 0.6;
/**
 * ... and at least this many times the brand's share of the catalog: in a shop where one brand
 * makes most products, every visitor looks loyal to it without choosing it.
 */
export const LOYAL_LIFT = 2;
/** Distinct brands (among at least that many branded products + 1) that make an explorer. */
export const EXPLORING_MIN_BRANDS = 3;

function computeBrand(bundle: Bundle, catalog: RowsByGroup, rows: readonly number[]): VisitorTraits['brand'] {
  const { products, brands } = bundle;
  const perBrand = new Map<number, number>();
  for (const row of rows) {
    const brand = products.brandIndex[row]!;
    if (brand >= 0) perBrand.set(brand, (perBrand.get(brand) ?? 0) + 1);
  }
  let branded = 0;
  let top = -1;
  let topCount = 0;
  for (const [brand, count] of perBrand) {
    branded += count;
    if (count > topCount) [top, topCount] = [brand, count];
  }
  const evidence: TraitEvidence[] = [
    { kind: 'brandedProducts', count: branded },
    { kind: 'brands', count: perBrand.size },
  ];
  if (top < 0) return { value: 'unknown', confidence: 0, evidence, brand: null };
  const share = topCount / branded;
  const catalogShare = catalog.count(top) / catalog.total;
  evidence.push({ kind: 'topBrand', count: topCount, value: share });
  const amount = branded / (branded + LOYAL_MIN_PRODUCTS);
  if (topCount >= LOYAL_MIN_PRODUCTS && share >= LOYAL_SHARE && share >= LOYAL_LIFT * catalogShare) {
    return { value: 'loyal', confidence: share * amount, evidence, brand: brands[top] ?? null };
  }
  if (perBrand.size >= EXPLORING_MIN_BRANDS && branded > EXPLORING_MIN_BRANDS && share < LOYAL_SHARE) {
    return { value: 'exploring', confidence: (1 - share) * amount, evidence, brand: null };
  }
  return { value: 'unknown', confidence: 0, evidence, brand: null };
}

/**
 * The visitor's traits. `session` = this visit's events (intent is about this visit); `history` =
 * all stored events, oldest first (price and brand style are longer-term). Products the bundle
 * does not know are skipped.
 */
export function computeTraits(
  indexes: Pick<BundleIndexes, 'bundle' | 'prices' | 'productsByBrand'>,
  session: readonly StoredEvent[],
  history: readonly StoredEvent[],
): VisitorTraits {
  const { bundle } = indexes;
  const rows = interestRows(bundle, session, history);
  return {
    intent: computeIntent(bundle, session),
    price: computePrice(indexes.prices, rows),
    brand: computeBrand(bundle, indexes.productsByBrand, rows),
  };
}

// ---- buyer fit ---------------------------------------------------------------------------------

/**
 * Buyer-fit component into `into` (fully overwritten), per product in [0, 1]: for a bargain hunter
 * the discount depth (0.3 for 30 % off), for a premium buyer the price percentile among its peers;
 * zeros for a neutral or unknown price style.
 */
export function buyerFitScores(stats: PriceStats, traits: VisitorTraits, into: Float32Array): void {
  const style = traits.price.value;
  if (style !== 'bargain' && style !== 'premium') {
    into.fill(0);
    return;
  }
  const source = style === 'bargain' ? stats.discount : stats.pricePercentile;
  for (let row = 0; row < into.length; row++) {
    const value = source[row]!;
    into[row] = Number.isNaN(value) ? 0 : value;
  }
}

/**
 * Least price percentile that is called "a premium pick": a premium buyer's component still ranks
 * a cheaper product above the cheapest, but calling a below-median price "premium" would be untrue.
 */
export const PREMIUM_MESSAGE_MIN = 0.5;

/**
 * The buyer-fit value at `row` and its message: 'deal' with the discount, or 'premium' for a
 * product in the dearer half of its peers; null when the value is 0 or the message would not hold.
 */
export function explainBuyerFit(
  stats: PriceStats,
  traits: VisitorTraits,
  row: number,
): { message: MessageId; params: MessageParams; amount: number } | null {
  const style = traits.price.value;
  if (style !== 'bargain' && style !== 'premium') return null;
  const amount = (style === 'bargain' ? stats.discount : stats.pricePercentile)[row]!;
  if (Number.isNaN(amount) || amount <= 0) return null;
  if (style === 'premium' && amount < PREMIUM_MESSAGE_MIN) return null;
  if (style === 'bargain') return { message: 'deal', params: { percent: amount }, amount };
  return { message: 'premium', params: {}, amount };
}
