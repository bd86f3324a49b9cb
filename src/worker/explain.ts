/**
 * "Why recommended": each item's strongest score components, each explained by the component that
 * scored it (`ScoreComponent.explain`, from the state its fill returned), with the evidence and the
 * exact part of the score that evidence accounts for. For components that sum over the session's
 * products the part is measured, not guessed: the component is recomputed without that product
 * (leave-one-out) and the difference is what the reason claims — so removing the cited product from
 * the session lowers the score by exactly the claimed amount (tested per strategy).
 */
import { renderMessage } from '../shared/messages.ts';
import type { WhyReason } from '../shared/request.ts';
import { MIN_CONTRIBUTION } from './components/evidence.ts';
import type { FilledSlots } from './ranking.ts';
import type { Query } from './query.ts';
import type { Stopwatch } from './trace.ts';

/** Reasons shown per item. */
export const MAX_REASONS = 2;

/** Explains the items of one strategy run, from the slots and states that run filled. */
export class Explainer {
  constructor(
    private readonly query: Query,
    private readonly filled: FilledSlots,
    private readonly stopwatch: Stopwatch,
  ) {}

  /** Reasons for `row`, strongest first. `components` are its weighted component values, summing to `score`. */
  explain(row: number, components: Record<string, number>, score: number): WhyReason[] {
    const { query, filled } = this;
    const { components: registry, kernels } = query.loaded;
    const ranked = Object.entries(components)
      .filter(([, value]) => value > MIN_CONTRIBUTION)
      .sort((a, b) => b[1] - a[1]);
    const reasons: WhyReason[] = [];
    // A reason for less than half a percent of the score would read "0 %": it explains nothing.
    // (Components at or below MIN_CONTRIBUTION are not explained at all: `ranked`.)
    const least = score / 200;
    for (const [name, value] of ranked) {
      if (reasons.length === MAX_REASONS) break;
      const slot = registry.slotOf(name);
      const at = { row, score: kernels.slot(slot)[row]!, value, weight: filled.weights[slot]! };
      const draft = registry.list[slot]!.explain(query, at, filled.states[slot]);
      if (draft && draft.contribution > least && draft.contribution < Infinity) {
        reasons.push({ component: name, ...draft, text: renderMessage(draft.message, draft.params, query.options.locale) });
      }
      this.stopwatch.lap(query.strategy, 'explain', name);
    }
    // Strongest first by what each cites, which can be less than its component's value.
    return reasons.sort((a, b) => b.contribution - a.contribution);
  }
}
