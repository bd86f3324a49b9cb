/**
 * Replay evaluation of learning policies (Li et al. 2011, Algorithm 1): walk the log in its order;
 * at each row the policy ranks the items with what it has learnt so far; when its item at the
 * logged position is the logged item, the row counts and the policy learns its click, otherwise
 * the row is skipped and the policy learns nothing. The mean click of the counted rows estimates
 * the policy's click rate while it learns. Unbiased when the logging policy was uniformly random.
 *
 * The policies are the worker's: `thompsonSlate` (Beta-Bernoulli TS with at most one exploration
 * position) and linear TS (`drawScores`/`updateLinTs`), from src/shared/bandit/.
 */
import { createLinTs, drawScores, updateLinTs } from '../../shared/bandit/lin-ts.ts';
import type { Uniform } from '../../shared/bandit/sampling.ts';
import { rankByValue, thompsonSlate, type BetaArm } from '../../shared/bandit/thompson.ts';
import type { BanditLog } from './obd-log.ts';

/** A policy that learns as the replay feeds it matched rows. */
export interface LearningPolicy {
  /** The item it would show at `position` for row `row` (it may draw the whole ranking). */
  pick(next: Uniform, row: number, position: number): number;
  learn(row: number, item: number, click: number): void;
}

/** Beta-Bernoulli TS over the items, starting from `priors` (copied). */
export function thompsonLearner(priors: readonly BetaArm[], slots: number): LearningPolicy {
  const arms = priors.map(({ alpha, beta }) => ({ alpha, beta }));
  return {
    pick: (next, _row, position) => thompsonSlate(next, arms, slots)[position]?.arm ?? -1,
    learn(_row, item, click) {
      arms[item]!.alpha += click;
      arms[item]!.beta += 1 - click;
    },
  };
}

/**
 * The context of each row for linear TS: an intercept, then a one-hot block per user_feature column.
 * Each column's values get a slot each in order of frequency in the log, up to
 * `slotsPerFeature - 1` values; the rarer ones share the block's last slot.
 */
export function userContexts(log: BanditLog, slotsPerFeature = 8): { dims: number; contexts: Float64Array[] } {
  const columns = log.userFeatures[0]?.length ?? 0;
  const slotOf: Map<string, number>[] = [];
  let dims = 1;
  for (let c = 0; c < columns; c++) {
    const frequency = new Map<string, number>();
    for (const features of log.userFeatures) frequency.set(features[c]!, (frequency.get(features[c]!) ?? 0) + 1);
    const byFrequency = [...frequency.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value]) => value);
    const width = Math.min(byFrequency.length, slotsPerFeature);
    const slots = new Map<string, number>();
    byFrequency.forEach((value, i) => slots.set(value, dims + Math.min(i, width - 1)));
    slotOf.push(slots);
    dims += width;
  }
  const contexts = log.userFeatures.map((features) => {
    const x = new Float64Array(dims);
    x[0] = 1;
    features.forEach((value, c) => (x[slotOf[c]!.get(value)!] = 1));
    return x;
  });
  return { dims, contexts };
}

/** Linear TS over the items with the rows' user contexts. */
export function linTsLearner(items: number, slots: number, contexts: readonly Float64Array[], dims: number): LearningPolicy {
  const state = createLinTs(items, dims);
  return {
    pick: (next, row, position) => rankByValue(drawScores(next, state, contexts[row]!))[position] ?? -1,
    learn: (row, item, click) => updateLinTs(state, item, contexts[row]!, click),
  };
}

/** One replay pass over `rows` (log indices, in log order); returns counted rows and their clicks. */
export function replayPass(
  log: BanditLog,
  rows: ArrayLike<number>,
  policy: LearningPolicy,
  next: Uniform,
): { matched: number; clicks: number } {
  let matched = 0;
  let clicks = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const item = log.item[r]!;
    if (policy.pick(next, r, log.position[r]!) !== item) continue;
    matched++;
    clicks += log.click[r]!;
    policy.learn(r, item, log.click[r]!);
  }
  return { matched, clicks };
}
