/**
 * One request, from the visitor to the ranked list: build the query → weigh and fill the registry's
 * components (each in its kernel slot) → `combine` (WASM) → `topK` under the allow mask (WASM) →
 * signal check, caps and MMR diversity → explanations → fallback strategies if the list is short.
 */
import { VitrineError } from '../shared/errors.ts';
import type { NormalizedOptions, NormalizedRequest, RecommendResult, RerankResult, ResultItem } from '../shared/request.ts';
import { pickDiverse } from './diversity.ts';
import { roundPrice } from './minor-unit.ts';
import { Explainer } from './explain.ts';
import type { LoadedBundle } from './loaded-bundle.ts';
import { clearBit } from './masks.ts';
import { applyRuleFilters, isRepeatPurchase, productMatcher } from './product-filters.ts';
import { createQuery, type Query } from './query.ts';
import { restrictToStrategy, STRATEGIES } from './strategies.ts';
import { Stopwatch, type Trace } from './trace.ts';
import { buildVisitor, type VisitorInput } from './visitor.ts';

/** Candidates taken from top-k before caps and diversity thin them out. */
export const POOL_FACTOR = 5;
export const MIN_POOL = 50;

/** Engine-internal knobs: the offline evaluation ranks without explanations, with tuned weights; the bench traces. */
export interface RankTuning {
  /** Weights by component name, instead of the bundle's fitted ones. */
  weights?: Readonly<Partial<Record<string, number>>>;
  explain?: boolean;
  trace?: Trace;
}

/**
 * One weight per slot for `query.strategy`: the tuning's, else the bundle's fitted one, else the
 * component's default — and 0 for components the strategy does not sum or that cannot score for
 * this request (no consent, no context, no session…), so results only report what actually scored
 * and no slot is filled for nothing.
 */
export function strategyWeights(query: Query, override?: Readonly<Partial<Record<string, number>>>): number[] {
  const model = query.loaded.bundle.modelWeights;
  return query.loaded.components.list.map((component) => {
    if (!component.strategies.includes(query.strategy) || !component.active(query)) return 0;
    const fitted = override?.[component.name] ?? model?.[component.name];
    return typeof fitted === 'number' && Number.isFinite(fitted) ? fitted : component.defaultWeight;
  });
}

/** The weights of one strategy run and what each component's fill returned (by slot). */
export interface FilledSlots {
  weights: readonly number[];
  states: unknown[];
}

/** Fills the slot of every component the weights use (weight 0 → left as is, never read). */
export function fillComponents(query: Query, weights: readonly number[], stopwatch = new Stopwatch()): FilledSlots {
  const { components, kernels } = query.loaded;
  const states: unknown[] = [];
  components.list.forEach((component, slot) => {
    if (weights[slot] === 0 || !component.fill) return;
    states[slot] = component.fill(query, kernels.slot(slot), slot);
    stopwatch.lap(query.strategy, 'fill', component.name);
  });
  return { weights, states };
}

/** Each component's weighted value for `row` (non-zero weights only), read back from the slots. */
export function componentsAt(loaded: LoadedBundle, row: number, weights: readonly number[]): Record<string, number> {
  const components: Record<string, number> = {};
  loaded.components.list.forEach((component, slot) => {
    const weight = weights[slot] ?? 0;
    if (weight === 0) return;
    // Views are re-taken per read: a kernel call may have grown memory since the last one.
    const value = weight * loaded.kernels.slot(slot)[row]!;
    // The reader bounds vectors and weights; should a sum still overflow, the part says nothing, not NaN.
    components[component.name] = Number.isFinite(value) ? value : 0;
  });
  return components;
}

function rowOf(loaded: LoadedBundle, productId: string, field: string): number {
  const row = loaded.bundle.products.indexOf(productId);
  if (row < 0) throw new VitrineError('UNKNOWN_PRODUCT', `no product "${productId}" in this bundle`, { productId, field });
  return row;
}

