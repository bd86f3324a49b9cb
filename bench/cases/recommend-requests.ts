/**
 * Full recommendation requests through the real engine code, timed: one visitor (about ten views
 * in one category, some of them reduced since, and one cart item) asks every placement of a
 * 100k-product bundle. Runs wherever the engine runs (the browser bench's worker; Node for a
 * quick look): no DOM, no Node APIs.
 *
 * Three measurements:
 * - `recommendRows`: median / p95 / p99 of each case over hundreds of requests after warm-up;
 * - `firstRequestCost`: the first request on a fresh bundle version, which builds the per-version
 *   caches (session-kNN index, cold-start text index, price statistics) lazily;
 * - `profileCase`: where one request's time goes, each component fill timed alone through
 *   `fillComponents` (a weight vector with only that component set), then combine, top-k,
 *   caps / diversity and explanations, the rest (masks, fallbacks, result objects) by difference.
 */
import type { Bundle } from '../../src/shared/bundle/types.ts';
import type { StoredEvent } from '../../src/shared/events.ts';
import { normalizeRequest, normalizeRerank, type NormalizedRequest, type RecommendRequest, type RecommendResult } from '../../src/shared/request.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { COMBINED_SLOT, COMPONENTS, STRATEGY_COMPONENTS, slotOf, slotWeights } from '../../src/worker/components.ts';
import { contextScores } from '../../src/worker/cold-start.ts';
import type { Engine } from '../../src/worker/engine.ts';
import { Explainer, MAX_REASONS } from '../../src/worker/explain.ts';
import { computeAffinities, DAY_MS } from '../../src/worker/profile/affinities.ts';
import { bundleResolver } from '../../src/worker/profile/catalog.ts';
import { componentsAt, createQuery, fillComponents, knnIndexOf } from '../../src/worker/query.ts';
import { activeWeights, recommend, rerank } from '../../src/worker/recommend.ts';
import { applyRuleFilters, pickDiverse } from '../../src/worker/rules.ts';
import { computeTraits } from '../../src/worker/traits.ts';
import type { Version } from '../../src/worker/version.ts';
import { buildVisitor, sessionStartOf, type VisitorInput } from '../../src/worker/visitor.ts';
import { median, percentile, timeRuns } from '../stats.ts';

/** Items asked per request: a typical carousel. */
export const BENCH_LIMIT = 10;
/** Ids in the rerank case (a category page). */
export const RERANK_IDS = 200;

export interface RecommendRow {
  metric: 'recommend_ms';
  case: string;
  n: number;
  median_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  samples: number;
  /** Items returned, and the fallback strategy that filled the list (null when none was needed). */
  items: number;
  fallback: string | null;
}

export interface FirstRequestMetric {
  metric: 'recommend_first_ms';
  case: string;
  n: number;
  /** The very first request after the first load: cold JIT and cold caches. */
  first_ever_ms: number;
  /** The first request after loading a new version of the bundle (warm JIT, cold caches). */
  new_version_ms: number;
  /** A warm request, for comparison (median). */
  warm_median_ms: number;
  /** The lazily built per-version parts, each timed alone on a fresh bundle. */
  session_knn_index_ms: number;
  text_index_ms: number;
  price_stats_ms: number;
}

export interface ProfileStep {
  metric: 'recommend_profile';
  case: string;
  step: string;
  median_ms: number;
}

/** What one request returned: the product ids, and the fallback that filled the list, if any. */
export interface Outcome {
  ids: string[];
  fallback: string | null;
}

function outcomeOf(result: RecommendResult): Outcome {
  return { ids: result.items.map((item) => item.productId), fallback: result.fallback ? `${result.fallback.strategy} x${result.fallback.count}` : null };
}

/** What a request needs besides the bundle: the visitor, and ids the cases refer to. */
export interface BenchVisitor {
  input: VisitorInput;
  /** A popular product of the visitor's category, not viewed: the product page's product. */
  pageProduct: string;
  /** A brand the visitor looked at (the rules case excludes it). */
  viewedBrand: string;
  /** Products of the visitor's category group, for the rerank case. */
  categoryPage: string[];
  /** Name of the visitor's leaf category, used as the cold-start search query. */
  leafName: string;
}

export interface BenchCase {
  name: string;
  /** The request (rerank: ids and options), and the visitor it is asked for. */
  run: (engine: Engine) => Outcome;
  /** The same request on a bare version (no engine): the profile, and variants of the bundle. */
  direct: (version: Version) => Outcome;
  request: NormalizedRequest;
  visitor: VisitorInput;
  /** The ids of a rerank case; empty for placements. */
  rerankIds: string[];
}

