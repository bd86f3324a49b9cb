/**
 * int8 recall@10 against exact f32 on real catalog embeddings: every product is a query, its own
 * row masked out, and the int8 top-10 is compared with the f32 top-10 of the same vectors. Also
 * reports the int8 scan + exact f32 re-scoring of its best RESCORE_CANDIDATES rows. Which
 * embeddings: bench/node/catalog-embeddings.ts.
 */
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';

/** Candidates the int8 scan hands to the exact re-scoring. */
export const RESCORE_CANDIDATES = 50;
const K = 10;

export interface RecallResult {
  metric: 'int8_recall_at_10';
  source: string;
  n: number;
  d: number;
  recall: number;
  rescored_recall: number;
  rescore_candidates: number;
}

function overlap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const set = new Set(Array.from(a));
  let hits = 0;
  for (let i = 0; i < b.length; i++) if (set.has(b[i]!)) hits++;
  return hits;
}

export function int8Recall(kernels: Kernels, f32: EmbeddingMatrix & { dtype: 'f32' }, source: string): RecallResult {
  const { rows, dim } = f32;
  const mask = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
  const queryOf = (r: number) => f32.data.subarray(r * dim, (r + 1) * dim);
  const withoutSelf = (r: number, run: () => Int32Array) => {
    mask[r >> 3] = mask[r >> 3]! & ~(1 << (r & 7));
    const result = run();
    mask[r >> 3] = 0xff;
    return result;
  };

  kernels.setMatrix(f32);
  const exact = Array.from({ length: rows }, (_, r) =>
    withoutSelf(r, () => {
      kernels.scoreQuery(queryOf(r));
      return kernels.topK(0, K, mask).indices.slice();
    }),
  );

  kernels.setMatrix(quantizeInt8(f32));
  let hits = 0;
  let rescoredHits = 0;
  for (let r = 0; r < rows; r++) {
    const candidates = withoutSelf(r, () => {
      kernels.scoreQuery(queryOf(r));
      return kernels.topK(0, RESCORE_CANDIDATES, mask).indices.slice();
    });
    hits += overlap(exact[r]!, candidates.subarray(0, K));
    // Exact f32 dot products of the int8 candidates, best first (ties: lower row).
    const q = queryOf(r);
    const rescored = Array.from(candidates, (c) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += f32.data[c * dim + j]! * q[j]!;
      return { c, s: Math.fround(s) };
    }).sort((a, b) => b.s - a.s || a.c - b.c);
    rescoredHits += overlap(
      exact[r]!,
      rescored.slice(0, K).map((x) => x.c),
    );
  }
  const total = rows * Math.min(K, rows - 1);
  return {
    metric: 'int8_recall_at_10',
    source,
    n: rows,
    d: dim,
    recall: hits / total,
    rescored_recall: rescoredHits / total,
    rescore_candidates: RESCORE_CANDIDATES,
  };
}
