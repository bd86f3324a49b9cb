/**
 * Synthetic bundles for the engine's browser tests (the shared fixture reads the DummyJSON catalog
 * with node:fs, which a page cannot). Deterministic per seed, and small enough to brute-force the
 * expected answers in the test itself.
 */
import { buildCategoryTree, encodeBundle } from '../../src/shared/bundle/index.ts';
import type { BundleInput, CsrGraph, ModelWeights, ProductInput } from '../../src/shared/bundle/index.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { afterEach } from 'vitest';
import { createVitrine, type Vitrine, type VitrineOptions } from '../../src/index.ts';
import { fixtureMeta } from '../fixtures/fixture-meta.ts';
import { unitVectors } from '../fixtures/random-vectors.ts';

export interface EngineFixtureOptions {
  rows?: number;
  dim?: number;
  seed?: number;
  dtype?: 'f32' | 'i8';
  /** Appended to every title, so two versions of "the same" catalog are told apart. */
  titleTag?: string;
  /**
   * Graph encoding of the bytes (default f32: tests compute expected scores from the input's exact
   * weights; `packed`, the writer's default, rounds them onto 8-bit codes).
   */
  graphs?: 'f32' | 'packed';
  /** Layout of strings, products and popularity (default: the writer's, version 4); `blocks` writes a version-3 file. */
  layout?: 'columns' | 'blocks';
  modelWeights?: ModelWeights;
  /**
   * Vectors drawn around this many random centres (product i around centre i % clusters), so that
   * products have look-alikes beyond chance, as real catalogs do; 0 (default): independent random vectors.
   */
  clusters?: number;
}

/** Seeded PRNG (mulberry32), so every failure reproduces. */
export const seededRandom = mulberry32;

const CATEGORIES = [
  ['Clothing', 'Women', 'Dresses'],
  ['Clothing', 'Women', 'Tops'],
  ['Clothing', 'Men', 'Shirts'],
  ['Home', 'Kitchen'],
  [],
];

function graph(random: () => number, rows: number, maxDegree: number): CsrGraph {
  const offsets = new Uint32Array(rows + 1);
  const neighbors: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < rows; r++) {
    const seen = new Set([r]);
    let w = 0.1 + random() * 0.8; // a link strength in (0, 1)
    const degree = Math.floor(random() * (maxDegree + 1));
    for (let k = 0; k < degree; k++) {
      const t = Math.floor(random() * rows);
      if (seen.has(t)) continue;
      seen.add(t);
      neighbors.push(t);
      weights.push(w);
      w *= 0.4 + random() * 0.6; // rows sorted by descending weight, as the format requires
    }
    offsets[r + 1] = neighbors.length;
  }
  return { offsets, neighbors: Uint32Array.from(neighbors), weights: Float32Array.from(weights) };
}

export function makeEngineInput(options: EngineFixtureOptions = {}): BundleInput {
  const { rows = 120, dim = 12, seed = 7, dtype = 'f32', titleTag = '' } = options;
  const random = seededRandom(seed);
  const products: ProductInput[] = [];
  for (let i = 0; i < rows; i++) {
    const price = Math.round((5 + random() * 95) * 100) / 100;
    products.push({
      id: `sku-${i}`,
      title: `Product ${i}${titleTag}`,
      url: `https://shop.example/p/${i}`,
      image: `https://shop.example/img/${i}.jpg`,
      category: CATEGORIES[i % CATEGORIES.length]!,
      brand: `Brand ${i % 7}`,
      price,
      salePrice: i % 4 === 0 ? Math.round(price * 80) / 100 : null,
      currency: 'EUR',
      inStock: i % 5 !== 3,
      rating: null,
      variants: [],
      attributes: { material: i % 2 ? 'cotton' : 'linen' },
    });
  }
  const tree = buildCategoryTree(products);
  const global = Float32Array.from(products, () => Math.floor(random() * 1000));
  const trending = Float32Array.from(products, () => Math.floor(random() * 300));
  const vectors = options.clusters ? clusteredVectors(random, rows, dim, options.clusters) : unitVectors(random, rows, dim);
  const f32 = { dtype: 'f32' as const, rows, dim, data: vectors };
  const embeddings: BundleInput['embeddings'] = dtype === 'f32' ? f32 : quantizeInt8(f32);
  return {
    meta: fixtureMeta(rows, dim, dtype),
    products,
    popularity: {
      global,
      trending,
      trendingWindowDays: 7,
      perCategory: { offsets: new Uint32Array(tree.nodes.length + 1), neighbors: new Uint32Array(0), weights: new Float32Array(0) },
    },
    covisitation: graph(random, rows, 8),
    copurchase: graph(random, rows, 3),
    embeddings,
    ...(options.modelWeights ? { modelWeights: options.modelWeights } : {}),
  };
}

/** Unit rows, each its cluster's centre plus half as much random noise, normalised. */
function clusteredVectors(random: () => number, rows: number, dim: number, clusters: number): Float32Array {
  const centres = unitVectors(random, clusters, dim);
  const noise = unitVectors(random, rows, dim);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = r % clusters;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[c * dim + j]! + 0.5 * noise[r * dim + j]!;
      data[r * dim + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < dim; j++) data[r * dim + j]! /= Math.sqrt(norm);
  }
  return data;
}

/** Encoded bundle bytes in their own ArrayBuffer (ready to transfer). */
export function makeEngineBundle(options: EngineFixtureOptions = {}): { input: BundleInput; bytes: ArrayBuffer } {
  const input = makeEngineInput(options);
  const encoded = encodeBundle(input, { graphs: options.graphs ?? 'f32', layout: options.layout ?? 'columns' });
  return { input, bytes: encoded.slice().buffer };
}

/** Row `r` of the input's embeddings as float64 numbers (dequantised for i8). */
export function rowOf(input: BundleInput, r: number): number[] {
  const m = input.embeddings;
  if (m.dtype === 'pq') throw new Error('rowOf reads f32 or i8 fixtures');
  const out: number[] = [];
  for (let j = 0; j < m.dim; j++) out.push(m.dtype === 'f32' ? m.data[r * m.dim + j]! : m.data[r * m.dim + j]! * m.scales[r]!);
  return out;
}

/** A `createVitrine` whose engines are closed after each test of the calling file. */
export function enginesClosedAfterEach(): (options?: VitrineOptions) => Vitrine {
  const engines: Vitrine[] = [];
  afterEach(() => {
    while (engines.length) engines.pop()!.close();
  });
  return (options) => {
    const vitrine = createVitrine(options);
    engines.push(vitrine);
    return vitrine;
  };
}
