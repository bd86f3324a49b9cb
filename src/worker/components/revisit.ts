/** A product seen in this session again, by recency: people return to what they compare. */
import { sessionSeeds } from '../query.ts';
import { shownDate } from './price-drop.ts';
import type { ScoreComponent } from './types.ts';

export const revisit: ScoreComponent<void> = {
  name: 'revisit',
  defaultWeight: 0.2,
  strategies: ['for_you'],
  signal: false,
  // Only viewed products score here, so it matters only where they may be shown again.
  active: (query) => query.options.includeViewed && query.visitor.session.length > 0,
  fill(query, into) {
    into.fill(0);
    for (const seed of sessionSeeds(query.visitor.session)) into[seed.row] = seed.weight;
  },
  explain(query, at) {
    const last = [...query.visitor.session].reverse().find((event) => event.row === at.row);
    return { contribution: at.value, message: 'lookedAgain', params: { date: last && shownDate(last.time, query.visitor.now) } };
  },
};
