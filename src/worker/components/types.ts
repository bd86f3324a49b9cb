/**
 * The contract of a score component. Every strategy scores a product as
 * `Σ weight[c] · value[c]` over the registry's components (components/index.ts); each component
 * lives in its own kernel score slot, results report each weighted term, and explanations cite
 * the largest ones with the evidence that produced them. A component is one module: its name,
 * default weight, the strategies that sum it, whether it is a real signal, when it can score, how
 * it fills its slot and how it explains a value — from the state its own fill returned, so a reason
 * is computed by the code that computed the score.
 */
import type { Bundle } from '../../shared/bundle/types.ts';
import type { MessageId, MessageParams } from '../../shared/messages.ts';
import type { StrategyName } from '../../shared/request.ts';
import type { Query } from '../query.ts';

/** One item's value of a component, as its explanation sees it. */
export interface ComponentValue {
  row: number;
  /** The component's score at `row`, as filled (unweighted). */
  score: number;
  /** `weight · score`: the part of the item's score the component makes. */
  value: number;
  weight: number;
}

/** A reason before rendering: the evidence, and the part of the item's score it accounts for. */
export interface ReasonDraft {
  /**
   * What removing the evidence (e.g. the cited product from the session) takes off the item's
   * score: exactly that much, never a guess.
   */
  contribution: number;
  message: MessageId;
  params: MessageParams;
  /** The product the reason cites (a viewed or carted product), when it cites one. */
  evidenceProduct?: string;
}

export interface ScoreComponent<State = unknown> {
  /** Its name in results, explanations and fitted model weights, e.g. `'covisitation'`. */
  readonly name: string;
  /**
   * Weight when the bundle has no fitted one. Components lie in [0, 1] (cosine in [-1, 1]), so a
   * weight reads as "how much a perfect match on this component is worth".
   */
  readonly defaultWeight: number;
  /** The strategies whose score sums it. */
  readonly strategies: readonly StrategyName[];
  /**
   * A product scoring > 0 on it has a real reason to be in a list that requires one (`similar`,
   * `also_bought`, …: see `STRATEGIES`), beyond being popular.
   */
  readonly signal: boolean;
  /** Whether it can score for this request (no consent, no context, no cart → no): off means weight 0, slot not filled. */
  active(query: Query): boolean;
  /**
   * Overwrites `into`, the component's slot (one value per product), for this request and returns
   * what `explain` needs. `slot` is the slot's index, for components that score in the kernels.
   */
  fill?(query: Query, into: Float32Array, slot: number): State;
  /** Instead of `fill`, for a score that depends on the bundle alone: fills the slot once, at load. */
  fillOnLoad?(bundle: Bundle, into: Float32Array): void;
  /** The reason behind `at.value` from the state `fill` returned, or null when none would be true. */
  explain(query: Query, at: ComponentValue, state: State): ReasonDraft | null;
}
