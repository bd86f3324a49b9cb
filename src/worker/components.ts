/**
 * The named score components and their weights. Every placement scores a product as
 * `sum(weight[c] * value[c])` over its components, each component living in its own kernel score
 * slot; results report each weighted term, which is what makes later explanations faithful.
 */
import type { ModelWeights } from '../shared/bundle/types.ts';
import type { Placement } from '../shared/request.ts';

/** Component names, in kernel slot order (slot i holds component i). */
export const COMPONENTS = ['similarity', 'covisitation', 'copurchase', 'popularity', 'trending'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Slot the weighted sum is written into (after the component slots). */
export const COMBINED_SLOT = COMPONENTS.length;
/** Slots each kernels instance reserves. */
export const SCORE_SLOTS = COMPONENTS.length + 1;

export function slotOf(component: Component): number {
  return COMPONENTS.indexOf(component);
}

/**
 * Weights used when the bundle has no fitted `modelWeights`. Similarity is in [-1, 1] (cosine);
 * graph neighbours and popularity are scaled into [0, 1], so these are comparable: a product
 * co-viewed as often as the strongest neighbour is worth ~0.6 of a perfect embedding match, and
 * popularity only breaks near-ties.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<Component, number>> = {
  similarity: 1,
  covisitation: 0.6,
  copurchase: 0.4,
  popularity: 0.1,
  trending: 1,
};

/** Which components each placement sums (others get weight 0). `rerank` uses the `for_you` mix. */
export const PLACEMENT_COMPONENTS: Readonly<Record<Placement | 'rerank', readonly Component[]>> = {
  similar: ['similarity', 'covisitation', 'copurchase', 'popularity'],
  trending: ['trending', 'popularity'],
  for_you: ['similarity', 'covisitation', 'copurchase', 'popularity'],
  rerank: ['similarity', 'covisitation', 'copurchase', 'popularity'],
};

/** One weight per slot for `kernels.combine`, from the bundle's fitted weights where present. */
export function slotWeights(placement: Placement | 'rerank', model: ModelWeights | null): number[] {
  const weights: number[] = COMPONENTS.map(() => 0);
  for (const component of PLACEMENT_COMPONENTS[placement]) {
    const fitted = model?.[component];
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
