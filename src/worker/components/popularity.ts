/** All-time popularity, scaled to [0, 1]: the same for every request, so filled once per bundle. */
import { writeScaled } from './scaled.ts';
import type { ScoreComponent } from './types.ts';

/** Popularity (scaled to the catalog's most popular product) from which a product is "a bestseller". */
export const BESTSELLER_SHARE = 0.25;

export const popularity: ScoreComponent<void> = {
  name: 'popularity',
  defaultWeight: 0.05,
  strategies: ['similar', 'also_bought', 'goes_with', 'for_you', 'trending', 'rerank'],
  signal: false,
  active: () => true,
  fillOnLoad: (bundle, into) => writeScaled(bundle.popularity.global, into),
  // "A bestseller" only for the top of the catalog; below that, say no more than is true.
  explain: (_query, at) => ({ contribution: at.value, message: at.score >= BESTSELLER_SHARE ? 'bestseller' : 'popular', params: {} }),
};
