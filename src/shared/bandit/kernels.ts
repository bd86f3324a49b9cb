/**
 * The bandit kernels' contract, and its TypeScript implementation (the reference functions of
 * thompson.ts and lin-ts.ts behind the same checks). The wasm implementation (wasm-kernels.ts)
 * gives the same arms and the same draws up to the tolerance stated in docs/bandits.md ("Kernels"),
 * so a caller swaps one for the other without other changes.
 *
 * Every function takes the generator itself (`seededRandom(seed)`), not a bare uniform: the wasm
 * kernels continue its sequence from `rng.state` and write the advanced state back, so mixing the
 * implementations, or the kernels with direct calls to `rng.next`, keeps one sequence.
 */
import { VitrineError } from '../errors.ts';
import type { KernelImpl } from '../kernels/types.ts';
import type { SeededRandom } from '../random.ts';
import { drawScores, meanScores, updateLinTs, type LinTsState } from './lin-ts.ts';
import { drawRates, thompsonSlate, type BetaArm, type SlatePick } from './thompson.ts';

export interface BanditKernels {
  readonly impl: KernelImpl;
  /** Beta-Bernoulli Thompson sampling for `k` positions (see `thompsonSlate` in thompson.ts). */
  thompsonSlate(rng: SeededRandom, arms: readonly BetaArm[], k?: number): SlatePick[];
  /** One Beta draw per arm, in arm order. */
  drawRates(rng: SeededRandom, arms: readonly BetaArm[]): Float64Array;
  /** Linear TS: one sampled score per arm for context `x` (length `state.dims`), in arm order. */
  drawScores(rng: SeededRandom, state: LinTsState, x: ArrayLike<number>): Float64Array;
  /** Posterior mean scores xᵀA⁻¹b per arm. */
  meanScores(state: LinTsState, x: ArrayLike<number>): Float64Array;
  /** Adds one observation to arm `arm`, in place (Sherman–Morrison on `state.inverse`, `state.b += reward·x`). */
  updateLinTs(state: LinTsState, arm: number, x: ArrayLike<number>, reward: number): void;
}

function fail(message: string, details: Record<string, string | number> = {}): never {
  throw new VitrineError('INVALID_REQUEST', message, details);
}

const isCount = (value: number): boolean => Number.isInteger(value) && value >= 0;

/** Alphas and betas must be finite and > 0 (a NaN shape would never leave the gamma sampler's loop). */
export function checkArms(arms: readonly BetaArm[], k = 1): void {
  if (!isCount(k)) fail('slate size must be a whole number >= 0', { k });
  arms.forEach(({ alpha, beta }, arm) => {
    if (!(alpha > 0 && beta > 0 && alpha < Infinity && beta < Infinity)) fail('arm posterior needs finite alpha > 0 and beta > 0', { arm });
  });
}

/** The state's arrays must fit its shape, and `x` must be `dims` finite numbers. */
export function checkLinTs(state: LinTsState, x: ArrayLike<number>): void {
  const { arms, dims, scale, inverse, b } = state;
  if (!isCount(arms) || !isCount(dims)) fail('linear TS state needs whole arms and dims', { arms, dims });
  if (inverse.length !== arms * dims * dims || b.length !== arms * dims)
    fail('linear TS state arrays do not match arms x dims', { arms, dims });
  if (!Number.isFinite(scale)) fail('linear TS scale must be finite');
  if (x.length !== dims) fail('context length differs from the model dims', { length: x.length, dims });
  for (let i = 0; i < dims; i++) if (!Number.isFinite(x[i])) fail('context values must be finite', { index: i });
}

export function checkUpdate(state: LinTsState, arm: number, x: ArrayLike<number>, reward: number): void {
  checkLinTs(state, x);
  if (!isCount(arm) || arm >= state.arms) fail('no such arm', { arm, arms: state.arms });
  if (!Number.isFinite(reward)) fail('reward must be finite');
}

/** The TypeScript reference behind the kernel contract. */
export function createReferenceBanditKernels(): BanditKernels {
  return {
    impl: 'js',
    thompsonSlate(rng, arms, k = 1) {
      checkArms(arms, k);
      return thompsonSlate(rng.next, arms, k);
    },
    drawRates(rng, arms) {
      checkArms(arms);
      return drawRates(rng.next, arms);
    },
    drawScores(rng, state, x) {
      checkLinTs(state, x);
      return drawScores(rng.next, state, x);
    },
    meanScores(state, x) {
      checkLinTs(state, x);
      return meanScores(state, x);
    },
    updateLinTs(state, arm, x, reward) {
      checkUpdate(state, arm, x, reward);
      updateLinTs(state, arm, x, reward);
    },
  };
}
