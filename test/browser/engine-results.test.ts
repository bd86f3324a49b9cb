/**
 * Results through the real worker against answers brute-forced here from the fixture's input,
 * following the documented scoring: cosine similarity, graph link strengths as they are (times
 * the seed's weight), popularity scaled by its maximum, summed with the component weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitrine, type RecommendResult, type ResultItem, type Vitrine } from '../../src/index.ts';
import { encodeBundle, type BundleInput, type CsrGraph } from '../../src/shared/bundle/index.ts';
import { DEFAULT_WEIGHTS } from '../../src/worker/components/index.ts';
import { makeEngineBundle, makeEngineInput, rowOf } from './engine-fixture.ts';

type Weights = Record<string, number>;

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, j) => {
    dot += x * b[j]!;
    na += x * x;
    nb += b[j]! * b[j]!;
  });
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Link strengths of `row`'s neighbours, unscaled: a weak best link stays weak. */
function neighbours(graph: CsrGraph, row: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) out.set(graph.neighbors[e]!, graph.weights[e]!);
  return out;
}

function scaled(values: Float32Array): number[] {
  const max = Math.max(...values);
  return Array.from(values, (v) => (max > 0 ? v / max : 0));
}

interface Expected {
  id: string;
  score: number;
}

/**
 * `similar`'s content signal (docs/strategies.md): the page product's cosine with `q`, or 0 when
 * it is within chance, below three times the root mean square of the page product's negative cosines.
 */
function cosineBeyondChance(input: BundleInput, page: number, q: number): number {
  const negatives = input.products.map((_, r) => cosine(rowOf(input, page), rowOf(input, r))).filter((c) => c < 0);
  const floor = 3 * Math.sqrt(negatives.reduce((sum, c) => sum + c * c, 0) / (negatives.length || 1));
  const c = cosine(rowOf(input, page), rowOf(input, q));
  return c < floor ? 0 : c;
}

/** Whether `q` may be in `page`'s `similar` list: a content match beyond chance or a co-visitation link. */
function qualifies(input: BundleInput, page: number, q: number): boolean {
  return cosineBeyondChance(input, page, q) > 0 || neighbours(input.covisitation, page).has(q);
}

/** Score every product from seeds (row, weight) with `weights`; the best `limit` allowed ones. */
function expectedTop(
  input: BundleInput,
  seeds: Array<{ row: number; weight: number }>,
  weights: Weights,
  allowed: (row: number) => boolean,
  limit: number,
  placement: 'similar' | 'other' = 'other',
): Expected[] {
  const n = input.products.length;
  const dim = input.embeddings.dim;
  const session = new Array<number>(dim).fill(0);
  for (const { row, weight } of seeds) rowOf(input, row).forEach((v, j) => (session[j]! += v * weight));
  const cov = new Array<number>(n).fill(0);
  const cop = new Array<number>(n).fill(0);
  for (const { row, weight } of seeds) {
    neighbours(input.covisitation, row).forEach((w, q) => (cov[q]! += w * weight));
    neighbours(input.copurchase, row).forEach((w, q) => (cop[q]! += w * weight));
  }
  const pop = scaled(input.popularity.global);
  const trend = scaled(input.popularity.trending);
  const scored: Array<Expected & { row: number }> = [];
  for (let q = 0; q < n; q++) {
    if (!allowed(q)) continue;
    const score =
      (weights.similarity ?? 0) *
        (placement === 'similar' ? cosineBeyondChance(input, seeds[0]!.row, q) : seeds.length ? cosine(session, rowOf(input, q)) : 0) +
      (weights.covisitation ?? 0) * cov[q]! +
      (weights.copurchase ?? 0) * cop[q]! +
      (weights.popularity ?? 0) * pop[q]! +
      (weights.trending ?? 0) * trend[q]!;
    scored.push({ id: input.products[q]!.id, score, row: q });
  }
  scored.sort((a, b) => b.score - a.score || a.row - b.row);
  return scored.slice(0, limit).map(({ id, score }) => ({ id, score }));
}

