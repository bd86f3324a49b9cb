/**
 * The browser bench's recommendation workload, checked in Node at a smaller size: the synthetic
 * catalog has what the bench claims (so every component does real work), and each bench case asks
 * the real engine something it can answer with its own strategy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { benchCases, benchVisitor, profileCase, type BenchCase, type BenchVisitor } from '../../bench/cases/recommend-requests.ts';
import { syntheticBundleInput } from '../../bench/cases/synthetic-bundle.ts';
import { recommendTargetLine } from '../../bench/cases/targets.ts';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import type { Bundle, BundleInput } from '../../src/shared/bundle/types.ts';
import { Engine } from '../../src/worker/engine.ts';
import { createLoadedBundle } from '../../src/worker/loaded-bundle.ts';

const N = 10_000;
const NOW = Date.parse('2024-06-01T12:00:00Z');

let input: BundleInput;
let bundle: Bundle;
let engine: Engine;
let visitor: BenchVisitor;
let cases: Map<string, BenchCase>;

beforeAll(async () => {
  input = syntheticBundleInput(N, 16);
  const bytes = encodeBundle(input);
  engine = new Engine(async () => ({ impl: 'wasm-simd', fallback: null, create: () => loadNodeKernels('auto', 'release') }));
  await engine.load(bytes.slice().buffer);
  bundle = decodeBundle(bytes);
  visitor = benchVisitor(bundle, NOW);
  cases = new Map(benchCases(visitor).map((c) => [c.name, c]));
}, 60_000);

function rowOf(id: string): number {
  return bundle.products.indexOf(id);
}

describe('synthetic bench catalog', () => {
  it('should file every product under a leaf of a 3-level tree of 500 leaves', () => {
    const leaves = new Set(bundle.products.categoryIndex);
    expect(leaves.has(-1)).toBe(false);
    expect(leaves.size).toBe(500);
    for (const leaf of leaves) expect(bundle.categories[leaf]!.path).toHaveLength(3);
  });

  it('should give each product 20 to 50 co-visitation and co-purchase neighbours, strongest first', () => {
    for (const graph of [bundle.covisitation, bundle.copurchase]) {
      for (let row = 0; row < N; row++) {
        const start = graph.offsets[row]!;
        const end = graph.offsets[row + 1]!;
        expect(end - start).toBeGreaterThanOrEqual(20);
        expect(end - start).toBeLessThanOrEqual(50);
        for (let e = start + 1; e < end; e++) expect(graph.weights[e]!).toBeLessThanOrEqual(graph.weights[e - 1]!);
        const neighbours = new Set(graph.neighbors.subarray(start, end));
        expect(neighbours.size).toBe(end - start);
        expect(neighbours.has(row)).toBe(false);
      }
    }
  });

  it('should put some products on sale below their regular price', () => {
    const { price, salePrice } = bundle.products;
    let reduced = 0;
    for (let row = 0; row < N; row++) if (salePrice[row]! < price[row]!) reduced++;
    // 15 % on sale, give or take sampling noise.
    expect(reduced / N).toBeGreaterThan(0.12);
    expect(reduced / N).toBeLessThan(0.18);
  });

  it('should hold one training session per product, 2 to 20 items each, with popular items in far more sessions than the median one', () => {
    const sessions = bundle.sessions!;
    expect(sessions.age).toHaveLength(N);
    const counts = new Uint32Array(N);
    for (let s = 0; s < N; s++) {
      const length = sessions.offsets[s + 1]! - sessions.offsets[s]!;
      expect(length).toBeGreaterThanOrEqual(2);
      expect(length).toBeLessThanOrEqual(20);
    }
    for (const item of sessions.items) counts[item]!++;
    const sorted = Array.from(counts).sort((a, b) => b - a);
    expect(sorted[0]!).toBeGreaterThan(20 * Math.max(1, sorted[N >> 1]!));
  });

  it('should build the same bytes from the same seed', () => {
    const again = encodeBundle(syntheticBundleInput(2_000, 8));
    const once = encodeBundle(syntheticBundleInput(2_000, 8));
    expect(Buffer.from(again).equals(Buffer.from(once))).toBe(true);
  });
});

describe('bench visitor and cases', () => {
  it('should give the visitor ten views in one leaf category and one cart item, in one session', () => {
    const views = visitor.input.events.filter((e) => e.type === 'view');
    const carts = visitor.input.events.filter((e) => e.type === 'add_to_cart');
    expect(views).toHaveLength(10);
    expect(carts).toHaveLength(1);
    expect(new Set(views.map((e) => bundle.products.categoryIndex[rowOf(e.product!)])).size).toBe(1);
    const times = visitor.input.events.map((e) => e.time);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(30 * 60_000);
    expect(visitor.input.affinities).not.toBeNull();
  });

  it('should answer every placement with its own strategy, and now_reduced with the price drops first', () => {
    for (const name of ['for_you', 'similar', 'also_bought', 'goes_with', 'trending', 'for_you +rules']) {
      const outcome = cases.get(name)!.run(engine);
      expect(outcome.ids, name).toHaveLength(10);
      expect(outcome.fallback, name).toBeNull();
    }
    // The three views seen at the regular price of a product now reduced.
    const { price, salePrice } = bundle.products;
    const dropped = visitor.input.events
      .filter((e) => e.type === 'view' && e.price! > salePrice[rowOf(e.product!)]!)
      .map((e) => e.product!);
    expect(dropped).toHaveLength(3);
    const reduced = cases.get('now_reduced')!.run(engine);
    expect(new Set(reduced.ids.slice(0, 3))).toEqual(new Set(dropped));
    // The rest are the bestsellers on sale (not for_you's picks, which its own row shows).
    expect(reduced.fallback).toBe('trending x7');
    for (const id of reduced.ids) expect(salePrice[rowOf(id)]!).toBeLessThan(price[rowOf(id)]!);
  });

  it('should keep the rules of the rules case: no item of the excluded brand, at most two per brand', () => {
    const ids = cases.get('for_you +rules')!.run(engine).ids;
    const brands = ids.map((id) => bundle.products.brand(rowOf(id)));
    expect(brands).not.toContain(visitor.viewedBrand);
    const perBrand = new Map<string, number>();
    for (const brand of brands) perBrand.set(brand, (perBrand.get(brand) ?? 0) + 1);
    expect(Math.max(...perBrand.values())).toBeLessThanOrEqual(2);
  });

  it('should answer the cold-start query with products whose text holds both query words', () => {
    const ids = cases.get('for_you cold')!.run(engine).ids;
    expect(ids).toHaveLength(10);
    // The search indexes title, brand and category path; the leaf name (5+ letters) also matches
    // as a prefix of longer words (brands and groups are made of the same syllables).
    const word = visitor.leafName.toLowerCase();
    for (const id of ids) {
      const row = rowOf(id);
      const text = [bundle.products.title(row), bundle.products.brand(row), ...bundle.categories[bundle.products.categoryIndex[row]!]!.path]
        .join(' ')
        .toLowerCase();
      expect(text, id).toContain(word);
      expect(text, id).toContain('black');
    }
  });

  it('should rerank the 200 ids of a category page into an order of the same ids', () => {
    const rerank = [...cases.values()].find((c) => c.rerankIds.length > 0)!;
    expect(rerank.rerankIds).toHaveLength(200);
    const ids = rerank.run(engine).ids;
    expect(new Set(ids)).toEqual(new Set(rerank.rerankIds));
  });
});

describe('profile of a request', () => {
  it('should time the steps the real request takes: each active component filled and explained, the fallback under its name', async () => {
    const loaded = createLoadedBundle(bundle, await loadNodeKernels('js'));
    const steps = (name: string) => profileCase(loaded, cases.get(name)!, 3).map((step) => step.step);
    const forYou = steps('for_you');
    for (const step of [
      'visitor',
      'query',
      'fill similarity',
      'fill sessionKnn',
      'fill covisitation',
      'fill affinity',
      'combine',
      'mask',
      'topK',
      'diversity',
      'item',
      'rest',
    ]) {
      expect(forYou, step).toContain(step);
    }
    expect(forYou.some((step) => step.startsWith('  explain '))).toBe(true);
    // Popularity is filled once at load, and context has no visit to match: neither is filled per request.
    expect(forYou).not.toContain('fill popularity');
    expect(forYou).not.toContain('fill context');
    // now_reduced finds three price drops and fills up from the bestsellers on sale.
    const reduced = steps('now_reduced');
    expect(reduced).toContain('fill priceDrop');
    expect(reduced).toContain('trending: topK');
    expect(reduced).not.toContain('for_you: fill sessionKnn');
  });
});

describe('recommend target line', () => {
  const row = (median: number) => ({
    metric: 'recommend_ms' as const,
    case: 'for_you',
    n: 100_000,
    median_ms: median,
    p95_ms: median,
    p99_ms: median,
    max_ms: median,
    samples: 250,
    items: 10,
    fallback: null,
  });

  it('should say met below 5 ms and NOT met from 5 ms on', () => {
    expect(recommendTargetLine([row(4.2)])!.text).toBe('recommend (for_you, 100k) median 4.20 ms — target < 5 ms: met');
    expect(recommendTargetLine([row(5)])!.text).toBe('recommend (for_you, 100k) median 5.00 ms — target < 5 ms: NOT met');
    expect(recommendTargetLine([{ ...row(1), n: 10_000 }])).toBeNull();
  });
});
