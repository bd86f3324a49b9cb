/** Synthetic benchmark matrices: seeded, L2-normalised rows, and their per-row int8 quantisation. */
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';

/** xorshift32, seeded: the same data on every run (and in the browser bench). */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function randomMatrix(rows: number, dim: number, seed: number): EmbeddingMatrix & { dtype: 'f32' } {
  const next = xorshift(seed);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * dim, (r + 1) * dim);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = next() - 0.5;
      row[j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) row[j] = row[j]! * inv;
  }
  return { dtype: 'f32', rows, dim, data };
}

/** A pool of query vectors, cycled through so no run re-reads the previous run's query. */
export function queries(count: number, dim: number, seed: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => randomMatrix(1, dim, seed + i).data);
}

export function matrixBytes(m: EmbeddingMatrix): number {
  return m.rows * m.dim * (m.dtype === 'f32' ? 4 : 1);
}
