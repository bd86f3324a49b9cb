/** Popularity in the bundle's trending window, scaled to [0, 1]: filled once per bundle. */
import { writeScaled } from './scaled.ts';
import type { ScoreComponent } from './types.ts';

export const trending: ScoreComponent<void> = {
  name: 'trending',
  defaultWeight: 1,
  strategies: ['trending'],
  signal: false,
  active: () => true,
  fillOnLoad: (bundle, into) => writeScaled(bundle.popularity.trending, into),
  explain(query, at) {
    const { bundle } = query.loaded;
    // Without event times the "trending" window is all time: no "this week" then.
    if (!((bundle.sessions?.referenceTime ?? 0) > 0)) return { contribution: at.value, message: 'popular', params: {} };
    const leaf = bundle.products.categoryIndex[at.row]!;
    const category = query.options.category ?? (leaf >= 0 ? bundle.categories[leaf]!.name : null);
    return category
      ? { contribution: at.value, message: 'popularIn', params: { category } }
      : { contribution: at.value, message: 'trending', params: {} };
  },
};
