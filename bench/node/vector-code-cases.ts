/**
 * Recall@10 and wire bytes of candidate vector codes against exact float32, on one catalog's
 * vectors (issue 16): int8 (what `--quantize int8` stores), scalar 6- and 4-bit codes with a
 * per-row or per-dimension scale (measured only, not a bundle encoding), and product quantisation
 * with 256 centroids per subspace, with and without the balanced principal-axes rotation
 * (`src/cli/bundle-builder/product-quantizer.ts`, what `--quantize pqN` stores).
 *
 * Each query row's exact top 10 (itself left out) is compared with the code's top 10:
 * - `recall`: the query is the code's own row, as the engine builds every query from the rows it holds;
 * - `recall_exact_query`: the query is the float32 row (asymmetric scoring);
 * - `reranked`: the float32-query top RERANK of the code, re-ranked by exact dot products (needs a
 *   finer copy of the rows: what it would buy, not what a bundle does).
 */
import { gzipSync } from 'node:zlib';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { decodedRows, encodeVectors, quantizeWithStep } from '../../src/cli/bundle-builder/vector-code.ts';
import { productQuantize, sampleRows } from '../../src/cli/bundle-builder/product-quantizer.ts';
import { exactNeighbours, recallAt } from '../../src/cli/bundle-builder/vector-recall.ts';

/** Candidates re-ranked exactly in the `reranked` column. */
export const RERANK = 50;

export interface CodeResult {
  metric: 'vector_code_recall_at_10';
  dataset: string;
  n: number;
  d: number;
  code: string;
  /** Bytes of the code's arrays, raw and gzip -9 (the section on the wire, less its 16-byte header). */
  bytes: number;
  gzip: number;
  recall: number;
  recall_exact_query: number;
  reranked: number;
}

/** Scalar b-bit codes, symmetric around 0: per-row or per-dimension max-abs scale. Returns the decoded rows and packed bytes. */
function scalarCode(data: Float32Array, rows: number, dim: number, bits: number, per: 'row' | 'dim') {
  const levels = 2 ** (bits - 1) - 1;
  const scale = new Float32Array(per === 'row' ? rows : dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      const at = per === 'row' ? r : j;
      scale[at] = Math.max(scale[at]!, Math.abs(data[r * dim + j]!) / levels);
    }
  }
  const decoded = new Float32Array(rows * dim);
  const packed = new Uint8Array(Math.ceil((rows * dim * bits) / 8));
  let bit = 0;
  for (let i = 0; i < rows * dim; i++) {
    const s = scale[per === 'row' ? Math.floor(i / dim) : i % dim]!;
    const q = s === 0 ? 0 : Math.max(-levels, Math.min(levels, Math.round(data[i]! / s)));
    decoded[i] = q * s;
    const u = q + levels;
    for (let b = 0; b < bits; b++, bit++) if ((u >> b) & 1) packed[bit >> 3]! |= 1 << (bit & 7);
  }
  return { decoded, arrays: [packed, new Uint8Array(scale.buffer)] };
}

function sizes(arrays: Uint8Array[]): { bytes: number; gzip: number } {
  const all = new Uint8Array(arrays.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  return { bytes: all.length, gzip: gzipSync(all, { level: 9 }).length };
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Every candidate code measured on `data` (rows × dim), `queries` query rows (seeded sample). */
export function measureCodes(
  dataset: string,
  data: Float32Array,
  rows: number,
  dim: number,
  kernels?: Kernels,
  queryCount = 300,
  seed = 1,
): CodeResult[] {
  const queries = sampleRows(rows, queryCount, seed);
  const exact = exactNeighbours(data, rows, dim, queries, 10, kernels);
  const results: CodeResult[] = [];
  const add = (code: string, space: Float32Array, decoded: Float32Array, arrays: Uint8Array[]) => {
    const options = { query: 'exact' as const, kernels };
    results.push({
      metric: 'vector_code_recall_at_10',
      dataset,
      n: rows,
      d: dim,
      code,
      ...sizes(arrays),
      recall: recallAt(space, decoded, rows, dim, queries, exact, { kernels }),
      recall_exact_query: recallAt(space, decoded, rows, dim, queries, exact, options),
      reranked: recallAt(space, decoded, rows, dim, queries, exact, { ...options, rerank: RERANK }),
    });
  };
  add('f32', data, data, [bytesOf(data)]);
  const int8 = quantizeInt8({ dtype: 'f32', rows, dim, data });
  add('int8', data, decodedRows(int8), [bytesOf(int8.data), bytesOf(int8.scales)]);
  // One step for every value (what `--quantize auto` may store): multiples of the step that clips nothing.
  const smallest = data.reduce((max, v) => Math.max(max, Math.abs(v)), 0) / 127;
  for (const factor of [1, 2, 3, 4, 6]) {
    const step = quantizeWithStep(data, rows, dim, Math.fround(smallest * factor));
    add(`int8, one step (${factor} × largest/127)`, data, decodedRows(step), [bytesOf(step.data), bytesOf(step.scales)]);
  }
  for (const [bits, per] of [
    [6, 'row'],
    [4, 'row'],
    [4, 'dim'],
  ] as const) {
    const { decoded, arrays } = scalarCode(data, rows, dim, bits, per);
    add(`${bits}-bit per ${per}`, data, decoded, arrays);
  }
  for (const width of [8, 4, 2]) {
    if (dim % width !== 0 || dim <= width) continue;
    const code = `pq${dim / width}`;
    const { matrix, exact: space } = encodeVectors(code, data, rows, dim, seed);
    if (matrix.dtype !== 'pq') throw new Error('expected a pq matrix');
    add(`${code} (${width} dims/subspace)`, space, decodedRows(matrix), [bytesOf(matrix.codebook), matrix.codes]);
    if (width === 8) continue;
    // The same without the rotation: what balancing the subspaces' variance buys.
    const plain = productQuantize(data, rows, dim, { subspaces: dim / width, seed, rotate: false }).matrix;
    add(`${code}, not rotated`, data, decodedRows(plain), [bytesOf(plain.codebook), plain.codes]);
  }
  return results;
}
