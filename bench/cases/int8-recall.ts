/**
 * int8 recall@10 against exact f32 on real catalog embeddings: every product is a query, its own
 * row masked out, and the int8 top-10 is compared with the f32 top-10 of the same vectors. Also
 * reports the int8 scan + exact f32 re-scoring of its best RESCORE_CANDIDATES rows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../shared/bundle/index.ts';
import type { EmbeddingMatrix } from '../../shared/bundle/types.ts';
import { VitrineError } from '../../shared/errors.ts';
import type { Kernels } from '../../shared/kernels/types.ts';
import { quantizeInt8 } from '../../shared/bundle/quantize.ts';

/** Candidates the int8 scan hands to the exact re-scoring. */
export const RESCORE_CANDIDATES = 50;
const K = 10;

/** The Flipkart sample the issue names, relative to the working directory, with its column mapping. */
export const FLIPKART_CSV = '../shared/data/flipkart-products-1050/flipkart_com-ecommerce_sample_1050.csv';
const FLIPKART_FIELDS = ['id=uniq_id', 'title=product_name', 'category=product_category_tree', 'price=retail_price', 'sale_price=discounted_price', 'url=product_url', 'attributes=product_specifications', 'rating=product_rating'];

export interface RecallResult {
  metric: 'int8_recall_at_10';
  source: string;
  n: number;
  d: number;
  recall: number;
  rescored_recall: number;
  rescore_candidates: number;
}

/** Builds a float32 bundle of the Flipkart sample with the real CLI (`vitrine bundle build`). */
function buildFlipkartBundle(dim: number): { bytes: Uint8Array; source: string } | string {
  if (!existsSync(FLIPKART_CSV)) return `${FLIPKART_CSV} not found (run from the package root)`;
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-recall-'));
  try {
    const out = join(dir, 'flipkart.vtb');
    const bin = fileURLToPath(new URL('../../../bin/vitrine.js', import.meta.url));
    const fields = FLIPKART_FIELDS.flatMap((f) => ['--field', f]);
    execFileSync(process.execPath, [bin, 'bundle', 'build', '--catalog', FLIPKART_CSV, '--out', out, '--dim', String(dim), '--currency', 'INR', '--skip-invalid', ...fields], { stdio: 'pipe' });
    return { bytes: readFileSync(out), source: `vitrine bundle build of the Flipkart sample (d=${dim})` };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return `bundle build failed: ${(e.stderr?.toString() || e.message).trim().split('\n').pop()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads the f32 embeddings to test: from `bundleFile`, else a fresh Flipkart build. */
export function catalogEmbeddings(bundleFile: string | undefined, dim: number): { matrix: EmbeddingMatrix & { dtype: 'f32' }; source: string } | string {
  const built = bundleFile ? { bytes: readFileSync(bundleFile), source: bundleFile } : buildFlipkartBundle(dim);
  if (typeof built === 'string') return built;
  const { embeddings } = decodeBundle(built.bytes);
  if (embeddings.dtype !== 'f32') {
    throw new VitrineError('INPUT_BAD_OPTION', 'recall needs a float32 bundle (built without --quantize int8) as the exact reference', { field: '--bundle' });
  }
  return { matrix: embeddings, source: built.source };
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
    rescoredHits += overlap(exact[r]!, rescored.slice(0, K).map((x) => x.c));
  }
  const total = rows * Math.min(K, rows - 1);
  return { metric: 'int8_recall_at_10', source, n: rows, d: dim, recall: hits / total, rescored_recall: rescoredHits / total, rescore_candidates: RESCORE_CANDIDATES };
}