function expectMatches(result: RecommendResult | { items: ResultItem[] }, expected: Expected[], digits = 4): void {
  expect(result.items.map((item) => item.productId)).toEqual(expected.map((e) => e.id));
  result.items.forEach((item, i) => expect(item.score).toBeCloseTo(expected[i]!.score, digits));
}

/** Look-alikes: content and co-visits, no co-purchase. */
const SIMILAR_WEIGHTS: Weights = {
  similarity: DEFAULT_WEIGHTS.similarity!,
  covisitation: DEFAULT_WEIGHTS.covisitation!,
  popularity: DEFAULT_WEIGHTS.popularity!,
};
const TRENDING_WEIGHTS: Weights = { trending: DEFAULT_WEIGHTS.trending!, popularity: DEFAULT_WEIGHTS.popularity! };

/** Session seeds weigh 0.7^i, most recent first (not normalised: each seed's share stays exact). */
const recencyWeights = (count: number): number[] => Array.from({ length: count }, (_, i) => 0.7 ** i);

/** The `for_you` / `rerank` mix without a cart: co-purchase starts from the cart, so it is off. */
const SESSION_WEIGHTS: Weights = {
  similarity: DEFAULT_WEIGHTS.similarity!,
  covisitation: DEFAULT_WEIGHTS.covisitation!,
  popularity: DEFAULT_WEIGHTS.popularity!,
};

