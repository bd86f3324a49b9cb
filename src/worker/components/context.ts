/** First-visit context: how well each product fits the landing category, search query and campaign words. */
import { contextScores, type ContextMatch } from '../cold-start.ts';
import type { ScoreComponent } from './types.ts';

export const context: ScoreComponent<ContextMatch> = {
  name: 'context',
  defaultWeight: 0.5,
  strategies: ['for_you', 'trending', 'rerank'],
  signal: false,
  active: ({ options: { context } }) => {
    const visit = context.visit;
    return visit.category !== null || visit.query !== null || visit.utm.campaign !== null || visit.utm.term !== null;
  },
  fill: (query, into) => contextScores(query.loaded.indexes, query.options.context.visit, into),
  explain(_query, at, match) {
    const found = match.explain(at.row);
    return found ? { contribution: at.weight * found.amount, message: found.message, params: found.params } : null;
  },
};
