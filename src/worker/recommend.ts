/**
 * The strategies: which components each placement sums, which products it may show, what counts
 * as a real signal for it, and which strategy fills the list when it finds too few. One request:
 * build the visitor's query → fill the component slots → `combine` (WASM) → `topK` under the allow
 * mask (WASM) → caps and MMR diversity → explanations → fallback strategies if short.
 */
import { VitrineError } from '../shared/errors.ts';
import type {
  NormalizedOptions,
  NormalizedRequest,
  RecommendResult,
  RerankResult,
  ResultItem,
  StrategyName,
} from '../shared/request.ts';
import { COMBINED_SLOT, COMPONENTS, slotOf, slotWeights, weightRecord, type Component } from './components.ts';
import { Explainer } from './explain.ts';
import { componentsAt, createQuery, fillComponents, type Query } from './query.ts';
import { applyRuleFilters, isRepeatPurchase, pickDiverse, productMatcher } from './rules.ts';
import { clearBit, type Version } from './version.ts';
import { buildVisitor, type VisitorInput } from './visitor.ts';

/** Strategies tried, in order, when a placement's own strategy finds too few items. */
export const FALLBACKS: Readonly<Record<StrategyName, readonly StrategyName[]>> = {
  similar: ['for_you', 'trending'],
  also_bought: ['similar', 'for_you', 'trending'],
  goes_with: ['also_bought', 'trending'],
  now_reduced: ['for_you', 'trending'],
  for_you: ['trending'],
  trending: [],
  rerank: [],
};

/** A product qualifies for a strategy only with a real signal for it (not just popularity). */
const SIGNALS: Readonly<Partial<Record<StrategyName, readonly Component[]>>> = {
  similar: ['similarity', 'covisitation', 'copurchase'],
  also_bought: ['copurchase', 'covisitation'],
  goes_with: ['copurchase'],
  now_reduced: ['priceDrop'],
};

/** Candidates taken from top-k before caps and diversity thin them out. */
const POOL_FACTOR = 5;
const MIN_POOL = 50;

/** Engine-internal knobs (the offline evaluation ranks without explanations, with tuned weights). */
export interface RankTuning {
  weights?: Partial<Record<Component, number>>;
  explain?: boolean;
}

/**
 * The strategy's weights with components that cannot contribute to this request set to 0 (no
 * profile consent, no context, no session...), so results only report what actually scored and
 * no slot is filled for nothing.
 */
export function activeWeights(query: Query, strategy: StrategyName, weights: number[]): number[] {
  const { visitor, options, traits } = query;
  const visit = options.context.visit;
  const active: Record<Component, boolean> = {
    similarity: query.seeds.length > 0,
    sessionKnn: query.sequence.length > 0 && query.version.bundle.sessions !== null,
    covisitation: query.seeds.length > 0,
    copurchase: query.basket.length > 0,
    // Only viewed products score here, so it matters only where they may be shown again.
    revisit: options.includeViewed && visitor.session.length > 0,
    affinity: visitor.affinities !== null,
    buyerFit: traits.price.value === 'bargain' || traits.price.value === 'premium',
    context: visit.category !== null || visit.query !== null || visit.utm.campaign !== null || visit.utm.term !== null,
    priceDrop: strategy === 'now_reduced',
    rules: options.rules.boost.length + options.rules.bury.length > 0,
    popularity: true,
    trending: true,
  };
  return weights.map((weight, slot) => (active[COMPONENTS[slot]!] ? weight : 0));
}

function rowOf(version: Version, productId: string, field: string): number {
  const row = version.bundle.products.indexOf(productId);
  if (row < 0) throw new VitrineError('UNKNOWN_PRODUCT', `no product "${productId}" in this bundle`, { productId, field });
  return row;
}