/** Rows to leave out of every strategy of this request (stock, category, rules, bought, dismissed, cart, page). */
function baseMask(query: Query): Uint8Array {
  const { loaded, options, visitor } = query;
  const { indexes } = loaded;
  const mask = loaded.scratchMask;
  mask.set(options.inStockOnly ? loaded.inStockMask : loaded.allMask);
  if (options.category !== null) {
    const inCategory = productMatcher(indexes, { category: [options.category] });
    for (let row = 0; row < loaded.bundle.products.count; row++) if (!inCategory(row)) clearBit(mask, row);
  }
  applyRuleFilters(indexes, options.rules, mask);
  for (const id of options.exclude) {
    const row = loaded.bundle.products.indexOf(id);
    if (row >= 0) clearBit(mask, row);
  }
  if (options.rules.excludePurchased) {
    const repeatable = isRepeatPurchase(indexes, options.rules);
    for (const row of visitor.purchased) if (!repeatable(row)) clearBit(mask, row);
  }
  for (const row of visitor.dismissed) clearBit(mask, row);
  for (const row of visitor.cart) clearBit(mask, row);
  if (query.page !== null) clearBit(mask, query.page);
  return mask;
}

/** Whether `row` may be in a list of `query.strategy`: a real signal where the strategy requires one. */
function hasSignal(query: Query, weights: readonly number[], row: number): boolean {
  if (!STRATEGIES[query.strategy].requiresSignal) return true;
  const { components, kernels } = query.loaded;
  // Only components that scored: an unfilled slot holds another request's values.
  return components.list.some((component, slot) => component.signal && weights[slot] !== 0 && kernels.slot(slot)[row]! > 0);
}

/** The result item of `row`, explained (each explanation step traced by the explainer). */
function itemOf(query: Query, row: number, weights: readonly number[], explainer: Explainer | null, stopwatch: Stopwatch): ResultItem {
  const { products, categories, contentHash } = query.loaded.bundle;
  const components = componentsAt(query.loaded, row, weights);
  const score = Object.values(components).reduce((sum, value) => sum + value, 0);
  const currency = products.currency(row);
  const price = roundPrice(products.price[row]!, currency);
  const salePrice = roundPrice(products.salePrice[row]!, currency);
  const rating = products.rating[row]!;
  stopwatch.lap(query.strategy, 'item');
  return {
    productId: products.id(row),
    title: products.title(row),
    url: products.url(row),
    image: products.image(row),
    brand: products.brand(row),
    category: categories[products.categoryIndex[row]!]?.path ?? [],
    inStock: products.inStock[row] === 1,
    attributes: products.attributes(row),
    price: Number.isNaN(price) ? null : price,
    salePrice: Number.isNaN(salePrice) ? null : salePrice,
    currency,
    rating: Number.isNaN(rating) ? null : rating,
    score,
    components,
    why: explainer ? explainer.explain(row, components, score) : [],
    strategy: query.strategy,
    bundleVersion: contentHash,
  };
}

interface Ranked {
  rows: number[];
  items: ResultItem[];
  weights: readonly number[];
}

/** One strategy's best `want` items not in `taken`, allowed by `base`. */
function runStrategy(
  query: Query,
  base: Uint8Array,
  want: number,
  taken: ReadonlySet<number>,
  tuning: RankTuning,
  stopwatch: Stopwatch,
): Ranked {
  const { loaded, strategy } = query;
  const { kernels, components } = loaded;
  const weights = strategyWeights(query, tuning.weights);
  const filled = fillComponents(query, weights, stopwatch);
  kernels.combine(weights, components.combinedSlot);
  stopwatch.lap(strategy, 'combine');
  // A copy: the base is reused by fallbacks.
  const mask = base.slice();
  for (const row of taken) clearBit(mask, row);
  restrictToStrategy(query, mask);
  stopwatch.lap(strategy, 'mask');
  const pool = Math.max(want * POOL_FACTOR, MIN_POOL);
  const top = kernels.topK(components.combinedSlot, pool, mask);
  // Copy before the next kernel call invalidates the views.
  const rows = Array.from(top.indices);
  const scores = Array.from(top.scores);
  stopwatch.lap(strategy, 'topK');
  const candidates: number[] = [];
  const candidateScores: number[] = [];
  rows.forEach((row, i) => {
    if (hasSignal(query, weights, row)) {
      candidates.push(row);
      candidateScores.push(scores[i]!);
    }
  });
  const picked = pickDiverse(loaded, candidates, candidateScores, want, query.options.rules, [...taken]);
  stopwatch.lap(strategy, 'diversity');
  const explainer = tuning.explain === false ? null : new Explainer(query, filled, stopwatch);
  const items = picked.map((row) => itemOf(query, row, weights, explainer, stopwatch));
  return { rows: picked, items, weights };
}

