/**
 * Forgetting for Beta-Bernoulli Thompson sampling (discounted TS, Raj and Kalyani 2017,
 * "Taming non-stationary bandits: a Bayesian approach", arXiv:1707.09727): at every impression each
 * arm's evidence (its counts beyond the prior) shrinks by a factor γ, so old clicks fade with a
 * half-life and an arm whose rate changed is explored again. γ = 1 is the stationary policy.
 */
import type { BetaArm } from './thompson.ts';

/** The flat prior the evidence fades towards by default. */
const FLAT: BetaArm = { alpha: 1, beta: 1 };

/** The per-impression factor γ that halves the evidence every `halfLife` impressions (Infinity: 1, no forgetting). */
export function decayFactor(halfLife: number): number {
  return Number.isFinite(halfLife) ? Math.pow(0.5, 1 / halfLife) : 1;
}

/** `arm` after one step of forgetting: prior + γ · (arm − prior) in each parameter. */
export function decayArm(arm: BetaArm, factor: number, prior: BetaArm = FLAT): BetaArm {
  return { alpha: prior.alpha + factor * (arm.alpha - prior.alpha), beta: prior.beta + factor * (arm.beta - prior.beta) };
}
