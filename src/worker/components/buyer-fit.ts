/** Fit with the buyer type: discount depth for bargain hunters, price rank among peers for premium buyers. */
import { buyerFitScores, explainBuyerFit } from '../traits.ts';
import type { ScoreComponent } from './types.ts';

export const buyerFit: ScoreComponent<void> = {
  name: 'buyerFit',
  defaultWeight: 0.2,
  strategies: ['similar', 'also_bought', 'goes_with', 'for_you', 'rerank'],
  signal: false,
  active: (query) => query.traits.price.value === 'bargain' || query.traits.price.value === 'premium',
  fill(query, into) {
    buyerFitScores(query.loaded.indexes.prices, query.traits, into);
  },
  explain(query, at) {
    const found = explainBuyerFit(query.loaded.indexes.prices, query.traits, at.row);
    return found ? { contribution: at.weight * found.amount, message: found.message, params: found.params } : null;
  },
};