const SESSION_EVENT_GAP_MS = 2 * 60_000;

/**
 * The bench visitor: ten views in one popular leaf category (four of them reduced products, three
 * of which were seen at their regular price, so they show a price drop now), then the last viewed
 * product added to the cart. Two minutes between events, so they form one session.
 */
export function benchVisitor(bundle: Bundle, now: number, seed = 11): BenchVisitor {
  const { products } = bundle;
  const random = mulberry32(seed);
  const byPopularity = Array.from({ length: products.count }, (_, i) => i).sort((a, b) => bundle.popularity.global[b]! - bundle.popularity.global[a]! || a - b);
  const reduced = (row: number) => products.salePrice[row]! < products.price[row]!;
  const inStockIn = (leaf: number) => byPopularity.filter((row) => products.categoryIndex[row] === leaf && products.inStock[row] === 1);
  // The leaf of a popular product (not the very top: a typical visitor), with enough reduced and
  // regular products in stock for the views (small test catalogs have sparse leaves).
  let inLeaf: number[] = [];
  for (let rank = 20; rank < byPopularity.length; rank++) {
    inLeaf = inStockIn(products.categoryIndex[byPopularity[rank]!]!);
    if (inLeaf.filter(reduced).length >= 4 && inLeaf.filter((row) => !reduced(row)).length >= 7) break;
  }
  const leaf = products.categoryIndex[inLeaf[0]!]!;
  const views = [...inLeaf.filter(reduced).slice(0, 4), ...inLeaf.filter((row) => !reduced(row)).slice(0, 6)];
  // Interleave reduced and regular views (seeded shuffle), so recency does not sort them.
  for (let i = views.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [views[i], views[j]] = [views[j]!, views[i]!];
  }
  let dropped = 0;
  const events: StoredEvent[] = views.map((row, i) => {
    const seenAtRegular = reduced(row) && dropped < 3;
    if (seenAtRegular) dropped++;
    const price = seenAtRegular ? products.price[row]! : reduced(row) ? products.salePrice[row]! : products.price[row]!;
    return { type: 'view', product: products.id(row), price, time: now - (views.length + 1 - i) * SESSION_EVENT_GAP_MS };
  });
  events.push({ type: 'add_to_cart', product: products.id(views[views.length - 1]!), time: now - SESSION_EVENT_GAP_MS });
  const affinities = computeAffinities(events, [], bundleResolver(() => bundle), now, 30 * DAY_MS);
  const viewed = new Set(views);
  // A category page: the most popular products of the visitor's group, then of its department.
  const group = bundle.categories[leaf]!.parent;
  const department = group >= 0 ? bundle.categories[group]!.parent : -1;
  const parentOf = (row: number) => bundle.categories[products.categoryIndex[row]!]!.parent;
  const inGroup = byPopularity.filter((row) => parentOf(row) === group);
  const inDepartment = byPopularity.filter((row) => parentOf(row) !== group && department >= 0 && bundle.categories[parentOf(row)]?.parent === department);
  const categoryPage = [...inGroup, ...inDepartment].slice(0, RERANK_IDS);
  return {
    input: { events, affinities, now },
    pageProduct: products.id(inLeaf.find((row) => !viewed.has(row))!),
    viewedBrand: products.brand(views[0]!),
    categoryPage: categoryPage.map((row) => products.id(row)),
    leafName: bundle.categories[leaf]!.name,
  };
}

