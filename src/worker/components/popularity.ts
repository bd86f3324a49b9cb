/** All-time popularity, scaled to [0, 1]: the same for every request, so filled once per bundle. */
import { writeScaled } from './scaled.ts';
import type { ScoreComponent } from './types.ts';

export const popularity: ScoreComponent<void> = {
  name: 'popularity',
  defaultWeight: 0.05,
  strategies: ['similar', 'also_bought', 'goes_with', 'for_you', 'trending', 'rerank'],
  signal: false,
  active: () => true,
  fillOnLoad: (bundle, into) => writeScaled(bundle.popularity.global, into),
  // "A bestseller" only for the top of the catalog (`BundleIndexes.bestsellerFloor`); below that, say no more than is true.
  explain: ({ loaded }, at) => ({
    contribution: at.value,
    message: loaded.bundle.popularity.global[at.row]! >= loaded.indexes.bestsellerFloor ? 'bestseller' : 'popular',
    params: {},
  }),
};
