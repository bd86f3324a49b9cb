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
import type { ScoreComponent } from './types.ts';

/** Overwrites `into` with the scores of `sequence` scaled to [0, 1], square-rooted (zeros without training sessions). */
function scoreSequence(index: SessionKnnIndex | null, sequence: readonly number[], into: Float32Array): void {
  into.fill(0);
  if (index === null) return;
  const max = sessionKnnScores(index, sequence, into);
  if (max > 0) for (let i = 0; i < into.length; i++) into[i] = Math.sqrt(into[i]! / max);
}

export const sessionKnn: ScoreComponent<(row: number) => Float32Array> = {
  name: 'sessionKnn',
  defaultWeight: 1,
  strategies: ['for_you', 'rerank'],
  signal: false,
  active: (query) => query.sequence.length > 0 && query.loaded.bundle.sessions !== null,
  fill(query, into) {
    const index = query.loaded.indexes.sessionNeighbours;
    scoreSequence(index, query.sequence, into);
    // The scores with every occurrence of a product taken out of the session.
    return perRequest((row) => {
      const scores = new Float32Array(query.loaded.bundle.products.count);
      scoreSequence(
        index,
        query.sequence.filter((r) => r !== row),
        scores,
      );
      return scores;
    });
  },
  explain(query, at, scoresWithout) {
    const best = strongestSeed(
      query.seeds.slice(0, MAX_EVIDENCE_SEEDS),
      (seed) => at.weight * (at.score - scoresWithout(seed.row)[at.row]!),
    );
    return best && cite(query, best, 'viewedTogether');
  },
};