/** Every timed case: each placement, rerank of 200 ids, for_you with rules, and a cold-start for_you. */
export function benchCases(visitor: BenchVisitor): BenchCase[] {
  const warm = visitor.input;
  const cold: VisitorInput = { events: [], affinities: null, now: warm.now };
  const placement = (name: string, request: RecommendRequest, input: VisitorInput = warm): BenchCase => {
    const normalized = normalizeRequest(request);
    return {
      name,
      request: normalized,
      visitor: input,
      rerankIds: [],
      run: (engine) => outcomeOf(engine.recommend(request, input)),
      direct: (version) => outcomeOf(recommend(version, normalizeRequest(request), input)),
    };
  };
  const limit = BENCH_LIMIT;
  const rerankOptions = normalizeRerank(visitor.categoryPage, {}, undefined);
  return [
    placement('for_you', { placement: 'for_you', limit }),
    placement('similar', { placement: 'similar', product: visitor.pageProduct, limit }),
    placement('also_bought', { placement: 'also_bought', product: visitor.pageProduct, limit }),
    placement('goes_with', { placement: 'goes_with', product: visitor.pageProduct, limit }),
    placement('now_reduced', { placement: 'now_reduced', limit }),
    placement('trending', { placement: 'trending', limit }),
    {
      name: `rerank ${visitor.categoryPage.length}`,
      request: { ...rerankOptions.options, placement: 'for_you', product: null, cart: null },
      visitor: warm,
      rerankIds: visitor.categoryPage,
      run: (engine) => ({ ids: engine.rerank(visitor.categoryPage, {}, undefined, warm).items.map((item) => item.productId), fallback: null }),
      direct: (version) => ({ ids: rerank(version, rerankOptions.ids, rerankOptions.options, warm).items.map((item) => item.productId), fallback: null }),
    },
    placement('for_you +rules', {
      placement: 'for_you',
      limit,
      rules: { maxPerBrand: 2, diversity: 0.7, exclude: [{ brand: [visitor.viewedBrand] }] },
    }),
    placement('for_you cold', { placement: 'for_you', limit, context: { visit: { query: `${visitor.leafName.toLowerCase()} black` } } }, cold),
  ];
}

/** Median, p95, p99 of `call` (one full request) over `runs` calls after `warmup`. */
export function recommendRow(name: string, n: number, call: () => Outcome, { warmup = 30, runs = 300 } = {}): RecommendRow {
  const outcome = call();
  const sorted = timeRuns(call, warmup, runs).sort((a, b) => a - b);
  return {
    metric: 'recommend_ms',
    case: name,
    n,
    median_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted[sorted.length - 1]!,
    samples: sorted.length,
    items: outcome.ids.length,
    fallback: outcome.fallback,
  };
}

/**
 * First-request costs. `load` puts a fresh version of the same bundle into the engine (same
 * bytes, so nothing but the caches differs); `fresh` returns a fresh bare version (new bundle
 * object, so no cache is shared with any other) for timing the lazy builders one by one.
 */
export async function firstRequestCost(
  engine: Engine,
  benchCase: BenchCase,
  firstEverMs: number,
  load: () => Promise<unknown>,
  fresh: () => Version,
): Promise<FirstRequestMetric> {
  await load();
  const t0 = performance.now();
  benchCase.run(engine);
  const newVersionMs = performance.now() - t0;
  const warmMedian = median(timeRuns(() => benchCase.run(engine), 10, 50));

  const version = fresh();
  const bundle = version.bundle;
  const t1 = performance.now();
  knnIndexOf(version);
  const knnMs = performance.now() - t1;
  const into = new Float32Array(bundle.products.count);
  const visit = benchCase.request.context.visit;
  const textMs = firstMinusWarm(() => contextScores(version, visit, into));
  const { events, now } = benchCase.visitor;
  const session = events.slice(sessionStartOf(events, now));
  const priceMs = firstMinusWarm(() => computeTraits(bundle, session, events));
  return {
    metric: 'recommend_first_ms',
    case: benchCase.name,
    n: bundle.products.count,
    first_ever_ms: firstEverMs,
    new_version_ms: newVersionMs,
    warm_median_ms: warmMedian,
    session_knn_index_ms: knnMs,
    text_index_ms: textMs,
    price_stats_ms: priceMs,
  };
}

/** Time of the first call minus the median of later ones: what a lazily built cache costs. */
function firstMinusWarm(call: () => unknown): number {
  const t0 = performance.now();
  call();
  const first = performance.now() - t0;
  return Math.max(0, first - median(timeRuns(call, 2, 9)));
}

/**
 * Where one request's time goes (medians over `runs`), step by step as `recommend` does them for
 * the placement's own strategy. `rest` is the full request minus the steps: the allow masks (a
 * pass over every product per mask rule), signal checks, result objects and any fallback strategy.
 */
