/**
 * Co-visitation: neighbours of the session's products in the bundle's co-visitation graph, each
 * seed weighted by its recency ("shoppers who viewed X also viewed this"). Products viewed in the
 * same visits are alternatives to each other, so it belongs to look-alike lists (`similar`) and the
 * session model, not to "customers also bought".
 */
import { seedsWithout, type Query, type Seed } from '../query.ts';
import { cite, perRequest, strongestSeed } from './evidence.ts';
import { evidenced, fillGraph, sumAt } from './graph.ts';
import type { ScoreComponent } from './types.ts';

export const covisitation: ScoreComponent<(row: number) => Seed[]> = {
  name: 'covisitation',
  defaultWeight: 0.6,
  strategies: ['similar', 'for_you', 'rerank'],
  signal: true,
  active: (query) => query.seeds.length > 0,
  fill(query, into) {
    fillGraph(query.loaded.bundle.covisitation, query.seeds, into);
    return perRequest((row) => seedsWithout(query, row));
  },
  // Leave-one-out: the value without a seed is the same sum over the seeds the session would then have.
  explain(query: Query, at, withoutSeed) {
    const graph = query.loaded.bundle.covisitation;
    // Only a link seen in more than one session may be cited: "shoppers", not one shopper.
    const best = strongestSeed(
      query.seeds.filter((seed) => evidenced(graph, seed.row, at.row)),
      (seed) => at.weight * (at.score - sumAt(graph, withoutSeed(seed.row), at.row)),
    );
    return best && cite(query, best, 'viewedTogether');
  },
};
