/**
 * Shared set-up for the strategy and explanation tests: real bundles (DummyJSON catalog + carts,
 * yoochoose training sessions) loaded into the real kernels, the source JSON to derive expected
 * answers from, visitor event builders, and a direct read of one product's score components.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Bundle } from '../../src/shared/bundle/types.ts';
import { simdSupported } from '../../src/shared/kernels/simd.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { instantiateKernels } from '../../src/shared/kernels/wasm-kernels.ts';
import { InvalidRows } from '../../src/cli/bundle-builder/invalid-rows.ts';
import { readSessions, toEvalData } from '../../src/cli/eval/read.ts';
import { trainingBundle } from '../../src/cli/eval/vitrine-model.ts';
import type { StoredEvent } from '../../src/shared/events.ts';
import {
  normalizeRequest,
  type NormalizedRequest,
  type RecommendRequest,
  type ResultItem,
  type StrategyName,
} from '../../src/shared/request.ts';
import type { ComponentRegistry } from '../../src/worker/components/index.ts';
import { similarity } from '../../src/worker/components/similarity.ts';
import type { Affinities } from '../../src/worker/profile/affinities.ts';
import { createQuery } from '../../src/worker/query.ts';
import { componentsAt, fillComponents, strategyWeights } from '../../src/worker/ranking.ts';
import { createLoadedBundle, type LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { buildVisitor, type VisitorInput } from '../../src/worker/visitor.ts';
import { CARTS, DATA, DUMMYJSON, buildAndDecode, tempDir } from './cli-helpers.ts';

export const YOOCHOOSE_TRAIN = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_train_full.txt`;
export const YOOCHOOSE_TEST = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_test.txt`;

export type { DummyProduct } from '../fixtures/bundle-fixture.ts';
import type { DummyProduct } from '../fixtures/bundle-fixture.ts';

export interface DummyCart {
  id: number;
  products: Array<{ id: number }>;
}

export interface DummyData {
  products: DummyProduct[];
  carts: DummyCart[];
  byId: Map<string, DummyProduct>;
}

let dummyCache: DummyData | null = null;

/** products.json and carts.json as parsed JSON: the ground truth the tests derive answers from. */
export function dummyData(): DummyData {
  if (!dummyCache) {
    const products = JSON.parse(readFileSync(DUMMYJSON, 'utf8')) as DummyProduct[];
    const carts = JSON.parse(readFileSync(CARTS, 'utf8')) as DummyCart[];
    dummyCache = { products, carts, byId: new Map(products.map((p) => [String(p.id), p])) };
  }
  return dummyCache;
}

/** Ids that share at least one cart with `id` (the co-purchase and co-visitation evidence in carts.json). */
export function cartMates(id: string): Set<string> {
  const mates = new Set<string>();
  for (const cart of dummyData().carts) {
    const ids = cart.products.map((p) => String(p.id));
    if (!ids.includes(id)) continue;
    for (const other of ids) if (other !== id) mates.add(other);
  }
  return mates;
}

/**
 * A kernels instance of its own (release build, SIMD when available): a loaded bundle owns its
 * kernels' matrix and score slots, so two bundles on one instance would overwrite each other's.
 */
async function freshKernels(): Promise<Kernels> {
  const simd = simdSupported();
  const file = new URL(`../../wasm/build/kernels${simd ? '.simd' : ''}.wasm`, import.meta.url);
  return instantiateKernels(await readFile(file), simd ? 'wasm-simd' : 'wasm');
}

/** `bundle` loaded into its own kernels, as the worker loads a bundle (with Vitrine's components unless others are given). */
export async function loadedBundleOf(bundle: Bundle, components?: ComponentRegistry): Promise<LoadedBundle> {
  return createLoadedBundle(bundle, await freshKernels(), { components });
}

let dummyBundle: Promise<LoadedBundle> | null = null;

/**
 * The DummyJSON catalog with carts.json as events, built with the real CLI (once per test file): the
 * demo shop's bundle. Carts feed co-purchase only, so it has no co-visitation and no sessions.
 */
export function dummyJsonBundle(): Promise<LoadedBundle> {
  // The defaults, int8 rows included, as the demo ships it (explanations: `explanationSlack`).
  dummyBundle ??= buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS]).then(({ bundle }) => loadedBundleOf(bundle));
  return dummyBundle;
}

/** How often each cart recurs in `browsedBundle`: often enough for its pairs to count as evidence. */
export const BROWSE_REPEATS = 10;

let browsed: Promise<LoadedBundle> | null = null;

/**
 * The DummyJSON catalog with a shop's worth of evidence: every cart of carts.json bought
 * `BROWSE_REPEATS` times, each time after a visit that viewed the cart's products in order. Both
 * graphs and the session index then hold the cart mates, each pair seen in several sessions.
 */
