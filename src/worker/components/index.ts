/**
 * The registry of score components, in kernel slot order: component i fills slot i, the combined
 * score goes to the slot after the last. The order is also the order in which `combine` sums, so
 * it is part of every score's exact value: add new components at the end.
 */
import { affinity } from './affinity.ts';
import { buyerFit } from './buyer-fit.ts';
import { context } from './context.ts';
import { copurchase } from './copurchase.ts';
import { covisitation } from './covisitation.ts';
import { popularity } from './popularity.ts';
import { priceDrop } from './price-drop.ts';
import { revisit } from './revisit.ts';
import { ruleBoost } from './rule-boost.ts';
import { sessionKnn } from './session-knn.ts';
import { similarity } from './similarity.ts';
import { successors } from './successors.ts';
import { trending } from './trending.ts';
import type { ScoreComponent } from './types.ts';

export type { ComponentValue, ReasonDraft, ScoreComponent } from './types.ts';

export class ComponentRegistry {
  readonly #slots = new Map<string, number>();

  constructor(readonly list: readonly ScoreComponent[]) {
    list.forEach((component, slot) => {
      if (this.#slots.has(component.name)) throw new Error(`two score components are named ${component.name}`);
      if (!component.fill === !component.fillOnLoad) throw new Error(`component ${component.name}: one of fill, fillOnLoad`);
      this.#slots.set(component.name, slot);
    });
  }

  /** The slot the weighted sum is written into. */
  get combinedSlot(): number {
    return this.list.length;
  }

  /** Slots each kernels instance reserves: one per component and the combined score. */
  get slots(): number {
    return this.list.length + 1;
  }

  /** The slot of the component named `name`, or -1. */
  slotOf(name: string): number {
    return this.#slots.get(name) ?? -1;
  }
}

/** Vitrine's components. */
export const COMPONENTS = new ComponentRegistry([
  similarity,
  sessionKnn,
  covisitation,
  copurchase,
  revisit,
  affinity,
  buyerFit,
  context,
  priceDrop,
  ruleBoost,
  popularity,
  trending,
  successors,
]);

/** Each component's default weight by name. */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = Object.fromEntries(
  COMPONENTS.list.map((component) => [component.name, component.defaultWeight]),
);
