/**
 * Argument checks shared by every kernel implementation, so `js`, `wasm` and `wasm-simd` reject the
 * same inputs with the same VitrineError (INVALID_REQUEST) before any work starts.
 */
import type { EmbeddingMatrix } from '../bundle/types.ts';
import { VitrineError } from '../errors.ts';

/** Score slots reserved when `setMatrix` is not told otherwise. */
export const DEFAULT_SCORE_SLOTS = 4;

function fail(message: string, details: Record<string, string | number> = {}): never {
  throw new VitrineError('INVALID_REQUEST', message, details);
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/** Checks the matrix shape and returns the number of score slots to reserve. */
export function checkMatrix(matrix: EmbeddingMatrix, options?: { scoreSlots?: number }): number {
  const { rows, dim } = matrix;
  if (!isCount(rows)) fail('matrix rows must be a non-negative integer', { rows });
  if (!isCount(dim) || dim === 0) fail('matrix dim must be a positive integer', { dim });
  if (matrix.data.length !== rows * dim) {
    fail('matrix data length must equal rows * dim', { rows, dim, length: matrix.data.length });
  }
  if (matrix.dtype === 'i8' && matrix.scales.length !== rows) {
    fail('int8 matrix needs one scale per row', { rows, length: matrix.scales.length });
  }
  const slots = options?.scoreSlots ?? DEFAULT_SCORE_SLOTS;
  if (!Number.isInteger(slots) || slots < 1 || slots > 64) fail('scoreSlots must be an integer in 1..64', { scoreSlots: slots });
  return slots;
}

export function checkSlot(index: number, slots: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= slots) fail('score slot out of range', { slot: index, slots });
}

/** A query must match the matrix dim and be finite (a NaN query would silently score every row NaN). */
export function checkQuery(query: Float32Array, dim: number): void {
  if (query.length !== dim) fail('query length must equal the matrix dim', { dim, length: query.length });
  for (let j = 0; j < dim; j++) {
    if (!Number.isFinite(query[j])) fail('query contains a non-finite value', { position: j });
  }
}

export function checkWeights(weights: ArrayLike<number>, slots: number): void {
  if (weights.length > slots) fail('more weights than score slots', { weights: weights.length, slots });
  for (let j = 0; j < weights.length; j++) {
    if (!Number.isFinite(weights[j])) fail('weights must be finite', { position: j });
  }
}

export function checkTopK(k: number, rows: number, allow: Uint8Array | undefined): void {
  if (!isCount(k)) fail('k must be a non-negative integer', { k });
  if (allow && allow.length < Math.ceil(rows / 8)) {
    fail('allow mask is shorter than ceil(rows / 8) bytes', { length: allow.length, rows });
  }
}

export function checkMmr(candidates: Int32Array, relevance: Float32Array, k: number, lambda: number, rows: number): void {
  if (candidates.length !== relevance.length) {
    fail('candidates and relevance differ in length', { candidates: candidates.length, relevance: relevance.length });
  }
  if (candidates.length > rows) fail('more candidates than rows', { candidates: candidates.length, rows });
  if (!isCount(k)) fail('k must be a non-negative integer', { k });
  if (!(lambda >= 0 && lambda <= 1)) fail('lambda must be in [0, 1]', { lambda });
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i]!;
    if (row < 0 || row >= rows) fail('candidate row out of range', { position: i, row, rows });
  }
}