/** Rows to leave out of every strategy of this request (stock, category, rules, bought, dismissed, cart, page). */
function baseMask(query: Query): Uint8Array {
  const { version, options, visitor } = query;
  const mask = version.scratchMask;
  mask.set(options.inStockOnly ? version.inStockMask : version.allMask);
  if (options.category !== null) {
    const inCategory = productMatcher(version, { category: [options.category] });
    for (let row = 0; row < version.bundle.products.count; row++) if (!inCategory(row)) clearBit(mask, row);
  }
  applyRuleFilters(version, options.rules, mask);
  for (const id of options.exclude) {
    const row = version.bundle.products.indexOf(id);
    if (row >= 0) clearBit(mask, row);
  }
  if (options.rules.excludePurchased) {
    const repeatable = isRepeatPurchase(version, options.rules);
    for (const row of visitor.purchased) if (!repeatable(row)) clearBit(mask, row);
  }
  for (const row of visitor.dismissed) clearBit(mask, row);
  for (const row of visitor.cart) clearBit(mask, row);
  if (query.page !== null) clearBit(mask, query.page);
  return mask;
}

/** The strategy's own restrictions on top of the base mask (a copy: the base is reused by fallbacks). */
function strategyMask(query: Query, strategy: StrategyName, base: Uint8Array, taken: ReadonlySet<number>): Uint8Array {
  const mask = base.slice();
  const { version } = query;
  for (const row of taken) clearBit(mask, row);
  // A placement's rules hold for its fallbacks too (`query.strategy` is the placement).
  const either = (name: StrategyName): boolean => strategy === name || query.strategy === name;
  if (either('for_you') && !query.options.includeViewed) for (const event of query.visitor.session) clearBit(mask, event.row);
  if (either('goes_with')) {
    // Complements, not substitutes: nothing from the leaf category of what is already chosen.
    const leaf = version.bundle.products.categoryIndex;
    const basketLeaves = new Set(query.basket.map((seed) => leaf[seed.row]!).filter((c) => c >= 0));
    for (let row = 0; row < leaf.length; row++) if (basketLeaves.has(leaf[row]!)) clearBit(mask, row);
  }
  if (query.strategy === 'now_reduced') {
    // Filling a "now reduced" list: only products that are actually on sale.
    const { price, salePrice } = version.bundle.products;
    for (let row = 0; row < price.length; row++) if (!(salePrice[row]! < price[row]!)) clearBit(mask, row);
  }
  return mask;
}

function hasSignal(version: Version, strategy: StrategyName, row: number): boolean {
  const signals = SIGNALS[strategy];
  if (!signals) return true;
  return signals.some((component) => version.kernels.slot(slotOf(component))[row]! > 0);
}

function itemOf(query: Query, row: number, strategy: StrategyName, weights: readonly number[], explainer: Explainer | null): ResultItem {
  const { products, contentHash } = query.version.bundle;
  const components = componentsAt(query.version, row, weights);
  const score = Object.values(components).reduce((sum, value) => sum + value, 0);
  const price = products.price[row]!;
  const salePrice = products.salePrice[row]!;
  const rating = products.rating[row]!;
  return {
    productId: products.id(row),
    title: products.title(row),
    url: products.url(row),
    image: products.image(row),
    brand: products.brand(row),
    price: Number.isNaN(price) ? null : price,
    salePrice: Number.isNaN(salePrice) ? null : salePrice,
    currency: products.currency(row),
    rating: Number.isNaN(rating) ? null : rating,
    score,
    components,
    why: explainer ? explainer.explain(row, components) : [],
    strategy,
    bundleVersion: contentHash,
  };
}

interface Ranked {
  rows: number[];
  items: ResultItem[];
  weights: number[];
}

