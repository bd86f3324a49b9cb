/**
 * What the engine remembers of one visitor in one experiment: per segment and arm, the trials and
 * (weighted) successes of this visitor, and what the arm's last trial was, so that a reload or a
 * double click in the same session counts once. For contextual experiments also the last contexts
 * and rewards, which the linear model replays. One record per experiment in the profile's `bandit`
 * store (with personalization consent only).
 */
import type { BanditRecord } from '../profile/schema.ts';

/** Linear-model samples kept per experiment (the oldest go first). */
export const MAX_SAMPLES = 200;

export interface ArmTally {
  trials: number;
  successes: number;
  /** Start of the session of the arm's last trial (0: none yet). */
  session: number;
  /** Its success in that session was counted. */
  rewarded: boolean;
  /** Products the arm showed in that session (a later add-to-cart or purchase of one is a success). */
  products: string[];
}

export type ExperimentRecord = BanditRecord;

export function emptyRecord(experiment: string, now: number): ExperimentRecord {
  return { key: experiment, v: 1, segments: {}, samples: [], sessionStart: now, lastActive: now, updatedAt: now };
}

export function tallyOf(record: ExperimentRecord, segment: string, arm: string): ArmTally {
  const arms = (record.segments[segment] ??= {});
  return (arms[arm] ??= { trials: 0, successes: 0, session: 0, rewarded: false, products: [] });
}

/**
 * `stored` (earlier visits) and `held` (this page, before consent) as one record: the counts add up,
 * the later session wins.
 */
export function mergeRecords(stored: ExperimentRecord, held: ExperimentRecord): ExperimentRecord {
  const merged: ExperimentRecord = structuredClone(stored);
  for (const [segment, arms] of Object.entries(held.segments)) {
    for (const [arm, tally] of Object.entries(arms)) {
      const into = tallyOf(merged, segment, arm);
      into.trials += tally.trials;
      into.successes += tally.successes;
      if (tally.session >= into.session)
        Object.assign(into, { session: tally.session, rewarded: tally.rewarded, products: tally.products });
    }
  }
  merged.samples = [...merged.samples, ...held.samples].slice(-MAX_SAMPLES);
  merged.sessionStart = Math.max(stored.sessionStart, held.sessionStart);
  merged.lastActive = Math.max(stored.lastActive, held.lastActive);
  merged.updatedAt = Math.max(stored.updatedAt, held.updatedAt);
  return merged;
}
