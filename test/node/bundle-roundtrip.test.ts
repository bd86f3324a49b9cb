import { describe, expect, it } from 'vitest';
import {
  buildBrandList,
  buildCategoryTree,
  decodeBundle,
  encodeBundle,
  type Bundle,
  type BundleInput,
  type CsrGraph,
} from '../../src/shared/bundle/index.ts';
import { DEFAULT_CODES_PER_OCTAVE } from '../../src/shared/bundle/writer.ts';
import { FORMAT_VERSION } from '../../src/shared/bundle/format.ts';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FLIPKART, FLIPKART_FIELDS, buildAndDecode } from './cli-helpers.ts';
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';

function expectGraph(actual: CsrGraph, expected: CsrGraph): void {
  expect(Array.from(actual.offsets)).toEqual(Array.from(expected.offsets));
  expect(Array.from(actual.neighbors)).toEqual(Array.from(expected.neighbors));
  expect(Array.from(actual.weights)).toEqual(Array.from(expected.weights));
}

/** One step of the codes the writer uses (DEFAULT_CODES_PER_OCTAVE per halving): a decoded weight is within this factor below the original. */
const PACKED_WEIGHT_STEP = 2 ** (-1 / DEFAULT_CODES_PER_OCTAVE);

/**
 * A packed graph gives back each row's neighbours with their weights rounded down onto the 8-bit
 * log scale (never up, within one step, 1/16 octave), each row in descending weight order.
 */
function expectPackedGraph(actual: CsrGraph, expected: CsrGraph): void {
  expect(Array.from(actual.offsets)).toEqual(Array.from(expected.offsets));
  for (let r = 0; r + 1 < expected.offsets.length; r++) {
    const weightOf = new Map<number, number>();
    for (let e = expected.offsets[r]!; e < expected.offsets[r + 1]!; e++) weightOf.set(expected.neighbors[e]!, expected.weights[e]!);
    for (let e = actual.offsets[r]!; e < actual.offsets[r + 1]!; e++) {
      const original = weightOf.get(actual.neighbors[e]!);
      expect(original, `row ${r} gained neighbour ${actual.neighbors[e]}`).toBeDefined();
      weightOf.delete(actual.neighbors[e]!);
      expect(actual.weights[e]!).toBeLessThanOrEqual(original!);
      expect(actual.weights[e]!).toBeGreaterThanOrEqual(original! * PACKED_WEIGHT_STEP * 0.9999);
      if (e > actual.offsets[r]!) expect(actual.weights[e]!).toBeLessThanOrEqual(actual.weights[e - 1]!);
    }
    expect(weightOf.size, `row ${r} lost neighbours`).toBe(0);
  }
}

/** Field-by-field comparison of a decoded bundle with the input it was written from. */
function expectSameAsInput(bundle: Bundle, input: BundleInput, graphs: 'packed' | 'f32' = 'packed'): void {
  const { products } = bundle;
  const tree = buildCategoryTree(input.products);
  const brands = buildBrandList(input.products);
  expect(products.count).toBe(input.products.length);
  input.products.forEach((p, i) => {
    expect(products.id(i)).toBe(p.id);
    expect(products.indexOf(p.id)).toBe(i);
    expect(products.title(i)).toBe(p.title);
    expect(products.url(i)).toBe(p.url);
    expect(products.image(i)).toBe(p.image);
    expect(products.brand(i)).toBe(p.brand);
    expect(products.currency(i)).toBe(p.currency);
    expect(products.price[i]).toBe(p.price === null ? NaN : Math.fround(p.price));
    expect(products.salePrice[i]).toBe(p.salePrice === null ? NaN : Math.fround(p.salePrice));
    expect(products.rating[i]).toBe(p.rating === null ? NaN : Math.fround(p.rating));
    expect(products.inStock[i]).toBe(p.inStock ? 1 : 0);
    expect(products.variants(i)).toEqual(p.variants);
    expect(products.attributes(i)).toEqual(p.attributes);
    const leaf = products.categoryIndex[i]!;
    expect(leaf === -1 ? [] : bundle.categories[leaf]!.path).toEqual(p.category);
    const brand = products.brandIndex[i]!;
    expect(brand === -1 ? '' : bundle.brands[brand]).toBe(p.brand);
  });
  expect(bundle.categories).toEqual(tree.nodes);
  expect(bundle.brands).toEqual(brands.names);
  expect(bundle.meta).toEqual(input.meta);
  expect(Array.from(bundle.popularity.global)).toEqual(Array.from(input.popularity.global));
  expect(Array.from(bundle.popularity.trending)).toEqual(Array.from(input.popularity.trending));
  expect(bundle.popularity.trendingWindowDays).toBe(input.popularity.trendingWindowDays);
  expectGraph(bundle.popularity.perCategory, input.popularity.perCategory);
  const expectNeighbours = graphs === 'packed' ? expectPackedGraph : expectGraph;
  expectNeighbours(bundle.covisitation, input.covisitation);
  expectNeighbours(bundle.copurchase, input.copurchase);
  expect(bundle.embeddings.dtype).toBe(input.embeddings.dtype);
  expect(bundle.embeddings.rows).toBe(input.embeddings.rows);
  expect(bundle.embeddings.dim).toBe(input.embeddings.dim);
  if (input.embeddings.dtype === 'pq') throw new Error('roundTrip compares f32 or i8 rows');
  expect(Array.from(bundle.embeddings.data)).toEqual(Array.from(input.embeddings.data));
  if (bundle.embeddings.dtype === 'i8' && input.embeddings.dtype === 'i8') {
    expect(Array.from(bundle.embeddings.scales)).toEqual(Array.from(input.embeddings.scales));
  }
  expect(bundle.banditPriors).toEqual(input.banditPriors ?? null);
  expect(bundle.modelWeights).toEqual(input.modelWeights ?? null);
  expect(bundle.sessionModel).toEqual(input.sessionModel ?? null);
}

