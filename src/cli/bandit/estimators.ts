/**
 * Off-policy estimators of a target policy's click rate from a logged bandit file, each with a
 * percentile bootstrap 95% interval (rows resampled with replacement).
 *
 * - replay (Li et al. 2011, "Unbiased offline evaluation of contextual-bandit-based news article
 *   recommendation algorithms"): the policy picks at the logged position; rows where it picks the
 *   logged item are kept, their mean click is the estimate. Unbiased only when the logging policy
 *   was uniformly random (every item equally likely at every position).
 * - IPS: mean of w·click with w = π(item | position) / logged propensity. Unbiased when the
 *   propensities are right and π > 0 only where the logging policy could show the item.
 * - SNIPS: Σ w·click / Σ w; a little biased, far less variable when weights are large.
 * - DR (Dudík et al. 2011): a reward model's prediction for the whole of π, corrected by the IPS of
 *   its residuals; unbiased when either the propensities or the reward model are right.
 */
import type { Uniform } from '../../shared/bandit/sampling.ts';
import { probabilityOf, sampleItem, type ActionDistribution } from './action-distribution.ts';
import type { BanditLog } from './obd-log.ts';

/** A point estimate and its percentile bootstrap 95% interval. */
export interface Estimate {
  ctr: number;
  ci95: [number, number];
}

/** Pseudo-impressions of the position's mean click rate added to every (item, position) cell of the reward model. */
export const REWARD_MODEL_PRIOR_IMPRESSIONS = 100;

/** The 2.5% and 97.5% quantiles (linear interpolation between order statistics). */
export function percentileInterval(values: readonly number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
  };
  return [at(0.025), at(0.975)];
}

/** `count` row indices drawn with replacement; `rows` of length n. */
export function resample(next: Uniform, n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = Math.floor(next() * n);
  return rows;
}

/**
 * The reward model of DR: click rate per (item, position) on `rows`, shrunk towards its position's
 * mean click rate by REWARD_MODEL_PRIOR_IMPRESSIONS pseudo-impressions (cells seen a few times
 * otherwise predict 0 or 1).
 */
export function fitRewardModel(log: BanditLog, rows: ArrayLike<number>, items: number, slots: number): Float64Array {
  const shown = new Float64Array(items * slots);
  const clicks = new Float64Array(items * slots);
  const positionShown = new Float64Array(slots);
  const positionClicks = new Float64Array(slots);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const cell = log.item[r]! * slots + log.position[r]!;
    shown[cell]! += 1;
    clicks[cell]! += log.click[r]!;
    positionShown[log.position[r]!]! += 1;
    positionClicks[log.position[r]!]! += log.click[r]!;
  }
  const model = new Float64Array(items * slots);
  for (let item = 0; item < items; item++) {
    for (let p = 0; p < slots; p++) {
      const mean = positionShown[p]! > 0 ? positionClicks[p]! / positionShown[p]! : 0;
      const cell = item * slots + p;
      model[cell] = (clicks[cell]! + REWARD_MODEL_PRIOR_IMPRESSIONS * mean) / (shown[cell]! + REWARD_MODEL_PRIOR_IMPRESSIONS);
    }
  }
  return model;
}

/** Per-row quantities of a fixed policy that do not change between bootstrap resamples. */
export interface FixedPolicyRows {
  /** Importance weight π(item | position) / propensity. */
  weight: Float64Array;
  /** Replay: how many of the policy's draws at the row's position picked the logged item. */
  matches: Float64Array;
}

/**
 * Weights, and the replay matches over `passes` independent passes (each pass draws the policy's
 * item at every row's logged position once; pooling passes averages out the policy's own randomness).
 */
export function fixedPolicyRows(log: BanditLog, dist: ActionDistribution, next: Uniform, passes: number): FixedPolicyRows {
  const weight = new Float64Array(log.n);
  const matches = new Float64Array(log.n);
  for (let r = 0; r < log.n; r++) {
    weight[r] = probabilityOf(dist, log.item[r]!, log.position[r]!) / log.propensity[r]!;
    for (let pass = 0; pass < passes; pass++) if (sampleItem(dist, log.position[r]!, next()) === log.item[r]) matches[r]! += 1;
  }
  return { weight, matches };
}

/** The four point estimates on the rows `rows` (indices into the log, repeats allowed). */
export function fixedPolicyEstimates(log: BanditLog, dist: ActionDistribution, per: FixedPolicyRows, rows: ArrayLike<number>) {
  const model = fitRewardModel(log, rows, dist.items, dist.slots);
  // DM part of DR: the model's expected click under π at each position.
  const direct = new Float64Array(dist.slots);
  for (let p = 0; p < dist.slots; p++)
    for (let item = 0; item < dist.items; item++) direct[p]! += probabilityOf(dist, item, p) * model[item * dist.slots + p]!;
  let ips = 0;
  let weights = 0;
  let dr = 0;
  let matched = 0;
  let matchedClicks = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const w = per.weight[r]!;
    const click = log.click[r]!;
    ips += w * click;
    weights += w;
    dr += direct[log.position[r]!]! + w * (click - model[log.item[r]! * dist.slots + log.position[r]!]!);
    matched += per.matches[r]!;
    matchedClicks += per.matches[r]! * click;
  }
  const n = rows.length;
  return {
    replay: matched > 0 ? matchedClicks / matched : Number.NaN,
    ips: ips / n,
    snips: weights > 0 ? ips / weights : Number.NaN,
    dr: dr / n,
    matched,
  };
}

export type FixedEstimatorName = 'replay' | 'ips' | 'snips' | 'dr';
export const FIXED_ESTIMATORS: readonly FixedEstimatorName[] = ['replay', 'ips', 'snips', 'dr'];

/** All four estimates of a fixed policy with bootstrap intervals (`bootstrap` resamples). */
export function estimateFixedPolicy(
  log: BanditLog,
  dist: ActionDistribution,
  { next, passes, bootstrap }: { next: Uniform; passes: number; bootstrap: number },
): { estimates: Record<FixedEstimatorName, Estimate>; replayMatches: number; maxWeight: number } {
  const per = fixedPolicyRows(log, dist, next, passes);
  const all = Int32Array.from({ length: log.n }, (_, i) => i);
  const point = fixedPolicyEstimates(log, dist, per, all);
  const samples: Record<FixedEstimatorName, number[]> = { replay: [], ips: [], snips: [], dr: [] };
  for (let b = 0; b < bootstrap; b++) {
    const estimates = fixedPolicyEstimates(log, dist, per, resample(next, log.n));
    for (const name of FIXED_ESTIMATORS) if (!Number.isNaN(estimates[name])) samples[name].push(estimates[name]);
  }
  const estimates = Object.fromEntries(
    FIXED_ESTIMATORS.map((name) => [
      name,
      { ctr: point[name], ci95: samples[name].length > 0 ? percentileInterval(samples[name]) : [Number.NaN, Number.NaN] },
    ]),
  ) as Record<FixedEstimatorName, Estimate>;
  return { estimates, replayMatches: point.matched / passes, maxWeight: Math.max(...per.weight) };
}
