/**
 * Randomized truncated SVD of a sparse matrix (Halko, Martinsson & Tropp 2011, "Finding structure
 * with randomness", https://arxiv.org/abs/0909.4061, algorithms 4.4 and 5.3): a seeded random
 * test matrix, a few power iterations with re-orthonormalisation, then the small eigenproblem of
 * the projected matrix. Only sparse × dense products touch the big matrix, so the cost is
 * O(nnz · l) per pass plus O(cols · l²) for orthonormalisation and O(rows · l²) once, l = rank + oversampling.
 */
import { mulberry32 } from '../../shared/random.ts';

/** A sparse matrix in compressed sparse row form. */
export interface SparseMatrix {
  rows: number;
  cols: number;
  /** Row r's entries are at offsets[r] .. offsets[r + 1] - 1. */
  offsets: Uint32Array;
  /** Column of each entry. */
  indices: Uint32Array;
  values: Float64Array;
}

export interface TruncatedSvdOptions {
  /** Singular triplets wanted. */
  rank: number;
  seed: number;
  /** Extra random directions beyond `rank` (HMT §4.2: 5–10 is plenty). */
  oversample?: number;
  /** Power iterations; each sharpens a slowly decaying spectrum (HMT §4.5). */
  powerIterations?: number;
  /** Called now and then with the share of the work done (0..1), for a progress bar. */
  onProgress?: (share: number) => void;
}

export interface TruncatedSvd {
  /** Components found: at most `rank`, fewer when the matrix has lower rank. */
  rank: number;
  /** Singular values, largest first (length `rank`). */
  values: Float64Array;
  /** Right singular vectors, `cols × rank` row-major: entry (c, j) at `c * rank + j`. */
  right: Float64Array;
}

/** Default oversampling and power iterations. */
export const DEFAULT_OVERSAMPLE = 10;
export const DEFAULT_POWER_ITERATIONS = 2;

/** Relative size under which a singular value counts as zero (rank deficiency). */
const RANK_TOLERANCE = 1e-10;

/** `a · x` for a dense row-major `a.cols × width` matrix `x`; returns `a.rows × width`. */
export function multiply(a: SparseMatrix, x: Float64Array, width: number): Float64Array {
  const out = new Float64Array(a.rows * width);
  for (let r = 0; r < a.rows; r++) {
    const base = r * width;
    for (let e = a.offsets[r]!; e < a.offsets[r + 1]!; e++) {
      const v = a.values[e]!;
      const from = a.indices[e]! * width;
      for (let j = 0; j < width; j++) out[base + j]! += v * x[from + j]!;
    }
  }
  return out;
}

/**
 * `aᵀ · (a · z)` for a dense row-major `a.cols × width` matrix `z`, one row of `a · z` at a time:
 * never materialising the `a.rows × width` middle keeps the passes in cache.
 */
function multiplyNormal(a: SparseMatrix, z: Float64Array, width: number, onRow: (r: number) => void): Float64Array {
  const out = new Float64Array(a.cols * width);
  const y = new Float64Array(width);
  for (let r = 0; r < a.rows; r++) {
    if ((r & 4095) === 0) onRow(r);
    rowTimes(a, r, z, width, y);
    scatterRow(a, r, y, width, out);
  }
  return out;
}

/** `aᵀ · Ω` for a seeded random sign matrix Ω (`a.rows × width`), generated row by row. */
function sketchRowSpace(a: SparseMatrix, width: number, seed: number, onRow: (r: number) => void): Float64Array {
  const out = new Float64Array(a.cols * width);
  const signs = new Float64Array(width);
  const rand = mulberry32(seed);
  for (let r = 0; r < a.rows; r++) {
    if ((r & 4095) === 0) onRow(r);
    randomSigns(signs, rand);
    scatterRow(a, r, signs, width, out);
  }
  return out;
}

/** Row `r` of `a · z` into `y`. */
function rowTimes(a: SparseMatrix, r: number, z: Float64Array, width: number, y: Float64Array): void {
  y.fill(0);
  for (let e = a.offsets[r]!; e < a.offsets[r + 1]!; e++) {
    const v = a.values[e]!;
    const from = a.indices[e]! * width;
    for (let j = 0; j < width; j++) y[j]! += v * z[from + j]!;
  }
}

/** Adds (row `r` of `a`)ᵀ · y to `out` (`a.cols × width`). */
function scatterRow(a: SparseMatrix, r: number, y: Float64Array, width: number, out: Float64Array): void {
  for (let e = a.offsets[r]!; e < a.offsets[r + 1]!; e++) {
    const v = a.values[e]!;
    const base = a.indices[e]! * width;
    for (let j = 0; j < width; j++) out[base + j]! += v * y[j]!;
  }
}

/**
 * Orthonormalises the columns of a row-major `rows × width` matrix in place: modified Gram–Schmidt,
 * run twice ("twice is enough", Giraud et al. 2005) so the columns stay orthogonal to working
 * precision. Columns that are (numerically) in the span of earlier ones become zero.
 */
