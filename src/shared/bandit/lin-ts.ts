/**
 * Linear Thompson sampling (Agrawal and Goyal 2013) over a small context vector: each arm keeps a
 * Bayesian linear model of its success rate, with precision matrix A = lambda·I + Σ x xᵀ (kept as
 * its inverse, updated by Sherman–Morrison in O(d²)) and b = Σ r x. TypeScript reference of the
 * wasm kernel.
 *
 * A choice needs only each arm's score xᵀθ for θ ~ N(A⁻¹b, v²A⁻¹), and that score is itself
 * normal: N(xᵀA⁻¹b, v²·xᵀA⁻¹x). Drawing it directly is exact and skips the d³ Cholesky factor.
 */
import { sampleNormal, type Uniform } from './sampling.ts';

/** The models of all arms, flat so the kernel can share the layout: arm a's inverse at `inverse[a·d·d ..]`, its b at `b[a·d ..]`. */
export interface LinTsState {
  arms: number;
  dims: number;
  /** Spread of the posterior draws (exploration strength). */
  scale: number;
  inverse: Float64Array;
  b: Float64Array;
}

/** Fresh models: A = lambda·I (so A⁻¹ = I / lambda), b = 0. */
export function createLinTs(arms: number, dims: number, { lambda = 1, scale = 0.25 } = {}): LinTsState {
  const inverse = new Float64Array(arms * dims * dims);
  for (let a = 0; a < arms; a++) for (let i = 0; i < dims; i++) inverse[a * dims * dims + i * dims + i] = 1 / lambda;
  return { arms, dims, scale, inverse, b: new Float64Array(arms * dims) };
}

/** Mean xᵀA⁻¹b and variance xᵀA⁻¹x of arm `arm`'s score for context `x`. */
export function scoreMoments(state: LinTsState, arm: number, x: ArrayLike<number>): { mean: number; variance: number } {
  const { dims, inverse, b } = state;
  const base = arm * dims * dims;
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < dims; i++) {
    let row = 0; // (A⁻¹x)_i; A⁻¹ is symmetric
    let rowB = 0; // (A⁻¹b)_i
    for (let j = 0; j < dims; j++) {
      const aij = inverse[base + i * dims + j]!;
      row += aij * x[j]!;
      rowB += aij * b[arm * dims + j]!;
    }
    variance += x[i]! * row;
    mean += x[i]! * rowB;
  }
  return { mean, variance: Math.max(variance, 0) };
}

/** One sampled score per arm, in arm order (one normal variate each). */
export function drawScores(next: Uniform, state: LinTsState, x: ArrayLike<number>): Float64Array {
  const scores = new Float64Array(state.arms);
  for (let a = 0; a < state.arms; a++) {
    const { mean, variance } = scoreMoments(state, a, x);
    scores[a] = mean + state.scale * Math.sqrt(variance) * sampleNormal(next);
  }
  return scores;
}

/** Posterior mean scores xᵀA⁻¹b per arm (what a greedy policy would pick by). */
export function meanScores(state: LinTsState, x: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: state.arms }, (_, a) => scoreMoments(state, a, x).mean);
}

/** Adds one observation (context x, reward r) to arm `arm`: Sherman–Morrison on A⁻¹, b += r·x. */
export function updateLinTs(state: LinTsState, arm: number, x: ArrayLike<number>, reward: number): void {
  const { dims, inverse, b } = state;
  const base = arm * dims * dims;
  const ax = new Float64Array(dims); // A⁻¹x
  for (let i = 0; i < dims; i++) {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += inverse[base + i * dims + j]! * x[j]!;
    ax[i] = sum;
  }
  let denominator = 1;
  for (let i = 0; i < dims; i++) denominator += x[i]! * ax[i]!;
  for (let i = 0; i < dims; i++) {
    for (let j = 0; j < dims; j++) inverse[base + i * dims + j] = inverse[base + i * dims + j]! - (ax[i]! * ax[j]!) / denominator;
    b[arm * dims + i] = b[arm * dims + i]! + reward * x[i]!;
  }
}
