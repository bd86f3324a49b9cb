/**
 * Which code the bundle stores its item vectors in (`bundle build --quantize`, docs/cli.md,
 * "Vector codes"). `auto` measures, on this catalog's own vectors, the recall@10 of each candidate
 * code against the exact float32 rows and keeps the smallest (in bytes) that holds MIN_RECALL; a
 * catalog whose vectors no small code keeps apart (a high intrinsic dimension) keeps int8, or f32.
 */
import { gzipSync } from 'node:zlib';
import { PQ_CENTROIDS } from '../../shared/bundle/format.ts';
import { decodePq } from '../../shared/bundle/pq-codec.ts';
import { quantizeInt8 } from '../../shared/bundle/quantize.ts';
import type { EmbeddingMatrix, PqMatrix } from '../../shared/bundle/types.ts';
import type { Kernels } from '../../shared/kernels/types.ts';
import { loadNodeKernels } from '../kernels-node.ts';
import { productQuantize, sampleRows } from './product-quantizer.ts';
import { exactNeighbours, recallAt } from './vector-recall.ts';

/** What `--quantize` accepts: `auto`, `none` (= f32), `int8` (a step per row) or `pqN` (N subspaces, dividing dim). */
export type VectorCodeOption = 'auto' | 'none' | 'int8' | `pq${number}`;

/** The engine's kernels for the recall scans, or undefined where they are not built (the scans then run in JS, slower). */
export async function scanKernels(): Promise<Kernels | undefined> {
  try {
    return await loadNodeKernels();
  } catch {
    return undefined;
  }
}

/** Recall@10 against f32 a code must hold for `auto` to pick it (issue 16's target before re-rank). */
export const MIN_RECALL = 0.95;
/** Query rows the recall is measured on (each against every row of the catalog). */
export const RECALL_QUERIES = 300;
/** Steps tried by `step`, as multiples of the smallest step that clips nothing (largest |value| / 127). */
const STEP_FACTORS = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16];

/** One code measured: its name, the section's arrays raw and gzip -9, its recall@10 against f32. */
export interface MeasuredCode {
  code: string;
  bytes: number;
  gzip: number;
  recall: number;
}

/** The code chosen, how it was chosen, and every code measured on the way. */
export interface VectorChoice {
  matrix: EmbeddingMatrix | PqMatrix;
  code: string;
  /** Recall@10 of the chosen code against f32 (1 for f32; null when forced without measuring). */
  recall: number | null;
  /** Codes measured, in the order tried. */
  measured: MeasuredCode[];
  reason: string;
}

/** `--quantize`'s value checked against dim; throws a message for the caller's option error. */
export function parseVectorCode(value: string, dim: number | undefined): VectorCodeOption {
  if (value === 'auto' || value === 'none' || value === 'int8') return value;
  const pq = /^pq([1-9]\d*)$/.exec(value);
  if (!pq) throw new Error(`must be auto, none, int8 or pqN (N subspaces, e.g. pq16), got "${value}"`);
  if (dim !== undefined && dim % Number(pq[1]) !== 0) throw new Error(`${value}: ${pq[1]} subspaces must divide the ${dim} dims`);
  return value as VectorCodeOption;
}

/** PQ candidates: 2, 4 and 8 dimensions per subspace (where they divide dim), most subspaces first. */
export function pqCandidates(dim: number): string[] {
  return [2, 4, 8].filter((width) => dim % width === 0 && dim > width).map((width) => `pq${dim / width}`);
}

/** Rows as float32 after the reader decodes them (int8 × scale), in the space `matrix` lives in. */
export function decodedRows(matrix: EmbeddingMatrix | PqMatrix): Float32Array {
  const { rows, dim } = matrix;
  if (matrix.dtype === 'f32') return matrix.data;
  const { data, scales } = matrix.dtype === 'i8' ? matrix : decodePq(matrix.codebook, matrix.codes, rows, dim, matrix.subspaces);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[r * dim + j] = data[r * dim + j]! * scales[r]!;
  return out;
}

/**
 * int8 codes on one step for every value (the bundle's i8 layout, every row's scale = `step`):
 * values beyond ±127 steps clip. Small values become small codes, which gzip packs tighter than a
 * per-row scale's full-range codes: the wire cost follows each dimension's spread.
 */
export function quantizeWithStep(data: Float32Array, rows: number, dim: number, step: number): EmbeddingMatrix & { dtype: 'i8' } {
  const q = new Int8Array(rows * dim);
  for (let i = 0; i < q.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(data[i]! / step)));
  return { dtype: 'i8', rows, dim, data: q, scales: new Float32Array(rows).fill(step) };
}

/** Rows whose gzip size stands for the whole matrix's (gzip -9 of 100,000 rows would take seconds per candidate). */
const GZIP_SAMPLE_ROWS = 16_384;

/**
 * The arrays a matrix puts in its section: raw bytes, and gzip -9 (the wire) measured on its first
 * GZIP_SAMPLE_ROWS rows (and the whole codebook) and scaled to all rows.
 */
export function matrixSizes(matrix: EmbeddingMatrix | PqMatrix): { bytes: number; gzip: number } {
  const { rows, dim } = matrix;
  const part = Math.min(rows, GZIP_SAMPLE_ROWS);
  const perRow: ArrayBufferView[] =
    matrix.dtype === 'pq'
      ? [matrix.codes.subarray(0, part * matrix.subspaces)]
      : matrix.dtype === 'i8'
        ? [matrix.data.subarray(0, part * dim), matrix.scales.subarray(0, part)]
        : [matrix.data.subarray(0, part * dim)];
  const fixed = matrix.dtype === 'pq' ? gzipped([matrix.codebook]) : { bytes: 0, gzip: 0 };
  const sample = gzipped(perRow);
  const scale = part === 0 ? 0 : rows / part;
  return { bytes: fixed.bytes + Math.round(sample.bytes * scale), gzip: fixed.gzip + Math.round(sample.gzip * scale) };
}