describe('engine results (f32 bundle, default weights)', () => {
  let vitrine: Vitrine;
  let input: BundleInput;
  const inStock = (row: number): boolean => input.products[row]!.inStock;

  beforeAll(async () => {
    const fixture = makeEngineBundle({ rows: 150, dim: 12, seed: 11, clusters: 10 });
    input = fixture.input;
    vitrine = createVitrine();
    await vitrine.load(fixture.bytes);
  });
  afterAll(() => vitrine.close());

  it('should rank similar products by weighted similarity, co-visitation and popularity', async () => {
    for (const p of [0, 17, 42]) {
      const result = await vitrine.similar(`sku-${p}`, { limit: 8 });
      expectMatches(
        result,
        expectedTop(input, [{ row: p, weight: 1 }], SIMILAR_WEIGHTS, (q) => q !== p && inStock(q) && qualifies(input, p, q), 8, 'similar'),
      );
      expect(result.weights).toEqual(SIMILAR_WEIGHTS);
    }
  });

  it('should give the same answer through recommend({ placement: "similar" })', async () => {
    const direct = await vitrine.similar('sku-5', { limit: 4 });
    const viaRecommend = await vitrine.recommend({ placement: 'similar', product: 'sku-5', limit: 4 });
    expect(viaRecommend.items).toEqual(direct.items);
    expect(viaRecommend.placement).toBe('similar');
  });

  it('should report weighted components that sum to the score, and the product data', async () => {
    const result = await vitrine.similar('sku-3', { limit: 5 });
    expect(result.items).toHaveLength(5);
    for (const item of result.items) {
      const sum = Object.values(item.components).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(item.score, 10);
      expect(Object.keys(item.components).sort()).toEqual(['covisitation', 'popularity', 'similarity']);
      const product = input.products.find((p) => p.id === item.productId)!;
      expect(item).toMatchObject({ title: product.title, url: product.url, image: product.image, brand: product.brand, currency: 'EUR' });
      expect(item.price).toBeCloseTo(product.price!, 4);
      if (product.salePrice === null) expect(item.salePrice).toBeNull();
      else expect(item.salePrice).toBeCloseTo(product.salePrice, 4);
      expect(item.bundleVersion).toBe(result.bundleVersion);
    }
  });

  it('should leave out excluded and out-of-stock products, and include out-of-stock ones on request', async () => {
    const seed = [{ row: 9, weight: 1 }];
    // Only products with a real signal (positive cosine or a co-visitation link) count as similar; with
    // four or more of them the list is complete, not padded from other strategies.
    const similarOnly = (result: RecommendResult) => ({ items: result.items.filter((item) => item.strategy === 'similar') });
    const linked = (q: number): boolean => qualifies(input, 9, q);
    const all = await vitrine.similar('sku-9', { limit: 100, inStockOnly: false });
    const signalled = similarOnly(all).items.length;
    expect(signalled).toBe(input.products.filter((_, q) => q !== 9 && linked(q)).length);
    expect(signalled).toBeGreaterThanOrEqual(4);
    expect(all.fallback).toBeNull();
    expect(all.items).toHaveLength(signalled);
    expectMatches(
      similarOnly(all),
      expectedTop(input, seed, SIMILAR_WEIGHTS, (q) => q !== 9 && linked(q), signalled, 'similar'),
    );
    expect(all.items.some((item) => !input.products[Number(item.productId.slice(4))]!.inStock)).toBe(true);
    const excluded = [0, 1, 2].map((i) => all.items[i]!.productId);
    const filtered = await vitrine.similar('sku-9', { limit: 100, exclude: excluded });
    const allowed = (q: number): boolean => q !== 9 && inStock(q) && !excluded.includes(`sku-${q}`);
    const kept = similarOnly(filtered).items.length;
    expectMatches(
      similarOnly(filtered),
      expectedTop(input, seed, SIMILAR_WEIGHTS, (q) => allowed(q) && linked(q), kept, 'similar'),
    );
    for (const item of filtered.items) expect(allowed(Number(item.productId.slice(4)))).toBe(true);
  });

  it('should rank trending products by trending popularity, optionally within a category subtree', async () => {
    const result = await vitrine.recommend({ placement: 'trending', limit: 10 });
    expectMatches(result, expectedTop(input, [], TRENDING_WEIGHTS, inStock, 10));
    const women = await vitrine.recommend({ placement: 'trending', limit: 100, category: 'women' });
    const isWomen = (row: number): boolean => input.products[row]!.category[1] === 'Women';
    expectMatches(
      women,
      expectedTop(input, [], TRENDING_WEIGHTS, (q) => inStock(q) && isWomen(q), 100),
    );
    const dresses = await vitrine.recommend({ placement: 'trending', limit: 100, category: 'Clothing > Women > Dresses' });
    expect(dresses.items.length).toBeGreaterThan(0);
    for (const item of dresses.items) expect(item.productId).toMatch(/^sku-\d+$/);
    for (const item of dresses.items) expect(Number(item.productId.slice(4)) % 5).toBe(0);
    expect((await vitrine.recommend({ placement: 'trending', category: 'Garden' })).items).toEqual([]);
  });

  it('should recommend for_you from recently viewed items, recency-weighted, never the viewed ones', async () => {
    const recent = [12, 40, 77];
    const weights = recencyWeights(recent.length);
    const result = await vitrine.recommend({ placement: 'for_you', limit: 6, context: { recent: recent.map((r) => `sku-${r}`) } });
    const seeds = recent.map((row, i) => ({ row, weight: weights[i]! }));
    expectMatches(
      result,
      expectedTop(input, seeds, SESSION_WEIGHTS, (q) => inStock(q) && !recent.includes(q), 6),
    );
    expect(result.weights).toEqual(SESSION_WEIGHTS);
  });

  it('should fall back to popularity for for_you without history, ignoring unknown recent ids', async () => {
    const result = await vitrine.recommend({ placement: 'for_you', limit: 5, context: { recent: ['sku-gone'] } });
    expectMatches(result, expectedTop(input, [], { popularity: DEFAULT_WEIGHTS.popularity! }, inStock, 5));
  });

  it('should rerank a list for the visitor, keeping unknown ids at the end', async () => {
    const ids = ['sku-1', 'sku-unknown-a', 'sku-2', 'sku-30', 'sku-31', 'sku-2', 'sku-99', 'sku-unknown-b', 'sku-3'];
    const recent = [30, 50];
    const weights = recencyWeights(recent.length);
    const result = await vitrine.rerank(ids, { recent: recent.map((r) => `sku-${r}`) });
    const knownRows = [1, 2, 30, 31, 99, 3];
    const seeds = recent.map((row, i) => ({ row, weight: weights[i]! }));
    const expected = expectedTop(input, seeds, SESSION_WEIGHTS, (q) => knownRows.includes(q), knownRows.length);
    expectMatches(result, expected);
    expect(result.unknown).toEqual(['sku-unknown-a', 'sku-unknown-b']);
    expect(result.order).toEqual([...expected.map((e) => e.id), 'sku-unknown-a', 'sku-unknown-b']);
  });
});

