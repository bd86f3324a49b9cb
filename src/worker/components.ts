/**
 * The named score components and their weights. Every placement scores a product as
 * `sum(weight[c] * value[c])` over its components, each component living in its own kernel score
 * slot; results report each weighted term, and explanations cite the largest ones with the
 * evidence that produced them.
 */
import type { ModelWeights } from '../shared/bundle/types.ts';
import type { StrategyName } from '../shared/request.ts';

/** Component names, in kernel slot order (slot i holds component i). */
export const COMPONENTS = [
  /** Cosine of the product with the page product / the recency-weighted session vector. */
  'similarity',
  /** Session-kNN over the bundle's training sessions (V-STAN). */
  'sessionKnn',
  /** Co-visitation neighbours of the session's recent items, recency-decayed. */
  'covisitation',
  /** Co-purchase neighbours of the cart / page product. */
  'copurchase',
  /** A product seen in this session again, by recency (people return to what they compare). */
  'revisit',
  /** Long-term profile: the visitor's brand and category affinities (with consent). */
  'affinity',
  /** Fit with the buyer type: discount depth for bargain hunters, price rank for premium buyers. */
  'buyerFit',
  /** First-visit context: landing category, search query, campaign. */
  'context',
  /** Price drop since the visitor looked (now_reduced). */
  'priceDrop',
  /** The shop's boost / bury rules (weight 1: rule weights are absolute). */
  'rules',
  /** All-time popularity, scaled to [0, 1]. */
  'popularity',
  /** Popularity in the trending window, scaled to [0, 1]. */
  'trending',
] as const;
export type Component = (typeof COMPONENTS)[number];

/** Slot the weighted sum is written into (after the component slots). */
export const COMBINED_SLOT = COMPONENTS.length;
/** Slots each kernels instance reserves. */
export const SCORE_SLOTS = COMPONENTS.length + 1;

export function slotOf(component: Component): number {
  return COMPONENTS.indexOf(component);
}

/**
 * Weights used when the bundle has no fitted `modelWeights`. Every component lies in [0, 1] (or
 * [-1, 1] for cosine), so these read as "how much a perfect match on this component is worth".
 * The session-model weights (sessionKnn … popularity) are overridden by `vitrine eval --tune`.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<Component, number>> = {
  similarity: 0.3,
  sessionKnn: 1,
  covisitation: 0.6,
  copurchase: 0.6,
  revisit: 0.2,
  affinity: 0.3,
  buyerFit: 0.2,
  context: 0.5,
  priceDrop: 1,
  rules: 1,
  popularity: 0.05,
  trending: 1,
};

/** Components the tuner fits (the session model of `for_you`). */
export const TUNED_COMPONENTS: readonly Component[] = ['similarity', 'sessionKnn', 'covisitation', 'revisit', 'popularity'];

/** Which components each strategy sums (others get weight 0). */
export const STRATEGY_COMPONENTS: Readonly<Record<StrategyName, readonly Component[]>> = {
  similar: ['similarity', 'covisitation', 'copurchase', 'affinity', 'buyerFit', 'rules', 'popularity'],
  also_bought: ['copurchase', 'covisitation', 'affinity', 'buyerFit', 'rules', 'popularity'],
  goes_with: ['copurchase', 'affinity', 'buyerFit', 'rules', 'popularity'],
  now_reduced: ['priceDrop', 'affinity', 'rules'],
  for_you: ['similarity', 'sessionKnn', 'covisitation', 'copurchase', 'revisit', 'affinity', 'buyerFit', 'context', 'rules', 'popularity'],
  trending: ['trending', 'popularity', 'context', 'rules'],
  rerank: ['similarity', 'sessionKnn', 'covisitation', 'affinity', 'buyerFit', 'context', 'rules', 'popularity'],
};

/** One weight per slot for `kernels.combine`: the bundle's fitted weights where present, else defaults. */
export function slotWeights(strategy: StrategyName, model: ModelWeights | null, override?: Partial<Record<Component, number>>): number[] {
  const weights: number[] = COMPONENTS.map(() => 0);
  for (const component of STRATEGY_COMPONENTS[strategy]) {
    const fitted = override?.[component] ?? model?.[component];
    weights[slotOf(component)] = typeof fitted === 'number' && Number.isFinite(fitted) ? fitted : DEFAULT_WEIGHTS[component];
  }
  return weights;
}

/** The weights as a plain record (non-zero ones only), for results. */
export function weightRecord(weights: readonly number[]): Record<string, number> {
  const record: Record<string, number> = {};
  COMPONENTS.forEach((component, slot) => {
    const weight = weights[slot] ?? 0;
    if (weight !== 0) record[component] = weight;
  });
  return record;
}
