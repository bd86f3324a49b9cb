/**
 * The scoring kernels' contract. Three implementations fulfil it: `wasm-simd` (AssemblyScript with
 * v128), `wasm` (the same source built without SIMD, picked where SIMD is missing) and `js` (the
 * plain TypeScript reference every kernel test compares against).
 *
 * Memory rule: `setMatrix` copies the matrix into kernel memory once per bundle and reserves every
 * buffer a query needs, so a query allocates nothing. Returned typed arrays are views into kernel
 * memory, valid until the next kernel call: copy what you keep.
 */
import type { EmbeddingMatrix } from '../bundle/types.ts';

export type KernelImpl = 'wasm-simd' | 'wasm' | 'js';

export interface TopK {
  /** Row indices, best first; length = min(k, rows allowed by the mask). */
  indices: Int32Array;
  /** Their scores, same order. Ties are broken by the lower row index. */
  scores: Float32Array;
}

export interface Kernels {
  readonly impl: KernelImpl;
  /** Rows and dim of the current matrix (0 before `setMatrix`). */
  readonly rows: number;
  readonly dim: number;

  /**
   * A fresh, empty instance of the same build, made synchronously (call `setMatrix` next): after a
   * trap, the old instance's memory cannot be trusted. Absent where nothing can trap (the JS reference).
   */
  renew?(): Kernels;

  /** Copies the matrix into kernel memory (replacing any previous one) and reserves query buffers. */
  setMatrix(matrix: EmbeddingMatrix, options?: { scoreSlots?: number }): void;

  /**
   * A writable score vector of length `rows` living in kernel memory (slot 0 .. scoreSlots-1,
   * default 4 slots). Callers fill slots with their own per-row scores (co-visitation, popularity,
   * ...) before `combine`.
   */
  slot(index: number): Float32Array;

  /** Dot product of `query` (length dim) with every row, written into `slot(into)`; returns that view. */
  scoreQuery(query: Float32Array, into?: number): Float32Array;

  /** `slot(into)[r] = sum_j weights[j] * slot(j)[r]` for j < weights.length, in one pass. */
  combine(weights: ArrayLike<number>, into: number): Float32Array;

  /**
   * The k best rows of `slot(from)`. `allow` is a bitmask over rows (bit r of byte r >> 3,
   * least significant bit first; length >= ceil(rows / 8)): rows whose bit is 0 are skipped.
   * Omit it to allow every row. NaN scores are never selected.
   */
  topK(from: number, k: number, allow?: Uint8Array): TopK;

  /**
   * Maximal marginal relevance (Carbonell & Goldstein 1998) over `candidates` (row indices with
   * their relevance): picks k items greedily maximising
   * `lambda * relevance - (1 - lambda) * max cosine to already picked rows`.
   * Returns the picked row indices in order.
   */
  mmr(candidates: Int32Array, relevance: Float32Array, k: number, lambda: number): Int32Array;
}
