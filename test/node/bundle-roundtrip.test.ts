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
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';

function expectGraph(actual: CsrGraph, expected: CsrGraph): void {
  expect(Array.from(actual.offsets)).toEqual(Array.from(expected.offsets));
  expect(Array.from(actual.neighbors)).toEqual(Array.from(expected.neighbors));
  expect(Array.from(actual.weights)).toEqual(Array.from(expected.weights));
}

/** Field-by-field comparison of a decoded bundle with the input it was written from. */
function expectSameAsInput(bundle: Bundle, input: BundleInput): void {
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
  expectGraph(bundle.covisitation, input.covisitation);
  expectGraph(bundle.copurchase, input.copurchase);
  expect(bundle.embeddings.dtype).toBe(input.embeddings.dtype);
  expect(bundle.embeddings.rows).toBe(input.embeddings.rows);
  expect(bundle.embeddings.dim).toBe(input.embeddings.dim);
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
      expect(bundle.formatVersion).toBe(1);
      expect(bundle.byteLength).toBe(bytes.length);
      expectSameAsInput(bundle, input);
    });
  }

  it('should decode from an ArrayBuffer and from an unaligned Uint8Array view', () => {
    const input = makeFixtureInput({ rows: 50 });
    const bytes = encodeBundle(input);
    expectSameAsInput(decodeBundle(bytes.buffer as ArrayBuffer), input);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSameAsInput(decodeBundle(shifted.subarray(3)), input);
  });

  it('should take zero-copy views into an aligned input buffer', () => {
    const bytes = encodeBundle(makeFixtureInput({ rows: 20 }));
    const bundle = decodeBundle(bytes);
    expect(bundle.embeddings.data.buffer).toBe(bytes.buffer);
    expect(bundle.products.price.buffer).toBe(bytes.buffer);
    expect(bundle.embeddings.data.byteOffset % 16).toBe(0);
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