function gzipped(arrays: ArrayBufferView[]): { bytes: number; gzip: number } {
  const bytes = arrays.reduce((sum, a) => sum + a.byteLength, 0);
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const a of arrays) {
    all.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return { bytes, gzip: gzipSync(all, { level: 9 }).length };
}

/** One code applied to the rows: the matrix to store and the exact rows in its space. */
export function encodeVectors(code: string, data: Float32Array, rows: number, dim: number, seed: number) {
  if (code === 'none') return { matrix: { dtype: 'f32', rows, dim, data } as EmbeddingMatrix, exact: data };
  if (code === 'int8') return { matrix: quantizeInt8({ dtype: 'f32', rows, dim, data }), exact: data };
  const { matrix, rotated } = productQuantize(data, rows, dim, { subspaces: Number(code.slice(2)), seed });
  return { matrix, exact: rotated };
}

/**
 * Rows a PQ code is first tried on, in a large catalog: recall over fewer rows is easier (fewer
 * close rivals), so a code that misses there is not fitted and scanned on the whole catalog.
 */
const SCREEN_ROWS = 20_000;

/** Recall@10 of `code` on a seeded SCREEN_ROWS-row subset of the rows. */
function subsetRecall(
  code: string,
  data: Float32Array,
  rows: number,
  dim: number,
  seed: number,
  queryCount: number,
  kernels?: Kernels,
): number {
  const subset = sampleRows(rows, SCREEN_ROWS, seed + 1);
  const part = new Float32Array(subset.length * dim);
  subset.forEach((r, i) => part.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
  const queries = sampleRows(subset.length, queryCount, seed);
  const exact = exactNeighbours(part, subset.length, dim, queries, 10, kernels);
  const { matrix, rotated: space } = productQuantize(part, subset.length, dim, {
    subspaces: Number(code.slice(2)),
    seed,
    sampleRows: 8192,
    iterations: 8,
  });
  return recallAt(space, decodedRows(matrix), subset.length, dim, queries, exact, { kernels });
}

/** Largest |value|: the step `largest / 127` clips nothing. */
function largestValue(data: Float32Array): number {
  let max = 0;
  for (const v of data) max = Math.max(max, Math.abs(v));
  return max;
}

/**
 * The vectors in the code `option` names. `auto` measures int8, the largest one-step code that
 * holds `minRecall`, then the PQ codes whose raw size undercuts the best so far (most subspaces
 * first; fewer subspaces only while the last held), and keeps the passing code smallest on the wire
 * (gzip), else f32.
 */
export function chooseVectorCode(
  data: Float32Array,
  rows: number,
  dim: number,
  option: VectorCodeOption,
  {
    seed = 1,
    minRecall = MIN_RECALL,
    queries: queryCount = RECALL_QUERIES,
    kernels,
  }: { seed?: number; minRecall?: number; queries?: number; kernels?: Kernels | undefined } = {},
): VectorChoice {
  if (option !== 'auto') {
    const reason = `--quantize ${option}`;
    return { matrix: encodeVectors(option, data, rows, dim, seed).matrix, code: option, recall: null, measured: [], reason };
  }
  const queries = sampleRows(rows, queryCount, seed);
  const exact = exactNeighbours(data, rows, dim, queries, 10, kernels);
  const measured: MeasuredCode[] = [];
  const f32 = {
    matrix: { dtype: 'f32', rows, dim, data } as EmbeddingMatrix,
    code: 'none',
    recall: 1,
    ...matrixSizes({ dtype: 'f32', rows, dim, data }),
  };
  let best: MeasuredCode & { matrix: EmbeddingMatrix | PqMatrix } = f32;
  const consider = (code: string, matrix: EmbeddingMatrix | PqMatrix, space: Float32Array): boolean => {
    const recall = recallAt(space, decodedRows(matrix), rows, dim, queries, exact, { kernels });
    const entry = { code, recall, ...matrixSizes(matrix) };
    measured.push(entry);
    if (recall < minRecall) return false;
    if (entry.gzip < best.gzip) best = { ...entry, matrix };
    return true;
  };
  consider('int8', quantizeInt8({ dtype: 'f32', rows, dim, data }), data);
  const smallest = largestValue(data) / 127;
  for (const factor of STEP_FACTORS) {
    if (!(smallest > 0)) break;
    const step = Math.fround(smallest * factor);
    if (!consider(`step ${step.toPrecision(3)}`, quantizeWithStep(data, rows, dim, step), data)) break;
  }
  for (const code of pqCandidates(dim)) {
    // A PQ section is about as large on the wire as raw: no use trying one that cannot win.
    if (PQ_CENTROIDS * dim * 4 + rows * Number(code.slice(2)) >= best.gzip) continue;
    const screen = rows > SCREEN_ROWS ? subsetRecall(code, data, rows, dim, seed, queryCount, kernels) : 1;
    if (screen < minRecall) {
      measured.push({ code: `${code} (on ${SCREEN_ROWS} rows)`, recall: screen, bytes: 0, gzip: 0 });
      break;
    }
    const { matrix, exact: space } = encodeVectors(code, data, rows, dim, seed);
    if (!consider(code, matrix, space)) break;
  }
  const reason =
    best === f32 ? `no code holds recall@10 >= ${minRecall}` : `smallest on the wire of the codes with recall@10 >= ${minRecall}`;
  return { matrix: best.matrix, code: best.code, recall: best.recall, measured, reason };
}
