/**
 * Minimal local version: replaced by D's at merge (D's also loads the bundle's priors and the
 * `data-bandit-priors` file into it). Same exports and signatures.
 */
import { ALL_VISITORS, type ArmPrior, type PriorsFile } from '../../shared/bandit/counts.ts';

/** The priors the bundle or the priors file ship: experiment → segment → arm → prior. */
export type BanditPriors = PriorsFile['experiments'];

const FLAT: ArmPrior = { alpha: 1, beta: 1 };

export class PriorsBook {
  #priors: BanditPriors | null = null;

  setBundlePriors(priors: BanditPriors | null): void {
    this.#priors = priors;
  }

  /** The arm's prior in `segment`, else in `'all'`, else Beta(1, 1). */
  prior(experiment: string, segment: string, arm: string): ArmPrior {
    const segments = this.#priors?.[experiment];
    return segments?.[segment]?.[arm] ?? segments?.[ALL_VISITORS]?.[arm] ?? FLAT;
  }
}