describe('engine results (fitted weights, int8 bundle)', () => {
  it('should use the bundle model weights, so similarity alone finds the brute-force nearest neighbour', async () => {
    const { input, bytes } = makeEngineBundle({
      rows: 80,
      seed: 3,
      clusters: 8,
      modelWeights: { similarity: 1, covisitation: 0, copurchase: 0, popularity: 0 },
    });
    const vitrine = createVitrine();
    try {
      await vitrine.load(bytes);
      const result = await vitrine.similar('sku-10', { limit: 1, inStockOnly: false });
      let best = -1;
      let bestCos = -Infinity;
      for (let q = 0; q < input.products.length; q++) {
        if (q === 10) continue;
        const c = cosine(rowOf(input, 10), rowOf(input, q));
        if (c > bestCos) [best, bestCos] = [q, c];
      }
      expect(result.items[0]!.productId).toBe(`sku-${best}`);
      expect(result.items[0]!.score).toBeCloseTo(bestCos, 4);
      expect(result.items[0]!.components).toEqual({ similarity: result.items[0]!.score });
      expect(result.weights).toEqual({ similarity: 1 });
    } finally {
      vitrine.close();
    }
  });

  it('should score an int8 bundle close to the dequantised brute force', async () => {
    const { input, bytes } = makeEngineBundle({ rows: 120, dtype: 'i8', seed: 5, clusters: 10 });
    const vitrine = createVitrine();
    try {
      const status = await vitrine.load(bytes);
      expect(status.bundle?.dtype).toBe('i8');
      const result = await vitrine.similar('sku-7', { limit: 10 });
      const expected = expectedTop(
        input,
        [{ row: 7, weight: 1 }],
        SIMILAR_WEIGHTS,
        (q) => q !== 7 && qualifies(input, 7, q) && input.products[q]!.inStock,
        200,
        'similar',
      );
      expect(result.items.every((item) => item.strategy === 'similar')).toBe(true);
      const byId = new Map(expected.map((e) => [e.id, e.score]));
      // Quantisation moves scores slightly; each item's score stays close to its exact value...
      for (const item of result.items) expect(Math.abs(item.score - byId.get(item.productId)!)).toBeLessThan(0.02);
      // ...and the exact best two are among the engine's top three.
      const top3 = result.items.slice(0, 3).map((item) => item.productId);
      expect(top3).toEqual(expect.arrayContaining(expected.slice(0, 2).map((e) => e.id)));
    } finally {
      vitrine.close();
    }
  });
});

describe('engine results for a product without a price', () => {
  it('should return price null, not NaN, so widgets can hide it', async () => {
    const input = makeEngineInput({ rows: 20, dim: 8, seed: 5 });
    input.products[1] = { ...input.products[1]!, price: null, salePrice: null, inStock: true };
    const vitrine = createVitrine();
    try {
      await vitrine.load(encodeBundle(input).slice().buffer);
      const result = await vitrine.rerank(['sku-1', 'sku-2'], {});
      const priceless = result.items.find((item) => item.productId === 'sku-1')!;
      expect(priceless.price).toBeNull();
      expect(priceless.salePrice).toBeNull();
      expect(result.items.find((item) => item.productId === 'sku-2')!.price).toBeCloseTo(input.products[2]!.price!, 4);
    } finally {
      vitrine.close();
    }
  });
});
