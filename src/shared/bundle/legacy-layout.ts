/**
 * Array layouts only files older than version 4 use (strings, products, popularity as fixed
 * blocks), and rare ones (plain training sessions of kind 12, f32 graphs, product-quantised
 * embeddings), kept apart from ./layout.ts so the worker's
 * main chunk does not carry them: ./legacy-reader.ts and the writer's kind 12 import them.
 */
import { PQ_CENTROIDS } from './format.ts';
import type { Block } from './layout.ts';

/** strings: header [count, blobLength]. */
export function stringsBlocks(count: number, blobLength: number): Block[] {
  return [
    { name: 'offsets', type: 'u32', count: count + 1 },
    { name: 'blob', type: 'u8', count: blobLength },
  ];
}

/** products: header [count, variantCount, attributeCount]. */
export function productsBlocks(n: number, variants: number, attributes: number): Block[] {
  return [
    { name: 'id', type: 'u32', count: n },
    { name: 'title', type: 'u32', count: n },
    { name: 'url', type: 'u32', count: n },
    { name: 'image', type: 'u32', count: n },
    { name: 'brand', type: 'u32', count: n },
    { name: 'currency', type: 'u32', count: n },
    { name: 'categoryIndex', type: 'i32', count: n },
    { name: 'brandIndex', type: 'i32', count: n },
    { name: 'price', type: 'f32', count: n },
    { name: 'salePrice', type: 'f32', count: n },
    { name: 'rating', type: 'f32', count: n },
    { name: 'inStock', type: 'u8', count: n },
    { name: 'variantOffsets', type: 'u32', count: n + 1 },
    { name: 'variantSize', type: 'u32', count: variants },
    { name: 'variantColor', type: 'u32', count: variants },
    { name: 'variantInStock', type: 'u8', count: variants },
    { name: 'attributeOffsets', type: 'u32', count: n + 1 },
    { name: 'attributeKey', type: 'u32', count: attributes },
    { name: 'attributeValue', type: 'u32', count: attributes },
  ];
}

/** popularity: header [productCount, categoryCount, nnz, trendingWindowDays]. */
export function popularityBlocks(n: number, categories: number, nnz: number): Block[] {
  return [
    { name: 'global', type: 'f32', count: n },
    { name: 'trending', type: 'f32', count: n },
    { name: 'offsets', type: 'u32', count: categories + 1 },
    { name: 'neighbors', type: 'u32', count: nnz },
    { name: 'weights', type: 'f32', count: nnz },
  ];
}

/** sessions: header [sessionCount, itemCount, referenceTime]. */
export function sessionsBlocks(sessions: number, items: number): Block[] {
  return [
    { name: 'offsets', type: 'u32', count: sessions + 1 },
    { name: 'items', type: 'u32', count: items },
    { name: 'age', type: 'f32', count: sessions },
  ];
}

/** covisitation / copurchase: header [productCount, nnz]. */
export function graphBlocks(n: number, nnz: number): Block[] {
  return [
    { name: 'offsets', type: 'u32', count: n + 1 },
    { name: 'neighbors', type: 'u32', count: nnz },
    { name: 'weights', type: 'f32', count: nnz },
  ];
}

/** Product-quantised embeddings (dtype code 3, version 3 on): a codebook of 256 centroids per subspace (256 × dim values in all) and one u8 code per row and subspace. */
export function pqBlocks(rows: number, dim: number, subspaces: number): Block[] {
  return [
    { name: 'codebook', type: 'f32', count: PQ_CENTROIDS * dim },
    { name: 'codes', type: 'u8', count: rows * subspaces },
  ];
}
