/** Seeded inputs shared by the kernel tests (node and browser). */
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';

/** Seeded PRNG (mulberry32), so every failure reproduces. */
export const rng = mulberry32;

/** Rows of Gaussian-ish noise, L2-normalised like the bundle's embeddings. */
export function randomF32(rows: number, dim: number, seed: number): EmbeddingMatrix & { dtype: 'f32' } {
  const next = rng(seed);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = next() + next() + next() - 1.5;
      data[r * dim + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < dim; j++) data[r * dim + j] = data[r * dim + j]! / norm;
  }
  return { dtype: 'f32', rows, dim, data };
}

/** The bundle's own int8 quantisation. */
export const quantize = quantizeInt8;

export function randomQuery(dim: number, seed: number): Float32Array {
  return randomF32(1, dim, seed).data;
}

/** A random allow mask keeping about `keep` of the rows. */
export function randomMask(rows: number, keep: number, seed: number): Uint8Array {
  const next = rng(seed);
  const mask = new Uint8Array(Math.ceil(rows / 8));
  for (let r = 0; r < rows; r++) if (next() < keep) mask[r >> 3] = mask[r >> 3]! | (1 << (r & 7));
  return mask;
}
