/**
 * Session-kNN (V-STAN, `../vstan.ts`) over the bundle's training sessions: "visitors whose
 * sessions looked like this one went on to these products", scaled to [0, 1] and square-rooted.
 *
 * Why the square root: kNN scores are heavy-tailed (the 20th item often scores a hundredth of the
 * first), so added linearly to bounded components, a small popularity or similarity term outvoted
 * every neighbour-backed item below the first few. The root keeps the kNN's own order and gives its
 * tail a voice: on the YOOCHOOSE and DIGINETICA samples, with the built-in weights, HR@20 went from
 * 0.674 to 0.696 and from 0.430 to 0.473 (docs/eval/fitting-results.md).
 */
import { sessionKnnScores, type SessionKnnIndex } from '../vstan.ts';
import { cite, MAX_EVIDENCE_SEEDS, perRequest, strongestSeed } from './evidence.ts';
import { rootShare } from './scaled.ts';
import type { ScoreComponent } from './types.ts';

/** Overwrites `into` with the raw V-STAN scores of `sequence`; returns the largest (0 without training sessions). */
function rawScores(index: SessionKnnIndex | null, sequence: readonly number[], into: Float32Array): number {
  into.fill(0);
  return index === null ? 0 : sessionKnnScores(index, sequence, into);
}

/** The scaled score of each product for `sequence`, computed once, read per product. */
function scoresWithout(index: SessionKnnIndex | null, sequence: readonly number[]): (item: number) => number {
  if (index === null) return () => 0;
  const { scores } = index;
  const touched: number[] = [];
  const max = sessionKnnScores(index, sequence, scores, touched);
  const raw = new Map<number, number>();
  for (const item of touched) {
    raw.set(item, scores[item]!);
    scores[item] = 0; // the scratch stays all zeros between calls
  }
  return (item) => rootShare(raw.get(item) ?? 0, max);
}

export const sessionKnn: ScoreComponent<(row: number) => (item: number) => number> = {
  name: 'sessionKnn',
  defaultWeight: 1,
  strategies: ['for_you', 'rerank'],
  signal: false,
  active: (query) => query.sequence.length > 0 && query.loaded.bundle.sessions !== null,
  fill(query, into) {
    const index = query.loaded.indexes.sessionNeighbours;
    const max = rawScores(index, query.sequence, into);
    for (let i = 0; i < into.length; i++) if (into[i]! > 0) into[i] = rootShare(into[i]!, max);
    // The scores with every occurrence of a product taken out of the session, kept sparse: only
    // explained items are read, and a catalog-sized array per seed showed in the browser bench.
    return perRequest((row) =>
      scoresWithout(
        index,
        query.sequence.filter((r) => r !== row),
      ),
    );
  },
  explain(query, at, scoreWithout) {
    const best = strongestSeed(query.seeds.slice(0, MAX_EVIDENCE_SEEDS), (seed) => at.weight * (at.score - scoreWithout(seed.row)(at.row)));
    return best && cite(query, best, 'viewedTogether', at.row);
  },
};
