/**
 * Product quantisation of the item vectors (Jégou, Douze & Schmid, "Product quantization for nearest
 * neighbor search", TPAMI 2011): the dimensions split into `subspaces` equal runs, each run of each
 * row replaced by the nearest of 256 k-means centroids, so a row costs one byte per subspace.
 *
 * Before that the rows are rotated onto their principal axes and the axes dealt out so each
 * subspace holds about the same share of the variance (Ge, He, Ke & Sun, "Optimized product
 * quantization", CVPR 2013, the non-parametric eigenvalue allocation). The bundle keeps the rotated
 * rows and never the rotation: every query the engine scores is a weighted sum of bundle rows and
 * every score a dot product between them, which an orthogonal rotation leaves unchanged.
 */
import { PQ_CENTROIDS } from '../../shared/bundle/format.ts';
import type { PqMatrix } from '../../shared/bundle/types.ts';
import { mulberry32 } from '../../shared/random.ts';
import { symmetricEigen } from './truncated-svd.ts';

export interface PqOptions {
  subspaces: number;
  /** Rotate onto balanced principal axes first (default true). */
  rotate?: boolean;
  /** Seed of the sample and the centroid start (same seed, same bytes). */
  seed?: number;
  /** Rows the rotation and the centroids are fitted on (default 16384; all rows when fewer). */
  sampleRows?: number;
  /** Lloyd iterations per subspace (default 12). */
  iterations?: number;
}

/** Rows fitted on by default: 64 per centroid, plenty for 256 centroids of a few dimensions. */
export const DEFAULT_PQ_SAMPLE = 16_384;

/** `count` distinct row numbers of `rows`, seeded (all of them, shuffled, when count >= rows). */
export function sampleRows(rows: number, count: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  const take = Math.min(count, rows);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rand() * (rows - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.subarray(0, take);
}

/**
 * An orthogonal `dim × dim` rotation (row-major; rotated x = x · R) onto the sample's principal axes,
 * the axes reordered so that subspace m gets columns m·w .. m·w + w - 1 and the subspaces' products
 * of variances are as equal as a greedy deal makes them (largest variance first, each to the open
 * subspace with the smallest log-variance sum so far).
 */
export function balancedRotation(data: Float32Array, dim: number, sample: Int32Array, subspaces: number): Float64Array {
  const mean = new Float64Array(dim);
  for (const r of sample) for (let j = 0; j < dim; j++) mean[j]! += data[r * dim + j]! / sample.length;
  const cov = new Float64Array(dim * dim);
  const x = new Float64Array(dim);
  for (const r of sample) {
    for (let j = 0; j < dim; j++) x[j] = data[r * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) cov[a * dim + b]! += x[a]! * x[b]!;
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  const { values, vectors } = symmetricEigen(cov, dim);
  const width = dim / subspaces;
  const filled = new Int32Array(subspaces);
  const logSum = new Float64Array(subspaces);
  const column = new Int32Array(dim);
  for (let axis = 0; axis < dim; axis++) {
    let best = -1;
    for (let m = 0; m < subspaces; m++) if (filled[m]! < width && (best < 0 || logSum[m]! < logSum[best]!)) best = m;
    column[axis] = best * width + filled[best]!++;
    logSum[best]! += Math.log(Math.max(values[axis]!, 1e-12));
  }
  const rotation = new Float64Array(dim * dim);
  for (let axis = 0; axis < dim; axis++) for (let k = 0; k < dim; k++) rotation[k * dim + column[axis]!] = vectors[k * dim + axis]!;
  return rotation;
}

/** `data · rotation`, row by row (float32 out, float64 sums). */
export function rotateRows(data: Float32Array, rows: number, dim: number, rotation: Float64Array): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < dim; k++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += data[r * dim + j]! * rotation[j * dim + k]!;
      out[r * dim + k] = sum;
    }
  }
  return out;
}

