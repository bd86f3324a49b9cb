/**
 * `vitrine bandit simulate` without the command line: a known world of click rates, the same
 * traffic for every policy, and what each policy costs (regret), where its traffic goes and how
 * soon it names the best arm.
 *
 * The world: arm 0 is best (20%), arm 1 close behind (19%), then a long tail: arm a ≥ 2 has
 * 12% · 0.85^(a−2) (a few decent variants, many poor ones). Halfway through, the middle arm
 * (`changingArm`) jumps to 26% and becomes the best. With `context`, visitors come in four
 * segments (device mobile/desktop × new/returning, in shares 40/30/20/10%); each segment sees the
 * profile rotated by a quarter of the arms, so each has its own winner, and the change happens in
 * the first segment only.
 */
import { decayArm, decayFactor } from '../../shared/bandit/decay.ts';
import { createLinTs, drawScores, meanScores, updateLinTs } from '../../shared/bandit/lin-ts.ts';
import type { Uniform } from '../../shared/bandit/sampling.ts';
import { posteriorMeans, rankByValue, thompsonSlate, type BetaArm } from '../../shared/bandit/thompson.ts';
import { mulberry32 } from '../../shared/random.ts';
import { createTally, empiricalLeader, epsilonGreedyChoice, recordClick, ucb1Choice, uniformChoice } from './baselines.ts';

export const SIM_POLICIES = ['ts', 'lin-ts', 'ucb1', 'epsilon-greedy', 'uniform'] as const;
export type SimPolicyName = (typeof SIM_POLICIES)[number];

/** The segments of `context` mode and their shares of the traffic. */
export const SEGMENTS = [
  { name: 'mobile-new', share: 0.4 },
  { name: 'mobile-returning', share: 0.3 },
  { name: 'desktop-new', share: 0.2 },
  { name: 'desktop-returning', share: 0.1 },
] as const;

/** The best arm's rate, its close rival's, and the changing arm's rate after the change. */
const BEST_RATE = 0.2;
const CLOSE_RATE = 0.19;
const CHANGED_RATE = 0.26;
/** The long tail: arm a ≥ 2 has TAIL_RATE · TAIL_RATIO^(a−2). */
const TAIL_RATE = 0.12;
const TAIL_RATIO = 0.85;

export interface World {
  arms: number;
  horizon: number;
  context: boolean;
  /** Rates before the change: `before[segment][arm]` (one segment without context). */
  before: Float64Array[];
  after: Float64Array[];
  changingArm: number;
  changeAt: number;
}

/** The base profile: arm 0 best, arm 1 close, then the tail. */
function baseRates(arms: number): Float64Array {
  const rates = new Float64Array(arms);
  for (let a = 0; a < arms; a++) rates[a] = a === 0 ? BEST_RATE : a === 1 ? CLOSE_RATE : TAIL_RATE * Math.pow(TAIL_RATIO, a - 2);
  return rates;
}

export function createWorld(arms: number, horizon: number, context: boolean): World {
  const base = baseRates(arms);
  const segments = context ? SEGMENTS.length : 1;
  const shift = Math.max(1, Math.floor(arms / SEGMENTS.length));
  const before = Array.from({ length: segments }, (_, s) =>
    Float64Array.from({ length: arms }, (_, a) => base[(a - s * shift + arms * 4) % arms]!),
  );
  const changingArm = Math.floor(arms / 2) + (context ? 1 : 0);
  const after = before.map((rates, s) => {
    const copy = Float64Array.from(rates);
    if (s === 0) copy[changingArm] = CHANGED_RATE;
    return copy;
  });
  return { arms, horizon, context, before, after, changingArm, changeAt: Math.floor(horizon / 2) };
}

/** The best arm of each segment, before or after the change. */
export function bestArms(world: World, afterChange: boolean): number[] {
  return (afterChange ? world.after : world.before).map((rates) => rankByValue(rates)[0]!);
}

/** The context vector of a segment: intercept + one-hot of the segment (just the intercept without context). */
export function contextVector(world: World, segment: number): Float64Array {
  const x = new Float64Array(world.context ? 1 + SEGMENTS.length : 1);
  x[0] = 1;
  if (world.context) x[1 + segment] = 1;
  return x;
}

/** One visitor stream: its segments and the uniforms that decide clicks (shared by every policy). */
export interface Traffic {
  segment: Uint8Array;
  clickDraw: Float64Array;
}