/** One strategy's best `want` items not in `taken`. */
function runStrategy(query: Query, strategy: StrategyName, base: Uint8Array, want: number, taken: ReadonlySet<number>, tuning: RankTuning): Ranked {
  const { version } = query;
  const scoped: Query = strategy === query.strategy ? query : { ...query, strategy };
  const weights = activeWeights(scoped, strategy, slotWeights(strategy, version.bundle.modelWeights, tuning.weights));
  fillComponents(scoped, weights);
  version.kernels.combine(weights, COMBINED_SLOT);
  const mask = strategyMask(query, strategy, base, taken);
  const pool = Math.max(want * POOL_FACTOR, MIN_POOL);
  const top = version.kernels.topK(COMBINED_SLOT, pool, mask);
  // Copy before the next kernel call invalidates the views.
  const rows = Array.from(top.indices);
  const scores = Array.from(top.scores);
  const candidates: number[] = [];
  const candidateScores: number[] = [];
  rows.forEach((row, i) => {
    if (hasSignal(version, strategy, row)) {
      candidates.push(row);
      candidateScores.push(scores[i]!);
    }
  });
  const picked = pickDiverse(version, candidates, candidateScores, want, query.options.rules);
  const explainer = tuning.explain === false ? null : new Explainer(scoped, weights);
  return { rows: picked, items: picked.map((row) => itemOf(scoped, row, strategy, weights, explainer)), weights };
}

/** One placement's list, filled from fallback strategies when its own finds too few. */
export function recommend(version: Version, request: NormalizedRequest, visitorInput: VisitorInput, tuning: RankTuning = {}): RecommendResult {
  const page = request.product === null ? null : rowOf(version, request.product, 'product');
  const visitor = buildVisitor(version, visitorInput, request.context, request.cart);
  const strategy: StrategyName = request.placement;
  const query = createQuery(version, visitor, request, strategy, page);
  const base = baseMask(query).slice();
  const own = runStrategy(query, strategy, base, request.limit, new Set(), tuning);
  const items = own.items.slice();
  const taken = new Set(own.rows);
  let fallback: RecommendResult['fallback'] = null;
  for (const next of FALLBACKS[strategy]) {
    if (items.length >= request.limit) break;
    if (next === 'similar' && page === null) continue;
    const more = runStrategy(query, next, base, request.limit - items.length, taken, tuning);
    if (more.items.length === 0) continue;
    for (const row of more.rows) taken.add(row);
    items.push(...more.items);
    fallback ??= { strategy: next, count: 0, reason: own.items.length === 0 ? 'no-signal' : 'too-few-items' };
    fallback.count += more.items.length;
  }
  return { placement: request.placement, items, fallback, bundleVersion: version.bundle.contentHash, weights: weightRecord(own.weights) };
}

/** `similar(productId, options)`: the `similar` placement for that product. */
export function similar(version: Version, productId: string, options: NormalizedOptions, visitorInput: VisitorInput): RecommendResult {
  return recommend(version, { ...options, placement: 'similar', product: productId, cart: null }, visitorInput);
}

/**
 * The shop's list in this visitor's order: the `rerank` mix (session, profile, buyer type,
 * context). Unknown ids keep their order at the end; a repeated id counts once; filters are not
 * applied (the shop chose the list), boosts and buries are.
 */
export function rerank(version: Version, ids: string[], options: NormalizedOptions, visitorInput: VisitorInput): RerankResult {
  const visitor = buildVisitor(version, visitorInput, options.context, null);
  const query = createQuery(version, visitor, options, 'rerank', null);
  const weights = activeWeights(query, 'rerank', slotWeights('rerank', version.bundle.modelWeights));
  fillComponents(query, weights);
  version.kernels.combine(weights, COMBINED_SLOT);
  const known: Array<{ row: number; position: number }> = [];
  const unknown: string[] = [];
  const seen = new Set<number>();
  ids.forEach((id, position) => {
    const row = version.bundle.products.indexOf(id);
    if (row < 0) unknown.push(id);
    else if (!seen.has(row)) {
      seen.add(row);
      known.push({ row, position });
    }
  });
  const combined = version.kernels.slot(COMBINED_SLOT);
  // Stable: equal scores keep the shop's order.
  known.sort((a, b) => combined[b.row]! - combined[a.row]! || a.position - b.position);
  const explainer = new Explainer(query, weights);
  const items = known.map(({ row }) => itemOf(query, row, 'rerank', weights, explainer));
  return { items, order: [...items.map((item) => item.productId), ...unknown], unknown, bundleVersion: version.bundle.contentHash };
}
