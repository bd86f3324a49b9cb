/**
 * What a fixed (non-learning) target policy would show, as π(item | position): a row-major
 * `items × slots` table. Off-policy estimators weigh each logged row by π(logged item | logged
 * position) over the logging policy's propensity.
 */
import { drawRates, rankByValue, type BetaArm } from '../../shared/bandit/thompson.ts';
import type { Uniform } from '../../shared/bandit/sampling.ts';

/** π(item | position), `at(item, position)` reads `probabilities[item * slots + position]`. */
export interface ActionDistribution {
  items: number;
  slots: number;
  probabilities: Float64Array;
}

export function probabilityOf(dist: ActionDistribution, item: number, position: number): number {
  return dist.probabilities[item * dist.slots + position]!;
}

/** Every item equally likely at every position. */
export function uniformDistribution(items: number, slots: number): ActionDistribution {
  return { items, slots, probabilities: new Float64Array(items * slots).fill(1 / items) };
}

/**
 * The action distribution of Bernoulli Thompson sampling with fixed Beta posteriors (the shop's
 * BTS policy in the Open Bandit Dataset), by simulating it: each ranking draws every item's rate
 * with `drawRates` (the reference sampler the worker runs) and the `slots` highest draws fill the
 * positions in order. Frequencies over `rankings` draws estimate π(item | position).
 *
 * This is plain top-k Thompson sampling, as the logged shop policy ran; `thompsonSlate`'s cap of one
 * exploration position per slate is Vitrine's own rule and is not applied here.
 */
export function thompsonDistribution(next: Uniform, arms: readonly BetaArm[], slots: number, rankings: number): ActionDistribution {
  const items = arms.length;
  const counts = new Float64Array(items * slots);
  for (let r = 0; r < rankings; r++) {
    const order = rankByValue(drawRates(next, arms));
    for (let position = 0; position < slots && position < items; position++) counts[order[position]! * slots + position]! += 1;
  }
  for (let i = 0; i < counts.length; i++) counts[i] = counts[i]! / rankings;
  return { items, slots, probabilities: counts };
}

/** One item drawn from π(· | position) with a uniform `u` (inverse of the cumulative distribution). */
export function sampleItem(dist: ActionDistribution, position: number, u: number): number {
  let cumulative = 0;
  for (let item = 0; item < dist.items; item++) {
    cumulative += dist.probabilities[item * dist.slots + position]!;
    if (u < cumulative) return item;
  }
  return dist.items - 1; // rounding: the cumulative sum ends a hair below 1
}