export function createTraffic(world: World, seed: number): Traffic {
  const next = mulberry32(seed);
  const segment = new Uint8Array(world.horizon);
  const clickDraw = new Float64Array(world.horizon);
  for (let t = 0; t < world.horizon; t++) {
    if (world.context) {
      let u = next();
      let s = 0;
      while (s < SEGMENTS.length - 1 && u >= SEGMENTS[s]!.share) u -= SEGMENTS[s++]!.share;
      segment[t] = s;
    }
    clickDraw[t] = next();
  }
  return { segment, clickDraw };
}

/** A policy in the simulation: picks an arm for a visitor, learns the click, names its best arm per segment. */
interface SimPolicy {
  choose(next: Uniform, segment: number): number;
  learn(arm: number, segment: number, reward: number): void;
  leaders(): number[];
}

export interface SimOptions {
  /** Half-life in impressions of Thompson sampling's forgetting (Infinity: stationary posterior). */
  halfLife: number;
  /** ε of ε-greedy. */
  epsilon: number;
}

function createPolicy(name: SimPolicyName, world: World, options: SimOptions): SimPolicy {
  const segments = world.before.length;
  const arms = world.arms;
  const everySegment = (arm: number) => Array.from({ length: segments }, () => arm);
  switch (name) {
    case 'ts': {
      // The worker's policy: thompsonSlate with one position, with forgetting by decayArm.
      let posterior: BetaArm[] = Array.from({ length: arms }, () => ({ alpha: 1, beta: 1 }));
      const factor = decayFactor(options.halfLife);
      return {
        choose: (next) => thompsonSlate(next, posterior, 1)[0]!.arm,
        learn(arm, _segment, reward) {
          if (factor < 1) posterior = posterior.map((a) => decayArm(a, factor));
          posterior[arm]!.alpha += reward;
          posterior[arm]!.beta += 1 - reward;
        },
        leaders: () => everySegment(rankByValue(posteriorMeans(posterior))[0]!),
      };
    }
    case 'lin-ts': {
      const state = createLinTs(arms, contextVector(world, 0).length);
      const contexts = Array.from({ length: segments }, (_, s) => contextVector(world, s));
      return {
        choose: (next, segment) => rankByValue(drawScores(next, state, contexts[segment]!))[0]!,
        learn: (arm, segment, reward) => updateLinTs(state, arm, contexts[segment]!, reward),
        leaders: () => contexts.map((x) => rankByValue(meanScores(state, x))[0]!),
      };
    }
    default: {
      const tally = createTally(arms);
      const choose: SimPolicy['choose'] =
        name === 'ucb1'
          ? () => ucb1Choice(tally)
          : name === 'epsilon-greedy'
            ? (next) => epsilonGreedyChoice(next, tally, options.epsilon)
            : (next) => uniformChoice(next, arms);
      return {
        choose,
        learn: (arm, _segment, reward) => recordClick(tally, arm, reward),
        leaders: () => everySegment(empiricalLeader(tally)),
      };
    }
  }
}

/** Checkpoints per phase (before and after the change) at which the policies' leaders are read. */
export const CHECKPOINTS_PER_PHASE = 50;
/** Tenths of the horizon for the traffic share. */
const SHARE_BINS = 10;

/** One policy on one traffic stream. */
export interface RunTrace {
  regret: number;
  /** Share of each tenth of the horizon shown the best arm of its visitor's segment at the time. */
  shares: number[];
  /** Per checkpoint (phase 1 then phase 2): did the policy name every segment's current best arm? */
  identified: boolean[];
}

export function runPolicy(name: SimPolicyName, world: World, traffic: Traffic, seed: number, options: SimOptions): RunTrace {
  const policy = createPolicy(name, world, options);
  const next = mulberry32(seed);
  const bin = world.horizon / SHARE_BINS;
  const shown = new Array<number>(SHARE_BINS).fill(0);
  const onBest = new Array<number>(SHARE_BINS).fill(0);
  const checkpoint = world.changeAt / CHECKPOINTS_PER_PHASE;
  const identified: boolean[] = [];
  const best = [bestArms(world, false), bestArms(world, true)];
  let regret = 0;
  for (let t = 0; t < world.horizon; t++) {
    const changed = t >= world.changeAt;
    const segment = traffic.segment[t]!;
    const rates = (changed ? world.after : world.before)[segment]!;
    const bestArm = best[changed ? 1 : 0]![segment]!;
    const arm = policy.choose(next, segment);
    regret += rates[bestArm]! - rates[arm]!;
    const b = Math.min(SHARE_BINS - 1, Math.floor(t / bin));
    shown[b]! += 1;
    if (arm === bestArm) onBest[b]! += 1;
    policy.learn(arm, segment, traffic.clickDraw[t]! < rates[arm]! ? 1 : 0);
    // A checkpoint ends every `checkpoint` impressions of each phase.
    const seen = t + 1 - (changed ? world.changeAt : 0);
    if (Math.floor(seen / checkpoint) !== Math.floor((seen - 1) / checkpoint)) {
      const truth = best[changed ? 1 : 0]!;
      identified.push(policy.leaders().every((leader, s) => leader === truth[s]));
    }
  }
  return { regret, shares: shown.map((n, i) => (n > 0 ? onBest[i]! / n : 0)), identified };
}

