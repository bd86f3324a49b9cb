/** The shop's boost / bury rules (default weight 1: rule weights are absolute). */
import type { NormalizedRules, ProductFilter } from '../../shared/rules.ts';
import { productMatcher, type FilterIndexes } from '../product-filters.ts';
import type { ScoreComponent } from './types.ts';

/**
 * Overwrites `into` (one score per row) with the sum of the matching boost weights minus the
 * matching bury weights. Returns false, leaving zeros, when there is nothing to boost or bury.
 */
export function ruleBoostScores(indexes: FilterIndexes, rules: NormalizedRules, into: Float32Array): boolean {
  into.fill(0);
  if (rules.boost.length === 0 && rules.bury.length === 0) return false;
  const rows = Math.min(into.length, indexes.bundle.products.count);
  const add = (filter: ProductFilter, weight: number): void => {
    const matches = productMatcher(indexes, filter);
    for (let row = 0; row < rows; row++) if (matches(row)) into[row]! += weight;
  };
  for (const filter of rules.boost) add(filter, filter.weight);
  for (const filter of rules.bury) add(filter, -filter.weight);
  return true;
}

export const ruleBoost: ScoreComponent<void> = {
  name: 'rules',
  defaultWeight: 1,
  strategies: ['similar', 'also_bought', 'goes_with', 'now_reduced', 'for_you', 'trending', 'rerank'],
  signal: false,
  active: ({ options: { rules } }) => rules.boost.length + rules.bury.length > 0,
  fill(query, into) {
    ruleBoostScores(query.loaded.indexes, query.options.rules, into);
  },
  explain: (_query, at) => ({ contribution: at.value, message: 'featured', params: {} }),
};