export function profileCase(version: Version, benchCase: BenchCase, runs = 40): ProfileStep[] {
  const request = benchCase.request;
  const isRerank = benchCase.rerankIds.length > 0;
  const strategy = isRerank ? 'rerank' : request.placement;
  const page = request.product === null ? null : version.bundle.products.indexOf(request.product);
  const steps: ProfileStep[] = [];
  const step = (name: string, call: () => unknown): number => {
    const ms = median(timeRuns(call, 3, runs));
    steps.push({ metric: 'recommend_profile', case: benchCase.name, step: name, median_ms: ms });
    return ms;
  };
  let accounted = 0;
  accounted += step('visitor', () => buildVisitor(version, benchCase.visitor, request.context, request.cart));
  const visitor = buildVisitor(version, benchCase.visitor, request.context, request.cart);
  accounted += step('query + traits', () => createQuery(version, visitor, request, strategy, page));
  const query = createQuery(version, visitor, request, strategy, page);
  // As `recommend` weighs them: components that cannot score for this request are off (not filled).
  const weights = activeWeights(query, strategy, slotWeights(strategy, version.bundle.modelWeights));
  for (const component of STRATEGY_COMPONENTS[strategy]) {
    if (weights[slotOf(component)] === 0) continue;
    const only = COMPONENTS.map(() => 0);
    only[slotOf(component)] = weights[slotOf(component)]!;
    accounted += step(`fill ${component}`, () => fillComponents(query, only));
  }
  // Every slot the request uses is now filled (each fill above left its slot in place).
  accounted += step('combine', () => version.kernels.combine(weights, COMBINED_SLOT));
  if (request.rules.include || request.rules.exclude.length > 0) {
    const mask = version.allMask.slice();
    accounted += step('rule filters (mask)', () => {
      mask.set(version.allMask);
      applyRuleFilters(version, request.rules, mask);
    });
  }
  if (!isRerank) {
    const pool = Math.max(request.limit * 5, 50);
    accounted += step(`topK ${pool}`, () => version.kernels.topK(COMBINED_SLOT, pool, version.inStockMask));
    const top = version.kernels.topK(COMBINED_SLOT, pool, version.inStockMask);
    const rows = Array.from(top.indices);
    const scores = Array.from(top.scores);
    accounted += step('caps + diversity', () => pickDiverse(version, rows, scores, request.limit, request.rules));
  }
  // Explanations are written for what the request returns (its own strategy's items and any
  // fallback's; rerank: every known id), so the step explains exactly those rows (with the own
  // strategy's weights: fallback items are explained with the fallback's in the real request).
  const picked = benchCase.direct(version).ids.map((id) => version.bundle.products.indexOf(id));
  // The fills above ran one by one: fill all of them again, as the request leaves them.
  fillComponents(query, weights);
  version.kernels.combine(weights, COMBINED_SLOT);
  accounted += step(`explain ${picked.length} items`, () => {
    const explainer = new Explainer(query, weights);
    for (const row of picked) explainer.explain(row, componentsAt(version, row, weights));
  });
  // The explanation time split by component, drafting in the order `Explainer.explain` does:
  // strongest component first, until MAX_REASONS reasons were found (one explain call per draft,
  // on one explainer, so its per-request memo works as in the real call). Medians over `runs` of
  // each component's time per request (medians: a shared machine's pauses would swamp means).
  const values = picked.map((row) => componentsAt(version, row, weights));
  const perRun = new Map<string, number[]>();
  for (let run = 0; run < runs; run++) {
    const explainer = new Explainer(query, weights);
    const spent = new Map<string, number>();
    picked.forEach((row, i) => {
      const ranked = Object.entries(values[i]!)
        .filter(([, value]) => value > 1e-6)
        .sort((a, b) => b[1] - a[1]);
      let reasons = 0;
      for (const [component, value] of ranked) {
        if (reasons === MAX_REASONS) break;
        const t0 = performance.now();
        reasons += explainer.explain(row, { [component]: value }).length;
        spent.set(component, (spent.get(component) ?? 0) + performance.now() - t0);
      }
    });
    for (const [component, ms] of spent) {
      if (!perRun.has(component)) perRun.set(component, []);
      perRun.get(component)!.push(ms);
    }
  }
  const byComponent = [...perRun].map(([component, samples]) => [component, median(samples)] as const).sort((a, b) => b[1] - a[1]);
  for (const [component, ms] of byComponent) {
    steps.push({ metric: 'recommend_profile', case: benchCase.name, step: `  explain: ${component}`, median_ms: ms });
  }
  // Last, so the knn index of this version and the JIT are warm (the first call builds the index).
  const total = median(timeRuns(() => benchCase.direct(version), 5, runs));
  steps.push({ metric: 'recommend_profile', case: benchCase.name, step: 'rest (masks, signals, items, fallbacks)', median_ms: Math.max(0, total - accounted) });
  steps.push({ metric: 'recommend_profile', case: benchCase.name, step: 'total (recommend on the version)', median_ms: total });
  return steps;
}
