/**
 * What leaves the device for bandits, and what comes back: arm-level counts (never a product id,
 * an event or an identifier) and the priors file folded from them. The worker, the reference
 * receiver and `vitrine bandit fold` all read these shapes from here.
 */

/** Context-free segment: every visitor. Contextual segments are short names like `'returning-mobile'`. */
export const ALL_VISITORS = 'all';

/** One arm's tally from one visitor's device since its last report. */
export interface ArmCount {
  experiment: string;
  arm: string;
  segment: string;
  /** Viewable impressions of the arm (each counted once per session). */
  trials: number;
  /**
   * Successes among them (each counted once per session). With randomised response every trial's
   * success bit was flipped with probability 1 / (1 + e^epsilon) before counting.
   */
  successes: number;
}

/** The body the worker posts (`sendBeacon`, JSON). `epsilon` is present when randomised response was applied. */
export interface ArmCountBatch {
  v: 1;
  counts: ArmCount[];
  epsilon?: number;
}

/** One line of the receiver's append-only JSONL file: a count, when it arrived (ISO 8601), its epsilon if any. */
export interface ReceivedCount extends ArmCount {
  receivedAt: string;
  epsilon?: number;
}

/** Beta prior of one arm's success rate. */
export interface ArmPrior {
  alpha: number;
  beta: number;
}

/**
 * The priors file (`data-bandit-priors`, written by `vitrine bandit fold`): experiment → segment →
 * arm → prior. Segment `'all'` is the context-free prior every visitor starts from.
 */
export interface PriorsFile {
  version: 1;
  /** ISO 8601 time of the fold that wrote it; the next fold decays from here. */
  updatedAt: string;
  experiments: Record<string, Record<string, Record<string, ArmPrior>>>;
}

/** Probability that randomised response flips a bit at privacy level epsilon. */
export function flipProbability(epsilon: number): number {
  return 1 / (1 + Math.exp(epsilon));
}

/**
 * Unbiased estimate of the true successes behind `observed` randomised successes out of `trials`:
 * E[observed] = s(1 - q) + (trials - s)q, solved for s, clamped to [0, trials].
 */
export function debiasSuccesses(observed: number, trials: number, epsilon: number): number {
  const q = flipProbability(epsilon);
  const estimate = (observed - trials * q) / (1 - 2 * q);
  return Math.min(trials, Math.max(0, estimate));
}