export interface PolicySummary {
  policy: SimPolicyName;
  /** Mean cumulative regret (expected clicks lost against always showing the best arm) over the runs. */
  regret: number;
  /** Share of traffic on the current best arm in the last tenth of the horizon (mean over runs). */
  best_arm_share: number;
  /**
   * Impressions after which the policy names the best arm (of every segment) in ≥ 95% of runs at
   * every later checkpoint before the change; null if never within the first half.
   */
  trials_to_identify: number | null;
  /** The same after the change, counted from the change. */
  trials_to_reidentify: number | null;
  /** best arm share per tenth of the horizon. */
  best_arm_share_by_tenth: number[];
  regret_sd: number;
}

export interface SimulationReport {
  arms: number;
  horizon: number;
  context: boolean;
  runs: number;
  seed: number;
  half_life: number | null;
  epsilon: number;
  changing_arm: number;
  change_at: number;
  best_arm_before: number[];
  best_arm_after: number[];
  policies: PolicySummary[];
}

/** The first checkpoint from which on the identified fraction stays ≥ 0.95, in impressions since the phase began. */
function identifiedFrom(fractions: number[], checkpoint: number): number | null {
  let from: number | null = null;
  for (let i = fractions.length - 1; i >= 0 && fractions[i]! >= 0.95; i--) from = Math.round((i + 1) * checkpoint);
  return from;
}

export function simulate(
  arms: number,
  horizon: number,
  { context = false, runs = 20, seed = 1, halfLife = 10_000, epsilon = 0.1, policies = SIM_POLICIES as readonly SimPolicyName[] } = {},
): SimulationReport {
  const world = createWorld(arms, horizon, context);
  const options: SimOptions = { halfLife, epsilon };
  const traces = new Map<SimPolicyName, RunTrace[]>(policies.map((p) => [p, []]));
  for (let run = 0; run < runs; run++) {
    const traffic = createTraffic(world, seed * 1000 + run);
    // The same traffic and the same policy draws' seed for every policy of this run.
    for (const name of policies) traces.get(name)!.push(runPolicy(name, world, traffic, seed * 7919 + run, options));
  }
  const checkpoint = world.changeAt / CHECKPOINTS_PER_PHASE;
  const summaries = policies.map((policy): PolicySummary => {
    const list = traces.get(policy)!;
    const mean = (f: (trace: RunTrace) => number) => list.reduce((sum, trace) => sum + f(trace), 0) / list.length;
    const regret = mean((trace) => trace.regret);
    const fractions = list[0]!.identified.map((_, i) => mean((trace) => (trace.identified[i] ? 1 : 0)));
    const shares = Array.from({ length: SHARE_BINS }, (_, i) => mean((trace) => trace.shares[i]!));
    return {
      policy,
      regret,
      best_arm_share: shares[SHARE_BINS - 1]!,
      trials_to_identify: identifiedFrom(fractions.slice(0, CHECKPOINTS_PER_PHASE), checkpoint),
      trials_to_reidentify: identifiedFrom(fractions.slice(CHECKPOINTS_PER_PHASE), checkpoint),
      best_arm_share_by_tenth: shares,
      regret_sd: Math.sqrt(mean((trace) => (trace.regret - regret) ** 2)),
    };
  });
  return {
    arms,
    horizon,
    context,
    runs,
    seed,
    half_life: Number.isFinite(halfLife) ? halfLife : null,
    epsilon,
    changing_arm: world.changingArm,
    change_at: world.changeAt,
    best_arm_before: bestArms(world, false),
    best_arm_after: bestArms(world, true),
    policies: summaries,
  };
}
