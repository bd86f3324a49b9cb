/**
 * Content vectors computed locally, no model download: field-weighted TF-IDF over hashed tokens,
 * reduced to `dim` dimensions by a seeded sparse random projection, then L2-normalised.
 *
 * Each token hashes to `NONZEROS` (dimension, ±1) pairs: a sparse Johnson–Lindenstrauss
 * projection (Achlioptas 2003, https://doi.org/10.1016/S0022-0000(03)00025-4; Kane & Nelson 2014,
 * "Sparser Johnson-Lindenstrauss Transforms"). Nothing is materialised, so memory stays flat
 * however large the vocabulary, and the same seed always yields the same vectors.
 */
import type { ProductInput } from '../../shared/bundle/types.ts';
import { fmix32, hashString } from '../../shared/random.ts';

/** Non-zero entries per token in the projection; 8 keeps distances well at 32–256 dims. */
const NONZEROS = 8;

/** How much each field counts. Titles and category paths say most about what a product is. */
export const FIELD_WEIGHTS = {
  title: 3,
  categoryPath: 3,
  categoryWord: 1,
  brand: 2,
  attribute: 1,
  description: 0.5,
} as const;

/** Description tokens beyond this are ignored: long marketing copy adds noise and time. */
const MAX_DESCRIPTION_TOKENS = 80;

/** Very common English words that carry no product meaning. */
const STOP_WORDS = new Set(
  'a an and are as at be by for from in is it its of on or the to with this that your you our will can all has have not'.split(' '),
);

/** Lower-cased letter/digit runs of two or more characters, minus stop words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = match[0];
    if (token.length >= 2 && !STOP_WORDS.has(token)) out.push(token);
  }
  return out;
}

/** Weighted features of one product (token hash → summed field weight). */
export function productFeatures(
  product: ProductInput,
  description: string,
  seed: number,
  into = new Map<number, number>(),
): Map<number, number> {
  into.clear();
  const add = (token: string, weight: number) => {
    const h = hashString(token, seed);
    into.set(h, (into.get(h) ?? 0) + weight);
  };
  for (const t of tokenize(product.title)) add(t, FIELD_WEIGHTS.title);
  // Path prefixes as whole tokens: "Clothing>Women" matches only products in that branch.
  let prefix = '';
  for (const level of product.category) {
    prefix = prefix === '' ? level.toLowerCase() : `${prefix}>${level.toLowerCase()}`;
    add(`cat:${prefix}`, FIELD_WEIGHTS.categoryPath);
    for (const t of tokenize(level)) add(t, FIELD_WEIGHTS.categoryWord);
  }
  if (product.brand !== '') add(`brand:${product.brand.toLowerCase()}`, FIELD_WEIGHTS.brand);
  for (const [key, value] of Object.entries(product.attributes)) {
    for (const t of tokenize(value)) add(`${key.toLowerCase()}=${t}`, FIELD_WEIGHTS.attribute);
  }
  const words = tokenize(description);
  for (let i = 0; i < words.length && i < MAX_DESCRIPTION_TOKENS; i++) add(words[i]!, FIELD_WEIGHTS.description);
  return into;
}

export interface ContentEmbeddingOptions {
  dim: number;
  seed: number;
  /** Called with the number of products done, for the progress bar. */
  onProgress?: (done: number) => void;
}

/** Row-major `products.length × dim` matrix of unit-length content vectors. */
export function contentEmbeddings(
  products: readonly ProductInput[],
  descriptions: readonly string[],
  options: ContentEmbeddingOptions,
): Float32Array {
  const { dim, seed } = options;
  const n = products.length;
  // Pass 1: features per product (flattened) and document frequencies.
  const offsets = new Uint32Array(n + 1);
  const hashes: number[] = [];
  const weights: number[] = [];
  const df = new Map<number, number>();
  const scratch = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const features = productFeatures(products[p]!, descriptions[p] ?? '', seed, scratch);
    for (const [h, w] of features) {
      hashes.push(h);
      weights.push(w);
      df.set(h, (df.get(h) ?? 0) + 1);
    }
    offsets[p + 1] = hashes.length;
    if ((p & 1023) === 0) options.onProgress?.(p / 2);
  }
  // Pass 2: sublinear tf × smoothed idf, projected and normalised.
  const out = new Float32Array(n * dim);
  const row = new Float64Array(dim);
  for (let p = 0; p < n; p++) {
    row.fill(0);
    for (let f = offsets[p]!; f < offsets[p + 1]!; f++) {
      const h = hashes[f]!;
      const idf = Math.log((n + 1) / ((df.get(h) ?? 0) + 1)) + 1;
      project(row, h, (1 + Math.log(weights[f]!)) * idf);
    }
    if (!normalizeInto(out, p * dim, row)) {
      // Only stop words everywhere: fall back to a vector unique to the id, never a zero row.
      project(row, hashString(`id:${products[p]!.id}`, seed), 1);
      normalizeInto(out, p * dim, row);
    }
    if ((p & 1023) === 0) options.onProgress?.(n / 2 + p / 2);
  }
  return out;
}

/** Adds `weight` times the token's sparse ±1 projection column to `row`. */
function project(row: Float64Array, tokenHash: number, weight: number): void {
  const dim = row.length;
  for (let k = 0; k < NONZEROS; k++) {
    const h = fmix32((tokenHash + Math.imul(k + 1, 0x9e3779b9)) >>> 0);
    row[h % dim]! += h & 0x80000000 ? -weight : weight;
  }
}

/** Writes row / |row| at `offset`; false when the row is all zeros. */
export function normalizeInto(out: Float32Array, offset: number, row: ArrayLike<number>): boolean {
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += row[j]! * row[j]!;
  if (!(sum > 0) || !Number.isFinite(sum)) return false;
  const inv = 1 / Math.sqrt(sum);
  for (let j = 0; j < row.length; j++) out[offset + j] = row[j]! * inv;
  return true;
}
