/**
 * Experiments: what a shop declares (arms to choose between, how success is rewarded) and what the
 * engine answers. The page (`vitrine.experiment()`, `data-variants`, `data-vitrine-slot`) and the
 * worker's bandits share these shapes; the policies themselves are in `src/shared/bandit/`.
 */

/** What counts as a success of an arm, within the session, after a viewable impression of it. */
export type ArmReward = 'click' | 'add_to_cart' | 'purchase';

export interface ExperimentSpec {
  /** Experiment name, e.g. `'home-hero'` (a content slot) or a placement like `'product-page'`. */
  name: string;
  /** 2 to 50 distinct arm names: strategies, layouts, headings, item counts, a slot's template names. */
  arms: string[];
  /** `'ts'` (Beta-Bernoulli Thompson sampling, default) or `'lin-ts'` (contextual: linear Thompson sampling). */
  policy?: 'ts' | 'lin-ts';
  /** Positions to fill from the arms (a slate, e.g. a 3-banner carousel). Default 1. */
  slots?: number;
  /** Weight of each kind of success in [0, 1]. Default `{ click: 1, add_to_cart: 1, purchase: 1 }`. */
  reward?: Partial<Record<ArmReward, number>>;
}

export interface ArmChoice {
  experiment: string;
  /** The chosen arms, one per position. */
  arms: string[];
  /** Index in `arms` of the one exploration position (shown with "We're trying something new here"), or -1. */
  explore: number;
  /** The visitor segment the choice and its counts belong to, e.g. `'all'` or `'returning-mobile'`. */
  segment: string;
}

/** What the page reports about a chosen arm. */
export interface ArmFeedback {
  experiment: string;
  arm: string;
  /** `'impression'`: a viewable impression (the trial); the others are successes. */
  kind: 'impression' | ArmReward;
  /** For recommendation arms: the products the arm showed (impression) or the one acted on. */
  products?: string[];
}
