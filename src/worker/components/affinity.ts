/** The visitor's long-term brand and category affinities (only with personalization consent). */
import { AffinityScores } from '../affinity-scores.ts';
import type { ScoreComponent } from './types.ts';

export const affinity: ScoreComponent<AffinityScores | null> = {
  name: 'affinity',
  defaultWeight: 0.3,
  strategies: ['similar', 'also_bought', 'goes_with', 'now_reduced', 'for_you', 'rerank'],
  signal: false,
  active: (query) => query.visitor.affinities !== null,
  fill(query, into) {
    const affinities = query.visitor.affinities;
    if (!affinities) {
      into.fill(0);
      return null;
    }
    const scores = new AffinityScores(query.loaded.indexes, affinities);
    scores.fill(into);
    return scores;
  },
  explain(_query, at, scores) {
    const found = scores?.explain(at.row);
    return found ? { contribution: at.weight * found.amount, message: found.message, params: found.params } : null;
  },
};
