/**
 * Full recommendation requests through the real engine code, timed: one visitor (about ten views
 * in one category, some of them reduced since, and one cart item) asks every placement of a
 * 100k-product bundle. Runs wherever the engine runs (the browser bench's worker; Node for a
 * quick look): no DOM, no Node APIs.
 *
 * Three measurements:
 * - `recommendRows`: median / p95 / p99 of each case over hundreds of requests after warm-up;
 * - `firstRequestCost`: the first request on a freshly loaded bundle, which builds the bundle's
 *   indexes (session-kNN, cold-start text index, price statistics) unless `warm()` ran first;
 * - `profileCase`: where one request's time goes, step by step as the real ranking path reports
 *   them to its trace (each component's fill and explanation, combine, masks, top-k, diversity…).
 */
import type { Bundle } from '../../src/shared/bundle/types.ts';
import type { StoredEvent } from '../../src/shared/events.ts';
import {
  normalizeRequest,
  normalizeRerank,
  type NormalizedRequest,
  type RecommendRequest,
  type RecommendResult,
} from '../../src/shared/request.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import type { BundleIndexes } from '../../src/worker/bundle-indexes.ts';
import type { Engine } from '../../src/worker/engine.ts';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { computeAffinities, DAY_MS } from '../../src/worker/profile/affinities.ts';
import { bundleResolver } from '../../src/worker/profile/catalog.ts';
import { recommend, rerank } from '../../src/worker/ranking.ts';
import type { Trace } from '../../src/worker/trace.ts';
import type { VisitorInput } from '../../src/worker/visitor.ts';
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
  /** The first request after loading the bundle again (warm JIT, indexes not built yet). */
  new_version_ms: number;
  /** A warm request, for comparison (median). */
  warm_median_ms: number;
  /** The bundle's indexes, each built alone on a fresh bundle. */
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
  return {
    ids: result.items.map((item) => item.productId),
    fallback: result.fallback ? `${result.fallback.strategy} x${result.fallback.count}` : null,
  };
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
  /** The same request on a loaded bundle (no engine), optionally traced: the profile, and variants of the bundle. */
  direct: (loaded: LoadedBundle, trace?: Trace) => Outcome;
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
  const byPopularity = Array.from({ length: products.count }, (_, i) => i).sort(
    (a, b) => bundle.popularity.global[b]! - bundle.popularity.global[a]! || a - b,
  );
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
  const affinities = computeAffinities(
    events,
    [],
    bundleResolver(() => bundle),
    now,
    30 * DAY_MS,
  );
  const viewed = new Set(views);
  // A category page: the most popular products of the visitor's group, then of its department.
  const group = bundle.categories[leaf]!.parent;
  const department = group >= 0 ? bundle.categories[group]!.parent : -1;
  const parentOf = (row: number) => bundle.categories[products.categoryIndex[row]!]!.parent;
  const inGroup = byPopularity.filter((row) => parentOf(row) === group);
  const inDepartment = byPopularity.filter(
    (row) => parentOf(row) !== group && department >= 0 && bundle.categories[parentOf(row)]?.parent === department,
  );
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
      direct: (loaded, trace) => outcomeOf(recommend(loaded, normalizeRequest(request), input, { trace })),
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
      run: (engine) => ({
        ids: engine.rerank(visitor.categoryPage, {}, undefined, warm).items.map((item) => item.productId),
        fallback: null,
      }),
      direct: (loaded, trace) => ({
        ids: rerank(loaded, rerankOptions.ids, rerankOptions.options, warm, { trace }).items.map((item) => item.productId),
        fallback: null,
      }),
    },
    placement('for_you +rules', {
      placement: 'for_you',
      limit,
      rules: { maxPerBrand: 2, diversity: 0.7, exclude: [{ brand: [visitor.viewedBrand] }] },
    }),
    placement(
      'for_you cold',
      { placement: 'for_you', limit, context: { visit: { query: `${visitor.leafName.toLowerCase()} black` } } },
      cold,
    ),
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
 * First-request costs. `load` puts the same bundle into the engine again (same bytes, so nothing
 * but the indexes differs); `fresh` returns the indexes of a new decode of it (nothing shared with
 * any other bundle), so each index is built and timed alone.
 */
export async function firstRequestCost(
  engine: Engine,
  benchCase: BenchCase,
  firstEverMs: number,
  load: () => Promise<unknown>,
  fresh: () => BundleIndexes,
): Promise<FirstRequestMetric> {
  await load();
  const t0 = performance.now();
  benchCase.run(engine);
  const newVersionMs = performance.now() - t0;
  const warmMedian = median(timeRuns(() => benchCase.run(engine), 10, 50));

  const indexes = fresh();
  const time = (build: () => unknown): number => {
    const started = performance.now();
    build();
    return performance.now() - started;
  };
  return {
    metric: 'recommend_first_ms',
    case: benchCase.name,
    n: indexes.bundle.products.count,
    first_ever_ms: firstEverMs,
    new_version_ms: newVersionMs,
    warm_median_ms: warmMedian,
    session_knn_index_ms: time(() => indexes.sessionNeighbours),
    text_index_ms: time(() => indexes.text),
    price_stats_ms: time(() => indexes.prices),
  };
}

/**
 * Where one request's time goes: the request run `runs` times with a trace (after a few untimed
 * runs that build the bundle's indexes and warm the JIT), each step's time summed per request,
 * then the median over the runs. Steps of a fallback strategy carry its name; `rest` is what no
 * step covers (the result object after the last step).
 */
export function profileCase(loaded: LoadedBundle, benchCase: BenchCase, runs = 40): ProfileStep[] {
  const own = benchCase.rerankIds.length > 0 ? 'rerank' : benchCase.request.placement;
  const samples = new Map<string, number[]>();
  const add = (step: string, ms: number, run: number): void => {
    const list = samples.get(step) ?? [];
    // A step a run did not take counts as 0 ms in that run.
    while (list.length < run) list.push(0);
    list[run] = (list[run] ?? 0) + ms;
    samples.set(step, list);
  };
  const WARMUP = 3;
  for (let run = -WARMUP; run < runs; run++) {
    const spent: Array<[string, number]> = [];
    const t0 = performance.now();
    benchCase.direct(loaded, ({ strategy, step, detail, ms }) => {
      const name = `${step === 'explain' ? '  explain' : step}${detail ? ` ${detail}` : ''}`;
      spent.push([strategy === own ? name : `${strategy}: ${name.trim()}`, ms]);
    });
    const total = performance.now() - t0;
    if (run < 0) continue;
    let traced = 0;
    for (const [step, ms] of spent) {
      add(step, ms, run);
      traced += ms;
    }
    add('rest', Math.max(0, total - traced), run);
    add('total (recommend on the loaded bundle)', total, run);
  }
  return [...samples].map(([step, list]) => {
    while (list.length < runs) list.push(0);
    return { metric: 'recommend_profile', case: benchCase.name, step, median_ms: median(list) };
  });
}
