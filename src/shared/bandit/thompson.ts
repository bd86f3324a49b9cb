/**
 * Beta-Bernoulli Thompson sampling, for one arm or a slate of k positions (a multi-slot carousel):
 * every arm draws a click rate from its posterior Beta(alpha, beta), arms are ranked by their
 * draws, the top k fill the positions. TypeScript reference of the wasm kernel.
 *
 * At most one position per slate is exploration: an arm that is not among the k best by posterior
 * mean but won a position by the luck of its draw. Further lucky arms give their position to the
 * best-by-mean arms not shown yet, so a list never turns into a lottery, and the one explored
 * position can be marked honestly ("We're trying something new here").
 */
import { sampleBeta, type Uniform } from './sampling.ts';

/** Posterior of one arm's success rate: Beta(alpha, beta), both > 0 (alpha - 1 successes, beta - 1 failures on a flat prior). */
export interface BetaArm {
  alpha: number;
  beta: number;
}

/** One filled position: the arm's index and whether it is the exploration position. */
export interface SlatePick {
  arm: number;
  explore: boolean;
}

/** One Beta draw per arm, in arm order (the draws consume the uniform source in that order). */
export function drawRates(next: Uniform, arms: readonly BetaArm[]): Float64Array {
  const draws = new Float64Array(arms.length);
  for (let i = 0; i < arms.length; i++) draws[i] = sampleBeta(next, arms[i]!.alpha, arms[i]!.beta);
  return draws;
}

/** Arm indices by descending value; ties keep the lower index first (deterministic). */
export function rankByValue(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  return order.sort((a, b) => values[b]! - values[a]! || a - b);
}

/** Posterior means alpha / (alpha + beta). */
export function posteriorMeans(arms: readonly BetaArm[]): Float64Array {
  return Float64Array.from(arms, ({ alpha, beta }) => alpha / (alpha + beta));
}

/**
 * Thompson sampling for `k` positions (k is capped at the number of arms). The positions are in
 * draw order; at most one of them is marked `explore` (see the module comment).
 */
export function thompsonSlate(next: Uniform, arms: readonly BetaArm[], k = 1): SlatePick[] {
  return slateFromDraws(drawRates(next, arms), posteriorMeans(arms), k);
}

/**
 * The slate filled from one sampled value per arm and the arms' posterior means: shared by Beta
 * Thompson sampling (reference and wasm) and linear Thompson sampling (sampled and mean scores).
 */
export function slateFromDraws(draws: ArrayLike<number>, means: ArrayLike<number>, k = 1): SlatePick[] {
  const slots = Math.min(k, draws.length);
  const byDraw = rankByValue(draws);
  const byMean = rankByValue(means);
  const expected = new Set(byMean.slice(0, slots));
  const picks: SlatePick[] = [];
  const taken = new Set<number>();
  let explored = false;
  for (const arm of byDraw) {
    if (picks.length == slots) break;
    const explore = !expected.has(arm);
    if (explore && explored) continue;
    explored ||= explore;
    picks.push({ arm, explore });
    taken.add(arm);
  }
  // Positions given up by surplus lucky arms go to the best-by-mean arms not shown yet.
  for (const arm of byMean) {
    if (picks.length == slots) break;
    if (taken.has(arm)) continue;
    picks.push({ arm, explore: false });
    taken.add(arm);
  }
  return picks;
}