/** One placement's list, filled from fallback strategies when its own finds too few. */
export function recommend(
  loaded: LoadedBundle,
  request: NormalizedRequest,
  visitorInput: VisitorInput,
  tuning: RankTuning = {},
): RecommendResult {
  const stopwatch = new Stopwatch(tuning.trace);
  const placement = request.placement;
  const page = request.product === null ? null : rowOf(loaded, request.product, 'product');
  const visitor = buildVisitor(loaded.bundle, visitorInput, request.context, request.cart);
  stopwatch.lap(placement, 'visitor');
  const query = createQuery(loaded, visitor, request, placement, page);
  stopwatch.lap(placement, 'query');
  const base = baseMask(query).slice();
  stopwatch.lap(placement, 'mask');
  const own = runStrategy(query, base, request.limit, new Set(), tuning, stopwatch);
  const items = own.items.slice();
  const taken = new Set(own.rows);
  let fallback: RecommendResult['fallback'] = null;
  const { fallbacks, enough = Infinity } = STRATEGIES[placement];
  // A list with enough items of its own is complete; padding it would only dilute it.
  for (const next of own.items.length < enough ? fallbacks : []) {
    if (items.length >= request.limit) break;
    if (next === 'similar' && page === null) continue;
    const more = runStrategy({ ...query, strategy: next }, base, request.limit - items.length, taken, tuning, stopwatch);
    if (more.items.length === 0) continue;
    for (const row of more.rows) taken.add(row);
    items.push(...more.items);
    fallback ??= { strategy: next, count: 0, reason: own.items.length === 0 ? 'no-signal' : 'too-few-items' };
    fallback.count += more.items.length;
  }
  return { placement, items, fallback, bundleVersion: loaded.bundle.contentHash, weights: weightRecord(loaded, own.weights) };
}

/** The weights as a plain record (non-zero ones only), for results. */
function weightRecord(loaded: LoadedBundle, weights: readonly number[]): Record<string, number> {
  const record: Record<string, number> = {};
  loaded.components.list.forEach((component, slot) => {
    const weight = weights[slot] ?? 0;
    if (weight !== 0) record[component.name] = weight;
  });
  return record;
}

/** `similar(productId, options)`: the `similar` placement for that product. */
export function similar(loaded: LoadedBundle, productId: string, options: NormalizedOptions, visitorInput: VisitorInput): RecommendResult {
  return recommend(loaded, { ...options, placement: 'similar', product: productId, cart: null }, visitorInput);
}

/**
 * The shop's list in this visitor's order: the `rerank` mix (session, profile, buyer type,
 * context). Unknown ids keep their order at the end; a repeated id counts once; filters are not
 * applied (the shop chose the list), boosts and buries are.
 */
export function rerank(
  loaded: LoadedBundle,
  ids: string[],
  options: NormalizedOptions,
  visitorInput: VisitorInput,
  tuning: RankTuning = {},
): RerankResult {
  const stopwatch = new Stopwatch(tuning.trace);
  const visitor = buildVisitor(loaded.bundle, visitorInput, options.context, null);
  stopwatch.lap('rerank', 'visitor');
  const query = createQuery(loaded, visitor, options, 'rerank', null);
  stopwatch.lap('rerank', 'query');
  const weights = strategyWeights(query, tuning.weights);
  const filled = fillComponents(query, weights, stopwatch);
  loaded.kernels.combine(weights, loaded.components.combinedSlot);
  stopwatch.lap('rerank', 'combine');
  const known: Array<{ row: number; position: number }> = [];
  const unknown: string[] = [];
  const seen = new Set<number>();
  ids.forEach((id, position) => {
    const row = loaded.bundle.products.indexOf(id);
    if (row < 0) unknown.push(id);
    else if (!seen.has(row)) {
      seen.add(row);
      known.push({ row, position });
    }
  });
  const combined = loaded.kernels.slot(loaded.components.combinedSlot);
  // Stable: equal scores keep the shop's order.
  known.sort((a, b) => combined[b.row]! - combined[a.row]! || a.position - b.position);
  stopwatch.lap('rerank', 'sort');
  const explainer = tuning.explain === false ? null : new Explainer(query, filled, stopwatch);
  const items = known.map(({ row }) => itemOf(query, row, weights, explainer, stopwatch));
  return { items, order: [...items.map((item) => item.productId), ...unknown], unknown, bundleVersion: loaded.bundle.contentHash };
}
