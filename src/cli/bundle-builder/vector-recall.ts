/**
 * Recall@k of compressed item vectors against the exact float32 ones: for each query row, the share
 * of its k exact nearest rows (largest dot product, itself left out) that the compressed rows also
 * rank in their top k. `bundle build` uses it to pick the vector code; bench/node/vector-codes.ts
 * reports it per code and catalog. With `kernels` (the engine's WASM kernels, loaded by the caller)
 * each catalog-sized scan runs in SIMD instead of a JS loop.
 */
import type { Kernels } from '../../shared/kernels/types.ts';

/** The k largest `score(row)` over rows ≠ `skip`, best first (ties: lower row). */
export function topRows(rows: number, k: number, skip: number, score: (row: number) => number): Int32Array {
  const best = new Int32Array(k).fill(-1);
  const bestScore = new Float64Array(k).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    if (r === skip) continue;
    const s = score(r);
    if (!(s > bestScore[k - 1]!)) continue;
    let i = k - 1;
    while (i > 0 && s > bestScore[i - 1]!) {
      best[i] = best[i - 1]!;
      bestScore[i] = bestScore[i - 1]!;
      i--;
    }
    best[i] = r;
    bestScore[i] = s;
  }
  return best.filter((r) => r >= 0);
}

function dot(a: Float32Array, at: number, b: Float32Array, bt: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += a[at + j]! * b[bt + j]!;
  return sum;
}

/** Dot products of `source`'s row q with every row of `matrix`, in one tight loop (a catalog-sized scan per query). */
function scan(source: Float32Array, q: number, matrix: Float32Array, rows: number, dim: number, into: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0, a = q * dim, b = r * dim; j < dim; j++) sum += source[a + j]! * matrix[b + j]!;
    into[r] = sum;
  }
  return into;
}

/**
 * Per query row: the k rows of `matrix` with the largest dot product with `source`'s row q, q left
 * out, best first (ties: lower row).
 */
function nearest(source: Float32Array, matrix: Float32Array, rows: number, dim: number, queries: Int32Array, k: number, kernels?: Kernels) {
  if (kernels) {
    kernels.setMatrix({ dtype: 'f32', rows, dim, data: matrix }, { scoreSlots: 1 });
    const allow = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
    return Array.from(queries, (q) => {
      allow[q >> 3] = allow[q >> 3]! & ~(1 << (q & 7));
      kernels.scoreQuery(source.subarray(q * dim, (q + 1) * dim), 0);
      const top = Int32Array.from(kernels.topK(0, Math.min(k, rows - 1), allow).indices);
      allow[q >> 3] = 0xff;
      return top;
    });
  }
  const scores = new Float32Array(rows);
  return Array.from(queries, (q) => {
    scan(source, q, matrix, rows, dim, scores);
    return topRows(rows, k, q, (r) => scores[r]!);
  });
}

/** Each query's k exact neighbours in `data`. */
export function exactNeighbours(
  data: Float32Array,
  rows: number,
  dim: number,
  queries: Int32Array,
  k: number,
  kernels?: Kernels,
): Int32Array[] {
  return nearest(data, data, rows, dim, queries, k, kernels);
}

export interface RecallOptions {
  k?: number;
  /**
   * Where a query's vector comes from: `decoded` = its compressed row, as the engine builds every
   * query from the rows it holds (default); `exact` = its float32 row (asymmetric scoring).
   */
  query?: 'decoded' | 'exact';
  /** Re-rank this many compressed candidates by exact dot products (0 = none, the default). */
  rerank?: number;
  /** Scan with these kernels (their matrix is replaced). */
  kernels?: Kernels | undefined;
}

/**
 * Recall@k of `decoded` (the compressed rows, read back as float32) against `exact` neighbours;
 * `data` = the exact rows in the same space as `decoded`.
 */
export function recallAt(
  data: Float32Array,
  decoded: Float32Array,
  rows: number,
  dim: number,
  queries: Int32Array,
  exact: readonly Int32Array[],
  { k = 10, query = 'decoded', rerank = 0, kernels }: RecallOptions = {},
): number {
  let hits = 0;
  let wanted = 0;
  const source = query === 'decoded' ? decoded : data;
  const tops = nearest(source, decoded, rows, dim, queries, Math.max(k, rerank), kernels);
  queries.forEach((q, i) => {
    const truth = new Set(exact[i]!.subarray(0, k));
    let found = tops[i]!;
    if (rerank > 0) {
      const scored = Array.from(found, (r) => ({ r, s: dot(data, q * dim, data, r * dim, dim) }));
      found = Int32Array.from(
        scored.sort((a, b) => b.s - a.s || a.r - b.r),
        (x) => x.r,
      );
    }
    for (const r of found.subarray(0, k)) if (truth.has(r)) hits++;
    wanted += truth.size;
  });
  return wanted === 0 ? 1 : hits / wanted;
}
