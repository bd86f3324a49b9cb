/**
 * Minimal local version: replaced by D's at merge (D's sends the counts, with measurement consent,
 * to the shop's endpoint). This one only counts in memory.
 */
import type { ArmCount } from '../../shared/bandit/counts.ts';

export class ArmCounter {
  readonly #counts = new Map<string, ArmCount>();

  #count(experiment: string, arm: string, segment: string): ArmCount {
    const key = JSON.stringify([experiment, arm, segment]);
    let count = this.#counts.get(key);
    if (!count) this.#counts.set(key, (count = { experiment, arm, segment, trials: 0, successes: 0 }));
    return count;
  }

  recordTrial(experiment: string, arm: string, segment: string): void {
    this.#count(experiment, arm, segment).trials++;
  }

  recordSuccess(experiment: string, arm: string, segment: string, weight: number): void {
    this.#count(experiment, arm, segment).successes += weight;
  }
}
