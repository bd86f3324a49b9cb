/**
 * One benchmark case, the same in Node and in the browser worker: score every row against a query
 * and take the exact top-10, timed as one query.
 */
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';
import type { KernelImpl, Kernels } from '../../src/shared/kernels/types.ts';
import { gbps, measure } from '../stats.ts';
import { matrixBytes, queries } from './matrices.ts';

/** The k of every benchmark row (the "exact top-10"). */
export const BENCH_K = 10;

export interface BenchRow {
  impl: KernelImpl | 'c-avx2';
  n: number;
  d: number;
  dtype: 'f32' | 'i8';
  k: number;
  median_ms: number;
  p99_ms: number;
  gbps: number;
}

export function benchQuery(kernels: Kernels, matrix: EmbeddingMatrix, budgetMs: number): BenchRow {
  kernels.setMatrix(matrix);
  const pool = queries(16, matrix.dim, 1234);
  const timing = measure(
    (run) => {
      const query = pool[(run + pool.length) % pool.length]!;
      const t0 = performance.now();
      kernels.scoreQuery(query, 0);
      kernels.topK(0, BENCH_K);
      return performance.now() - t0;
    },
    { budgetMs },
  );
  return {
    impl: kernels.impl,
    n: matrix.rows,
    d: matrix.dim,
    dtype: matrix.dtype,
    k: BENCH_K,
    median_ms: timing.median_ms,
    p99_ms: timing.p99_ms,
    gbps: gbps(matrixBytes(matrix), timing.median_ms),
  };
}