export function browsedBundle(): Promise<LoadedBundle> {
  browsed ??= (async () => {
    const lines = ['session,product,time,type'];
    let time = Date.UTC(2024, 0, 1);
    dummyData().carts.forEach((cart, c) => {
      for (let r = 0; r < BROWSE_REPEATS; r++) {
        const session = `${c}-${r}`;
        for (const type of ['view', 'purchase'])
          for (const p of cart.products) lines.push(`${session},${p.id},${new Date((time += 60_000)).toISOString()},${type}`);
      }
    });
    const file = join(tempDir(), 'browsed.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    // Not fitted: these repeated carts are a fixture of known evidence, not a shop's log to fit on.
    const { bundle } = await buildAndDecode(['--catalog', DUMMYJSON, '--events', file, '--fit', 'none']);
    return loadedBundleOf(bundle);
  })();
  return browsed;
}

export interface YoochooseModel {
  loaded: LoadedBundle;
  /** Test sessions as product ids (restricted to training items), oldest first. */
  testSessions: Array<{ items: string[]; times: number[] }>;
}

let yoochoose: Promise<YoochooseModel> | null = null;

/**
 * The yoochoose rsc15-100k training sessions as a bundle (session-kNN, co-visitation), as `vitrine
 * eval` builds it (on kernels of its own, as `vitrine eval` does).
 */
export function yoochooseModel(): Promise<YoochooseModel> {
  yoochoose ??= (async () => {
    const invalid = new InvalidRows(false, () => {});
    const { data } = toEvalData(
      readSessions(YOOCHOOSE_TRAIN, 'session-rec', invalid),
      readSessions(YOOCHOOSE_TEST, 'session-rec', invalid),
    );
    const loaded = await trainingBundle(data);
    const testSessions = data.test.map((s) => ({ items: s.items.map((i) => data.itemIds[i]!), times: s.times }));
    return { loaded, testSessions };
  })();
  return yoochoose;
}

/** A fixed "now" (2024-06-01 12:00 UTC), so dates in texts and session gaps do not depend on the clock. */
export const NOW = Date.UTC(2024, 5, 1, 12);
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** One event per entry, a minute apart, the last one a minute before NOW (one session). */
export function events(
  entries: Array<[StoredEvent['type'], string] | [StoredEvent['type'], string, number]>,
  end = NOW - MINUTE,
): StoredEvent[] {
  return entries.map(([type, product, price], i) => {
    const event: StoredEvent = { type, product, time: end - (entries.length - 1 - i) * MINUTE };
    if (price !== undefined) event.price = price;
    return event;
  });
}

export function views(ids: readonly string[], end = NOW - MINUTE): StoredEvent[] {
  return events(
    ids.map((id) => ['view', id] as [StoredEvent['type'], string]),
    end,
  );
}

export function visitor(list: readonly StoredEvent[], affinities: Affinities | null = null, now = NOW): VisitorInput {
  return { events: list, affinities, now };
}

export function request(value: RecommendRequest): NormalizedRequest {
  return normalizeRequest(value);
}

/**
 * One product's weighted score components under `strategy`, read straight from the slots the
 * engine fills — the same path `recommend` takes for a returned item, without its masks, so a
 * product that lost its signal (or is excluded) can still be scored. Components the request
 * leaves inactive are absent, as in results.
 */
export function componentsOf(
  loaded: LoadedBundle,
  req: NormalizedRequest,
  input: VisitorInput,
  productId: string,
  strategy: StrategyName = req.placement,
): Record<string, number> {
  const row = loaded.bundle.products.indexOf(productId);
  if (row < 0) throw new Error(`no product ${productId}`);
  const page = req.product === null ? null : loaded.bundle.products.indexOf(req.product);
  // As the engine builds it: the placement's query, run with `strategy` (a fallback's items too).
  const query = { ...createQuery(loaded, buildVisitor(loaded.bundle, input, req.context, req.cart), req, req.placement, page), strategy };
  const weights = strategyWeights(query);
  fillComponents(query, weights);
  return componentsAt(loaded, row, weights);
}

/** The bundle row's leaf category name ('' when none). */
export function categoryOf(loaded: LoadedBundle, productId: string): string {
  const { products, categories } = loaded.bundle;
  const c = products.categoryIndex[products.indexOf(productId)]!;
  return c >= 0 ? categories[c]!.name : '';
}

/** Current price as the engine sees it: the sale price when reduced, else the list price. */
export function currentPriceOf(loaded: LoadedBundle, productId: string): number {
  const { products } = loaded.bundle;
  const row = products.indexOf(productId);
  const sale = products.salePrice[row]!;
  return Number.isNaN(sale) ? products.price[row]! : sale;
}

export function ids(items: readonly ResultItem[]): string[] {
  return items.map((item) => item.productId);
}

/** Relative tolerance for float32 slot values compared with float64 sums: a few float32 ulps. */
export const F32_RELATIVE = 1e-5;

/**
 * How far a similarity reason's claimed contribution may be from the leave-one-out drop it explains,
 * beyond float32 rounding, on int8 rows: the kernels score them against the query rounded to i16
 * steps of maxAbs / qmax (wasm/kernels.ts `quantizeQuery`), which moves a unit-length cosine by at
 * most sqrt(dim) / (2 qmax); the drop is a difference of two such scores, times the weight.
 */
export function explanationSlack(loaded: LoadedBundle, component: string): number {
  const { dtype, dim } = loaded.bundle.embeddings;
  if (component !== similarity.name || dtype !== 'i8') return 0;
  const weight = loaded.bundle.modelWeights?.[similarity.name] ?? similarity.defaultWeight;
  const qmax = Math.min(32767, Math.floor(0x7fffffff / (128 * Math.ceil(dim / 16) * 16)));
  return (weight * Math.sqrt(dim)) / qmax;
}

/** |actual - expected| within F32_RELATIVE of the larger magnitude (plus a tiny absolute floor for values near 0). */
export function closeF32(actual: number, expected: number, scale = Math.max(Math.abs(actual), Math.abs(expected))): boolean {
  return Math.abs(actual - expected) <= F32_RELATIVE * scale + 1e-7;
}
