/**
 * What a product's text says, as a sparse TF-IDF matrix: field-weighted tokens (title words,
 * category path prefixes and words, brand, attribute `key=word` pairs, a price band, the start of
 * the description) with sublinear term frequency and smoothed IDF. Only tokens shared by at least
 * two products become columns: a token no other product has cannot make two products alike.
 */
import type { ProductInput } from '../../shared/bundle/types.ts';
import { tokenCoherence } from './token-coherence.ts';
import type { SparseMatrix } from './truncated-svd.ts';

/** How much each field counts. Titles and category paths say most about what a product is. */
export const FIELD_WEIGHTS = {
  title: 3,
  categoryPath: 3,
  categoryWord: 1,
  brand: 2,
  attribute: 1,
  priceBand: 0.5,
  description: 0.5,
} as const;

/** Description tokens beyond this are ignored: long marketing copy adds noise and time. */
const MAX_DESCRIPTION_TOKENS = 80;

/** Width of a price band: prices within a factor of 1.5 of each other share or neighbour a band. */
const PRICE_BAND_RATIO = 1.5;

/** Very common English words that carry no product meaning. */
const STOP_WORDS = new Set(
  'a an and are as at be by for from in is it its of on or the to with this that your you our will can all has have not'.split(' '),
);

const NOT_WORD = /[^\p{L}\p{N}]+/u;

/** Lower-cased letter/digit runs of two or more characters, minus stop words. */
export function tokenize(text: string): string[] {
  // Splitting on what is not a letter or digit gives the same runs as matching them, without a
  // match object per token: 200,000 products make tens of millions of tokens.
  const out: string[] = [];
  for (const token of text.toLowerCase().split(NOT_WORD)) {
    if (token.length >= 2 && !STOP_WORDS.has(token)) out.push(token);
  }
  return out;
}

/** Weighted features of one product: token → summed field weight. */
export function productFeatures(product: ProductInput, description: string, into = new Map<string, number>()): Map<string, number> {
  into.clear();
  const add = (token: string, weight: number) => into.set(token, (into.get(token) ?? 0) + weight);
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
  const price = product.salePrice ?? product.price;
  if (price !== null && price > 0) add(`price:${Math.floor(Math.log(price) / Math.log(PRICE_BAND_RATIO))}`, FIELD_WEIGHTS.priceBand);
  const words = tokenize(description);
  for (let i = 0; i < words.length && i < MAX_DESCRIPTION_TOKENS; i++) add(words[i]!, FIELD_WEIGHTS.description);
  return into;
}

/**
 * The catalog's TF-IDF rows restricted to shared tokens; each row is scaled as if normalised over all
 * of the product's tokens, so its length is at most 1 (an empty row: nothing shared).
 */
export interface ContentMatrix extends SparseMatrix {
  /** Column → token, for inspection and tests. */
  tokens: string[];
}

export function contentMatrix(
  products: readonly ProductInput[],
  descriptions: readonly string[],
  onProgress?: (done: number) => void,
  /** Called once every product's features are read, i.e. when `descriptions` is no longer needed. */
  onFeaturesRead?: () => void,
): ContentMatrix {
  const n = products.length;
  // Pass 1: every product's tokens (as vocabulary ids) and weights, and document frequencies.
  // Typed arrays grown by half as needed: a 200,000-product catalog has millions of entries, which
  // plain number arrays would hold at several times the bytes.
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  const rowStart = new Uint32Array(n + 1);
  let ids = new Uint32Array(Math.max(1024, estimatedEntries(products, descriptions)));
  let weights = new Float32Array(ids.length); // sums of the small FIELD_WEIGHTS: exact in float32
  let entries = 0;
  const scratch = new Map<string, number>();
  for (let p = 0; p < n; p++) {
    const features = productFeatures(products[p]!, descriptions[p] ?? '', scratch);
    if (entries + features.size > ids.length) {
      const capacity = Math.max(Math.ceil(ids.length * 1.25), entries + features.size);
      ids = grow(ids, capacity);
      weights = grow(weights, capacity);
    }
    for (const [token, weight] of features) {
      let id = vocabulary.get(token);
      if (id === undefined) {
        id = df.length;
        vocabulary.set(token, id);
        df.push(0);
      }
      df[id]!++;
      ids[entries] = id;
      weights[entries++] = weight;
    }
    rowStart[p + 1] = entries;
    if ((p & 1023) === 0) onProgress?.(p);
  }
  onFeaturesRead?.();
  // Columns: tokens of two or more products, in first-seen order (deterministic).
  const column = new Int32Array(df.length).fill(-1);
  const tokens: string[] = [];
  for (const [token, id] of vocabulary) {
    if (df[id]! >= 2) {
      column[id] = tokens.length;
      tokens.push(token);
    }
  }
  const coherence = tokenCoherence(products, { rowStart, ids, vocabulary: df.length });
  vocabulary.clear();
  // Pass 2: (1 + ln weight) × smoothed idf. Rows are normalised over all their tokens, unshared
  // ones included, so a row's length is the share of the product that other products can match.
  // Kept entries are compacted into `ids` itself (an entry is never written after one still to be
  // read), so this pass adds only the values.
  const offsets = new Uint32Array(n + 1);
  const indices = ids;
  const values = new Float64Array(entries);
  let kept = 0;
  for (let p = 0; p < n; p++) {
    const start = kept;
    let norm = 0;
    for (let f = rowStart[p]!; f < rowStart[p + 1]!; f++) {
      const id = ids[f]!;
      const idf = Math.log((n + 1) / (df[id]! + 1)) + 1;
      const value = (1 + Math.log(weights[f]!)) * idf * coherence[id]!;
      norm += value * value;
      const c = column[id]!;
      if (c < 0) continue;
      indices[kept] = c;
      values[kept++] = value;
    }
    const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let e = start; e < kept; e++) values[e]! *= inverse;
    offsets[p + 1] = kept;
  }
  return { rows: n, cols: tokens.length, offsets, indices: indices.subarray(0, kept), values: values.subarray(0, kept), tokens };
}

/** Entries of the whole matrix, from the first products' features plus a tenth: sized once, rarely grown. */
function estimatedEntries(products: readonly ProductInput[], descriptions: readonly string[]): number {
  const sample = Math.min(products.length, 1000);
  let entries = 0;
  const scratch = new Map<string, number>();
  for (let p = 0; p < sample; p++) entries += productFeatures(products[p]!, descriptions[p] ?? '', scratch).size;
  return Math.ceil((sample > 0 ? entries / sample : 0) * products.length * 1.1);
}

function grow<T extends Uint32Array | Float32Array>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
