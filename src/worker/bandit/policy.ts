/**
 * The policies the experiments engine calls, in one place, run by the bandit kernels (wasm where the
 * browser allows it, else the TypeScript reference; both give the same choices on the same seed).
 */
import { slateFromDraws, type BetaArm, type SlatePick } from '../../shared/bandit/thompson.ts';
import { createLinTs, type LinTsState } from '../../shared/bandit/lin-ts.ts';
import type { BanditKernels } from '../../shared/bandit/kernels.ts';
import type { SeededRandom } from '../../shared/random.ts';

export type { BetaArm, SlatePick, LinTsState };

/** Beta-Bernoulli Thompson sampling for `k` positions, at most one of them exploration. */
export function chooseThompson(kernels: BanditKernels, rng: SeededRandom, arms: readonly BetaArm[], k: number): SlatePick[] {
  return kernels.thompsonSlate(rng, arms, k);
}

/**
 * Linear Thompson sampling for `k` positions, with the slate rule of `thompsonSlate`: positions by
 * sampled score, at most one arm outside the k best by mean score (the exploration position),
 * further lucky arms give their position to the best-by-mean arms not shown yet.
 */
export function chooseLinTs(kernels: BanditKernels, rng: SeededRandom, state: LinTsState, x: ArrayLike<number>, k: number): SlatePick[] {
  return slateFromDraws(kernels.drawScores(rng, state, x), kernels.meanScores(state, x), k);
}

/**
 * Fresh linear models, each centred on its arm's prior mean: with A = lambda·I, b = lambda·mean·e₀
 * makes the posterior mean θ = mean on the intercept and 0 elsewhere.
 */
export function linTsFromPriors(priorMeans: readonly number[], dims: number, lambda: number): LinTsState {
  const state = createLinTs(priorMeans.length, dims, { lambda });
  priorMeans.forEach((mean, arm) => (state.b[arm * dims] = lambda * mean));
  return state;
}
