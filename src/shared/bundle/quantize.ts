import type { EmbeddingMatrix } from './types.ts';

type Int8Matrix = Extract<EmbeddingMatrix, { dtype: 'i8' }>;

/**
 * The bundle's int8 form of float rows: symmetric per-row scale = max|x| / 127, so
 * value ≈ data × scale within scale / 2. An all-zero row keeps scale 0 (decodes to zeros) rather
 * than dividing by zero. The CLI writes bundles with it; benchmarks and tests quantise the same way.
 */
export function quantizeInt8({ data, rows, dim }: Extract<EmbeddingMatrix, { dtype: 'f32' }>): Int8Matrix {
  const q = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(data[i * dim + d]!));
    const scale = max / 127;
    scales[i] = scale;
    if (scale === 0) continue;
    for (let d = 0; d < dim; d++) q[i * dim + d] = Math.max(-127, Math.min(127, Math.round(data[i * dim + d]! / scale)));
  }
  return { dtype: 'i8', rows, dim, data: q, scales };
}