export function orthonormalizeColumns(m: Float64Array, rows: number, width: number): void {
  // Column-major copy: Gram–Schmidt walks whole columns.
  const cols: Float64Array[] = [];
  for (let j = 0; j < width; j++) {
    const c = new Float64Array(rows);
    for (let r = 0; r < rows; r++) c[r] = m[r * width + j]!;
    cols.push(c);
  }
  for (let j = 0; j < width; j++) {
    const c = cols[j]!;
    const before = Math.sqrt(dot(c, c));
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const q = cols[i]!;
        const d = dot(q, c);
        if (d !== 0) for (let r = 0; r < rows; r++) c[r]! -= d * q[r]!;
      }
    }
    const norm = Math.sqrt(dot(c, c));
    if (!(norm > RANK_TOLERANCE * Math.max(before, 1e-300)) || before === 0) c.fill(0);
    else for (let r = 0; r < rows; r++) c[r]! /= norm;
  }
  for (let j = 0; j < width; j++) {
    const c = cols[j]!;
    for (let r = 0; r < rows; r++) m[r * width + j] = c[r]!;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Fills `into` with random ±1 entries: a sign test matrix sketches a range as well as a Gaussian
 * one for this purpose (Achlioptas 2003) and costs one random bit per entry.
 */
export function randomSigns(into: Float64Array, rand: () => number): void {
  for (let i = 0; i < into.length; i += 32) {
    const bits = (rand() * 4294967296) >>> 0;
    for (let b = 0; b < 32 && i + b < into.length; b++) into[i + b] = (bits >>> b) & 1 ? 1 : -1;
  }
}

/**
 * Eigenvalues (descending) and eigenvectors (columns of a row-major `size × size` matrix) of a
 * small symmetric matrix, by cyclic Jacobi rotations (Golub & Van Loan §8.5): slow in `size`, but
 * `size` is the sketch width here, never the catalog.
 */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < size; p++) {
      diag += a[p * size + p]! ** 2;
      for (let q = p + 1; q < size; q++) off += a[p * size + q]! ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (apq === 0) continue;
        const theta = (a[q * size + q]! - a[p * size + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((x, y) => a[y * size + y]! - a[x * size + x]! || x - y);
  const values = Float64Array.from(order, (i) => a[i * size + i]!);
  const vectors = new Float64Array(size * size);
  order.forEach((from, to) => {
    for (let k = 0; k < size; k++) vectors[k * size + to] = v[k * size + from]!;
  });
  return { values, vectors };
}

/**
 * The top `rank` singular values and right singular vectors of `a`. Deterministic for a seed.
 *
 * The row space is sketched as Z = aᵀ Ω with Ω a `rows × l` random sign matrix (no `cols × l` random matrix
 * is stored), sharpened by power iterations Z ← aᵀ (a Z), orthonormalising Z at every step (HMT
 * algorithm 4.4, on the column side, which is the narrow one for catalogs). Then Rayleigh–Ritz:
 * Y = a Z, Yᵀ Y = W Σ² Wᵀ (a small symmetric eigenproblem), V = Z W.
 */
export function truncatedSvd(a: SparseMatrix, options: TruncatedSvdOptions): TruncatedSvd {
  const oversample = options.oversample ?? DEFAULT_OVERSAMPLE;
  const iterations = options.powerIterations ?? DEFAULT_POWER_ITERATIONS;
  const width = Math.max(1, Math.min(options.rank + oversample, a.rows, a.cols));
  // Each pass over the rows is one share of the work: the sketch, each power iteration, the Gram matrix.
  const passes = iterations + 2;
  const onRow = (pass: number) => (r: number) => options.onProgress?.((pass + r / Math.max(1, a.rows)) / passes);
  let z = sketchRowSpace(a, width, options.seed, onRow(0));
  orthonormalizeColumns(z, a.cols, width);
  for (let i = 0; i < iterations; i++) {
    z = multiplyNormal(a, z, width, onRow(i + 1));
    orthonormalizeColumns(z, a.cols, width);
  }
  // Yᵀ Y for Y = a Z, one row of Y at a time.
  const gram = new Float64Array(width * width);
  const y = new Float64Array(width);
  const gramRow = onRow(passes - 1);
  for (let r = 0; r < a.rows; r++) {
    if ((r & 4095) === 0) gramRow(r);
    rowTimes(a, r, z, width, y);
    for (let i = 0; i < width; i++) {
      const yi = y[i]!;
      if (yi === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j]! += yi * y[j]!;
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i]!;
  const eigen = symmetricEigen(gram, width);
  const top = Math.sqrt(Math.max(eigen.values[0] ?? 0, 0));
  let rank = 0;
  while (rank < Math.min(options.rank, width) && top > 0 && Math.sqrt(Math.max(eigen.values[rank]!, 0)) > RANK_TOLERANCE * top) rank++;
  const values = new Float64Array(rank);
  for (let j = 0; j < rank; j++) values[j] = Math.sqrt(eigen.values[j]!);
  const right = new Float64Array(a.cols * rank);
  for (let c = 0; c < a.cols; c++) {
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let i = 0; i < width; i++) s += z[c * width + i]! * eigen.vectors[i * width + j]!;
      right[c * rank + j] = s;
    }
  }
  return { rank, values, right };
}
