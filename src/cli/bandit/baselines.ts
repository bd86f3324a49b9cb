/**
 * Simulation baselines that Vitrine does not ship: UCB1 (Auer, Cesa-Bianchi and Fischer 2002),
 * ε-greedy and the fixed uniform A/B split. They keep plain counts per arm.
 */
import type { Uniform } from '../../shared/bandit/sampling.ts';

/** Impressions and clicks per arm. */
export interface ArmTally {
  shown: Float64Array;
  clicks: Float64Array;
}

export function createTally(arms: number): ArmTally {
  return { shown: new Float64Array(arms), clicks: new Float64Array(arms) };
}

export function recordClick(tally: ArmTally, arm: number, reward: number): void {
  tally.shown[arm]! += 1;
  tally.clicks[arm]! += reward;
}

/** The arm with the highest observed click rate (unseen arms count as 0; ties: lowest index). */
export function empiricalLeader(tally: ArmTally): number {
  let best = 0;
  let bestRate = -1;
  for (let a = 0; a < tally.shown.length; a++) {
    const rate = tally.shown[a]! > 0 ? tally.clicks[a]! / tally.shown[a]! : 0;
    if (rate > bestRate) {
      best = a;
      bestRate = rate;
    }
  }
  return best;
}

/** UCB1: every arm once, then the highest mean + sqrt(2 ln t / n). */
export function ucb1Choice(tally: ArmTally): number {
  let total = 0;
  for (let a = 0; a < tally.shown.length; a++) {
    if (tally.shown[a] === 0) return a;
    total += tally.shown[a]!;
  }
  const log = Math.log(total);
  let best = 0;
  let bestBound = -Infinity;
  for (let a = 0; a < tally.shown.length; a++) {
    const bound = tally.clicks[a]! / tally.shown[a]! + Math.sqrt((2 * log) / tally.shown[a]!);
    if (bound > bestBound) {
      best = a;
      bestBound = bound;
    }
  }
  return best;
}

/** ε-greedy: a uniformly random arm with probability ε, else the empirical leader. */
export function epsilonGreedyChoice(next: Uniform, tally: ArmTally, epsilon: number): number {
  return next() < epsilon ? Math.floor(next() * tally.shown.length) : empiricalLeader(tally);
}

/** The fixed uniform split: every arm equally likely, whatever happened. */
export function uniformChoice(next: Uniform, arms: number): number {
  return Math.floor(next() * arms);
}
