/** A synthetic n x d bundle (products + embeddings) for the "load into the worker" measurement. */
import { encodeBundle } from '../../shared/bundle/index.ts';
import type { BundleInput, CsrGraph, ProductInput } from '../../shared/bundle/types.ts';
import { randomMatrix } from './data.ts';

const emptyCsr = (n: number): CsrGraph => ({ offsets: new Uint32Array(n + 1), neighbors: new Uint32Array(0), weights: new Float32Array(0) });

export function syntheticBundle(n: number, dim: number): Uint8Array {
  const categories = ['Clothing', 'Shoes', 'Home', 'Garden', 'Toys'];
  const products: ProductInput[] = Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    title: `Product ${i}`,
    url: `/p/${i}`,
    image: `/img/${i}.jpg`,
    category: [categories[i % categories.length]!],
    brand: `Brand ${i % 97}`,
    price: 10 + (i % 500),
    salePrice: i % 7 === 0 ? 5 + (i % 300) : null,
    currency: 'EUR',
    inStock: i % 11 !== 0,
    rating: i % 3 === 0 ? null : 1 + (i % 5),
    variants: [],
    attributes: {},
  }));
  const input: BundleInput = {
    meta: { builder: 'bench', builtAt: '2024-01-01T00:00:00Z', dim, dtype: 'f32', sourceCounts: { products: n }, embeddingSource: 'content' },
    products,
    popularity: { global: new Float32Array(n), trending: new Float32Array(n), trendingWindowDays: 7, perCategory: emptyCsr(categories.length) },
    covisitation: emptyCsr(n),
    copurchase: emptyCsr(n),
    embeddings: randomMatrix(n, dim, 7),
  };
  return encodeBundle(input);
}
