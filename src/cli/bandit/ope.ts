/** `vitrine bandit ope` without the command line: one policy, one log, the four estimators. */
import { mulberry32 } from '../../shared/random.ts';
import type { BetaArm } from '../../shared/bandit/thompson.ts';
import { VitrineError } from '../../shared/errors.ts';
import { thompsonDistribution, uniformDistribution, type ActionDistribution } from './action-distribution.ts';
import {
  estimateFixedPolicy,
  percentileInterval,
  resample,
  FIXED_ESTIMATORS,
  type Estimate,
  type FixedEstimatorName,
} from './estimators.ts';
import { linTsLearner, replayPass, thompsonLearner, userContexts, type LearningPolicy } from './learning-replay.ts';
import { loggedCtr, type BanditLog } from './obd-log.ts';

export const OPE_POLICIES = ['uniform', 'bts', 'ts', 'lin-ts'] as const;
export type OpePolicy = (typeof OPE_POLICIES)[number];

export interface OpeOptions {
  policy: OpePolicy;
  /** The campaign's Beta priors (required for bts; ts starts from them when given, else from Beta(1, 1)). */
  priors?: BetaArm[];
  slots: number;
  seed: number;
  bootstrap: number;
  /** Simulated rankings for the action distribution of bts. */
  rankings: number;
  /** Replay passes over the log (pooled). */
  passes: number;
  /** An on-policy log of the same policy: its mean click is the truth the estimates are compared with. */
  onPolicy?: BanditLog;
}

/** An estimator's result; `ctr`/`ci95` are null where the estimator does not apply to the policy. */
export interface OpeEstimate {
  ctr: number | null;
  ci95: [number, number] | null;
  relative_error?: number | null;
  not_applicable?: string;
}

export interface OpeReport {
  policy: OpePolicy;
  n: number;
  logged_ctr: number;
  estimators: Record<FixedEstimatorName, OpeEstimate>;
  on_policy_ctr?: number;
  on_policy_n?: number;
  items: number;
  slots: number;
  bootstrap: number;
  replay_passes: number;
  /** Rows the replay counted, per pass. */
  replay_matched: number;
  rankings?: number;
  max_weight?: number;
  seed: number;
}

/** Fixed policies have a known action distribution; ts and lin-ts learn from what the replay feeds them. */
export function isLearning(policy: OpePolicy): boolean {
  return policy === 'ts' || policy === 'lin-ts';
}

const NOT_APPLICABLE =
  'a learning policy has no fixed action distribution to weigh the log by; only replay evaluates it as it learns (Li et al. 2011)';

/** Checks the log against the policy's items and slots: an item id or position out of range is named with its row. */
function checkRange(log: BanditLog, items: number, slots: number, itemsFrom: string): void {
  for (let r = 0; r < log.n; r++) {
    const where = { file: log.file, line: log.line[r] };
    if (log.item[r]! >= items)
      throw new VitrineError(
        'INPUT_INVALID_ROW',
        `${log.file}:${log.line[r]}: item_id ${log.item[r]} is out of range: ${itemsFrom} has only items 0..${items - 1}`,
        { ...where, field: 'item_id', item: log.item[r] },
      );
    if (log.position[r]! >= slots)
      throw new VitrineError(
        'INPUT_INVALID_ROW',
        `${log.file}:${log.line[r]}: position ${log.position[r]! + 1} is beyond --slots ${slots}`,
        {
          ...where,
          field: 'position',
        },
      );
  }
}

function fixedDistribution(log: BanditLog, options: OpeOptions, items: number): ActionDistribution {
  if (options.policy === 'uniform') return uniformDistribution(items, options.slots);
  return thompsonDistribution(mulberry32(options.seed), options.priors!, options.slots, options.rankings);
}

function learner(log: BanditLog, options: OpeOptions, items: number): () => LearningPolicy {
  if (options.policy === 'ts') {
    const priors = options.priors ?? Array.from({ length: items }, () => ({ alpha: 1, beta: 1 }));
    return () => thompsonLearner(priors, options.slots);
  }
  const { dims, contexts } = userContexts(log);
  return () => linTsLearner(items, options.slots, contexts, dims);
}

function replayLearning(log: BanditLog, options: OpeOptions, items: number): { replay: Estimate; matched: number } {
  const fresh = learner(log, options, items);
  const next = mulberry32(options.seed + 1);
  const all = Int32Array.from({ length: log.n }, (_, i) => i);
  let matched = 0;
  let clicks = 0;
  for (let pass = 0; pass < options.passes; pass++) {
    const result = replayPass(log, all, fresh(), next);
    matched += result.matched;
    clicks += result.clicks;
  }
  // Each resample is replayed in log order: a learning policy's value depends on what it saw first.
  const samples: number[] = [];
  for (let b = 0; b < options.bootstrap; b++) {
    const rows = resample(next, log.n).sort();
    const result = replayPass(log, rows, fresh(), next);
    if (result.matched > 0) samples.push(result.clicks / result.matched);
  }
  const ci95 = samples.length > 0 ? percentileInterval(samples) : ([Number.NaN, Number.NaN] as [number, number]);
  return { replay: { ctr: matched > 0 ? clicks / matched : Number.NaN, ci95 }, matched: matched / options.passes };
}

/** Evaluates `options.policy` on `log` with replay, IPS, SNIPS and DR. */
export function offPolicyEvaluation(log: BanditLog, options: OpeOptions): OpeReport {
  if (options.policy === 'bts' && !options.priors)
    throw new VitrineError('INPUT_BAD_OPTION', '--policy bts needs --priors FILE and --campaign NAME (the Beta priors it samples from)', {
      field: '--priors',
    });
  const items = options.priors?.length ?? log.items;
  checkRange(log, items, options.slots, options.priors ? 'the campaign in the priors file' : 'the log');
  if (options.onPolicy) checkRange(options.onPolicy, items, options.slots, options.priors ? 'the campaign in the priors file' : 'the log');
  const report: OpeReport = {
    policy: options.policy,
    n: log.n,
    logged_ctr: loggedCtr(log),
    estimators: {} as Record<FixedEstimatorName, OpeEstimate>,
    items,
    slots: options.slots,
    bootstrap: options.bootstrap,
    replay_passes: options.passes,
    replay_matched: 0,
    seed: options.seed,
  };
  if (isLearning(options.policy)) {
    const { replay, matched } = replayLearning(log, options, items);
    report.replay_matched = matched;
    for (const name of FIXED_ESTIMATORS)
      report.estimators[name] = name === 'replay' ? replay : { ctr: null, ci95: null, not_applicable: NOT_APPLICABLE };
  } else {
    const dist = fixedDistribution(log, options, items);
    const { estimates, replayMatches, maxWeight } = estimateFixedPolicy(log, dist, {
      next: mulberry32(options.seed + 1),
      passes: options.passes,
      bootstrap: options.bootstrap,
    });
    Object.assign(report.estimators, estimates);
    report.replay_matched = replayMatches;
    report.max_weight = maxWeight;
    if (options.policy === 'bts') report.rankings = options.rankings;
  }
  if (options.onPolicy) {
    const truth = loggedCtr(options.onPolicy);
    report.on_policy_ctr = truth;
    report.on_policy_n = options.onPolicy.n;
    for (const estimate of Object.values(report.estimators))
      estimate.relative_error = estimate.ctr === null || Number.isNaN(estimate.ctr) ? null : (estimate.ctr - truth) / truth;
  }
  return report;
}