describe('bundle round trip', () => {
  for (const dtype of ['f32', 'i8'] as const) {
    it(`should give back every field of the DummyJSON catalog (${dtype})`, () => {
      const input = makeFixtureInput({ dtype, dim: 24 });
      const bytes = encodeBundle(input);
      const bundle = decodeBundle(bytes);
      expect(bundle.formatVersion).toBe(FORMAT_VERSION);
      expect(bundle.byteLength).toBe(bytes.length);
      expectSameAsInput(bundle, input);
    });
  }

  it('should give back the graphs exactly when written f32, and smaller when packed', () => {
    const input = makeFixtureInput({ dim: 8 });
    const exact = encodeBundle(input, { graphs: 'f32' });
    expectSameAsInput(decodeBundle(exact), input, 'f32');
    expect(encodeBundle(input).length).toBeLessThan(exact.length);
  });

  it('should write a graph f32 when the packed encoding cannot hold it (a negative weight, a repeated neighbour)', () => {
    const input = makeFixtureInput({ rows: 20, dim: 8 });
    input.covisitation.weights[0] = -0.5;
    const { neighbors, offsets } = input.copurchase;
    const row = Array.from({ length: 20 }, (_, r) => r).find((r) => offsets[r + 1]! - offsets[r]! >= 2)!;
    neighbors[offsets[row]! + 1] = neighbors[offsets[row]!]!;
    expectSameAsInput(decodeBundle(encodeBundle(input)), input, 'f32');
  });

  it('should decode from an ArrayBuffer and from an unaligned Uint8Array view', () => {
    const input = makeFixtureInput({ rows: 50 });
    const bytes = encodeBundle(input);
    expectSameAsInput(decodeBundle(bytes.buffer as ArrayBuffer), input);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSameAsInput(decodeBundle(shifted.subarray(3)), input);
  });

  it('should take zero-copy views into an aligned input buffer (version 4 decodes its column streams into new arrays)', () => {
    const bytes = encodeBundle(makeFixtureInput({ rows: 20 }));
    const bundle = decodeBundle(bytes);
    expect(bundle.embeddings.data.buffer).toBe(bytes.buffer);
    expect(bundle.embeddings.data.byteOffset % 16).toBe(0);
    expect(bundle.products.price.buffer).not.toBe(bytes.buffer);
    const blocks = encodeBundle(makeFixtureInput({ rows: 20 }), { layout: 'blocks' });
    expect(decodeBundle(blocks).products.price.buffer).toBe(blocks.buffer);
  });

  it('should give back every field from the fixed layout of version 3 (layout: blocks)', () => {
    const input = makeFixtureInput({ dtype: 'i8', dim: 8 });
    const bytes = encodeBundle(input, { layout: 'blocks' });
    const bundle = decodeBundle(bytes);
    expect(bundle.formatVersion).toBe(3);
    expectSameAsInput(bundle, input);
    // Same content, fewer bytes: the column streams are smaller than the blocks.
    expect(encodeBundle(input).length).toBeLessThan(bytes.length);
  });

  it('should still read a version-3 file written before version 4 (test/fixtures/bundles)', () => {
    // Written by the version-3 writer from makeFixtureInput({ rows: 40, dim: 8, dtype: 'i8' }).
    const file = gunzipSync(readFileSync(new URL('../fixtures/bundles/dummyjson-40-v3.vtb.gz', import.meta.url)));
    const bundle = decodeBundle(file);
    expect(bundle.formatVersion).toBe(3);
    expectSameAsInput(bundle, makeFixtureInput({ rows: 40, dim: 8, dtype: 'i8' }));
  });

  it('should give back prices to the cent and every string of the Flipkart catalog, as version 3 did', async () => {
    const { bundle } = await buildAndDecode(['--catalog', FLIPKART, ...FLIPKART_FIELDS, '--head-products', '0', '--dim', '8']);
    expect(bundle.formatVersion).toBe(FORMAT_VERSION);
    expect(bundle.products.count).toBeGreaterThan(1000);
    const blocks = decodeBundle(encodeBundle(inputOf(bundle), { layout: 'blocks' }));
    const again = decodeBundle(encodeBundle(inputOf(bundle)));
    for (const other of [blocks, again]) {
      for (let i = 0; i < bundle.products.count; i++) {
        const [a, b] = [bundle.products, other.products];
        expect([b.id(i), b.title(i), b.url(i), b.image(i), b.brand(i), b.currency(i)]).toEqual([
          a.id(i),
          a.title(i),
          a.url(i),
          a.image(i),
          a.brand(i),
          a.currency(i),
        ]);
        expect([b.price[i], b.salePrice[i], b.rating[i], b.inStock[i], b.categoryIndex[i]]).toEqual([
          a.price[i],
          a.salePrice[i],
          a.rating[i],
          a.inStock[i],
          a.categoryIndex[i],
        ]);
        expect(b.attributes(i)).toEqual(a.attributes(i));
        expect(b.variants(i)).toEqual(a.variants(i));
      }
      expect(Array.from(other.popularity.global)).toEqual(Array.from(bundle.popularity.global));
      expectGraph(other.popularity.perCategory, bundle.popularity.perCategory);
    }
    // Flipkart's INR prices are whole rupees: the price columns need no decimals.
    const cents = Array.from(bundle.products.price).filter((p) => p === p);
    expect(cents.every((p) => Number.isInteger(p))).toBe(true);
  });

  it('should keep non-ASCII and astral-plane strings intact', () => {
    const input = makeFixtureInput({ rows: 10 });
    input.products[0]!.title = 'Robe d’été 👗 — taille unique';
    input.products[1]!.brand = 'Ünïcödé 🧪';
    input.products[2]!.attributes = { matière: '100 % laine 🐑', '': 'empty key' };
    const bundle = decodeBundle(encodeBundle(input));
    expectSameAsInput(bundle, input);
  });

  it('should handle products without optional data and a bundle without optional sections', () => {
    const input = makeFixtureInput({ rows: 5 });
    input.products[0] = { ...input.products[0]!, category: [], brand: '', salePrice: null, rating: null, variants: [], attributes: {} };
    delete input.banditPriors;
    delete input.modelWeights;
    input.popularity.perCategory = buildPerCategoryEmpty(input);
    const bundle = decodeBundle(encodeBundle(input));
    expect(bundle.products.categoryIndex[0]).toBe(-1);
    expect(bundle.products.brandIndex[0]).toBe(-1);
    expectSameAsInput(bundle, input);
  });

  it('should be deterministic: the same input gives the same bytes and content hash', () => {
    const a = encodeBundle(makeFixtureInput({ rows: 30, dtype: 'i8' }));
    const b = encodeBundle(makeFixtureInput({ rows: 30, dtype: 'i8' }));
    expect(a).toEqual(b);
    expect(decodeBundle(a).contentHash).toMatch(/^[0-9a-f]{8}$/);
  });
});