/** Index of the centroid nearest `x[at .. at + width)` among `count` centroids of `centroids`. */
function nearest(x: Float32Array, at: number, centroids: Float32Array, norms: Float32Array, count: number, width: number): number {
  // |x - c|² = |c|² - 2 x·c + |x|², and |x|² is the same for every c.
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < count; c++) {
    let dot = 0;
    for (let j = 0; j < width; j++) dot += x[at + j]! * centroids[c * width + j]!;
    const distance = norms[c]! - 2 * dot;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return best;
}

function centroidNorms(centroids: Float32Array, count: number, width: number, into: Float32Array): void {
  for (let c = 0; c < count; c++) {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += centroids[c * width + j]! ** 2;
    into[c] = sum;
  }
}

/**
 * Lloyd's k-means on the sample's run `[offset, offset + width)`: starts from distinct sample rows,
 * an emptied centroid restarts on the row farthest from its centroid. Returns `count` centroids.
 */
function kMeans(x: Float32Array, dim: number, sample: Int32Array, offset: number, width: number, count: number, iterations: number) {
  const centroids = new Float32Array(count * width);
  for (let c = 0; c < count; c++) for (let j = 0; j < width; j++) centroids[c * width + j] = x[sample[c]! * dim + offset + j]!;
  const norms = new Float32Array(count);
  const sums = new Float64Array(count * width);
  const sizes = new Int32Array(count);
  for (let it = 0; it < iterations; it++) {
    centroidNorms(centroids, count, width, norms);
    sums.fill(0);
    sizes.fill(0);
    let farthest = sample[0]!;
    let farthestDistance = -1;
    for (const r of sample) {
      const c = nearest(x, r * dim + offset, centroids, norms, count, width);
      sizes[c]!++;
      let distance = 0;
      for (let j = 0; j < width; j++) {
        const v = x[r * dim + offset + j]!;
        sums[c * width + j]! += v;
        distance += (v - centroids[c * width + j]!) ** 2;
      }
      if (distance > farthestDistance) {
        farthestDistance = distance;
        farthest = r;
      }
    }
    for (let c = 0; c < count; c++) {
      for (let j = 0; j < width; j++) {
        centroids[c * width + j] = sizes[c]! > 0 ? sums[c * width + j]! / sizes[c]! : x[farthest * dim + offset + j]!;
      }
    }
  }
  return centroids;
}

/**
 * Product-quantises `data` (rows × dim, row-major): returns the codes and codebook of the rotated
 * rows, as the bundle stores them, and the rotated rows themselves (the exact rows in the space
 * the codes live in). A sample of fewer than 256 rows fits as many centroids as rows (the other
 * codebook entries stay zero and are never used).
 */
export function productQuantize(
  data: Float32Array,
  rows: number,
  dim: number,
  options: PqOptions,
): { matrix: PqMatrix; rotated: Float32Array } {
  const { subspaces, rotate = true, seed = 1, iterations = 12 } = options;
  if (!Number.isInteger(subspaces) || subspaces < 1 || dim % subspaces !== 0)
    throw new RangeError(`subspaces ${subspaces} must divide dim ${dim}`);
  const width = dim / subspaces;
  const sample = sampleRows(rows, options.sampleRows ?? DEFAULT_PQ_SAMPLE, seed);
  const x = rotate && rows > 1 ? rotateRows(data, rows, dim, balancedRotation(data, dim, sample, subspaces)) : data;
  const count = Math.min(PQ_CENTROIDS, sample.length);
  const codebook = new Float32Array(PQ_CENTROIDS * dim);
  const codes = new Uint8Array(rows * subspaces);
  const norms = new Float32Array(count);
  for (let m = 0; m < subspaces; m++) {
    const centroids = kMeans(x, dim, sample, m * width, width, count, iterations);
    codebook.set(centroids, m * PQ_CENTROIDS * width);
    centroidNorms(centroids, count, width, norms);
    for (let r = 0; r < rows; r++) codes[r * subspaces + m] = nearest(x, r * dim + m * width, centroids, norms, count, width);
  }
  return { matrix: { dtype: 'pq', rows, dim, subspaces, codebook, codes }, rotated: x };
}