/** Per-category CSR with every category empty (the categories changed after the fixture built it). */
function buildPerCategoryEmpty(input: BundleInput): CsrGraph {
  const c = buildCategoryTree(input.products).nodes.length;
  return { offsets: new Uint32Array(c + 1), neighbors: new Uint32Array(0), weights: new Float32Array(0) };
}

/** A BundleInput holding exactly what `bundle` holds (graphs as decoded, vectors as stored). */
function inputOf(bundle: Bundle): BundleInput {
  const { products: t } = bundle;
  return {
    meta: bundle.meta,
    products: Array.from({ length: t.count }, (_, i) => ({
      id: t.id(i),
      title: t.title(i),
      url: t.url(i),
      image: t.image(i),
      category: t.categoryIndex[i]! < 0 ? [] : bundle.categories[t.categoryIndex[i]!]!.path,
      brand: t.brand(i),
      price: t.price[i] === t.price[i] ? t.price[i]! : null,
      salePrice: t.salePrice[i] === t.salePrice[i] ? t.salePrice[i]! : null,
      currency: t.currency(i),
      inStock: t.inStock[i] === 1,
      rating: t.rating[i] === t.rating[i] ? t.rating[i]! : null,
      variants: t.variants(i),
      attributes: t.attributes(i),
    })),
    popularity: bundle.popularity,
    covisitation: bundle.covisitation,
    copurchase: bundle.copurchase,
    embeddings: bundle.embeddings,
    ...(bundle.sessions ? { sessions: bundle.sessions } : {}),
  };
}
