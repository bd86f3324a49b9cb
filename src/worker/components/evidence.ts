/**
 * Evidence for components that sum over the visitor's products (similarity, session-kNN, the
 * graphs): the product whose removal lowers the score most, and the reason that cites it.
 */
import type { MessageId } from '../../shared/messages.ts';
import type { Query, Seed } from '../query.ts';
import type { ReasonDraft } from './types.ts';

/** Drops below this are noise, not evidence. */
export const MIN_CONTRIBUTION = 1e-6;
/** Session products tried as evidence (most recent first); older ones weigh little anyway. */
export const MAX_EVIDENCE_SEEDS = 3;

export interface Evidence {
  seed: Seed;
  /** What removing the seed takes off the item's (weighted) score. */
  drop: number;
}

/** The seed whose removal lowers the score most, with that drop; null when none lowers it. */
export function strongestSeed(seeds: readonly Seed[], dropOf: (seed: Seed) => number): Evidence | null {
  let best: Evidence | null = null;
  for (const seed of seeds) {
    const drop = dropOf(seed);
    if (drop > MIN_CONTRIBUTION && (best === null || drop > best.drop)) best = { seed, drop };
  }
  return best;
}

/**
 * A reason citing the evidence's product by title. Evidence that is the item itself (`itemRow`:
 * viewed in this session, so like itself and in the same sessions as itself) says so instead.
 */
export function cite(query: Query, evidence: Evidence, message: MessageId, itemRow?: number): ReasonDraft {
  const { products } = query.loaded.bundle;
  const row = evidence.seed.row;
  if (row === itemRow) return { contribution: evidence.drop, message: 'lookedAgain', params: {} };
  return { contribution: evidence.drop, message, params: { title: products.title(row) }, evidenceProduct: products.id(row) };
}

/**
 * `compute` remembered per key for one request: the leave-one-out recomputations are shared by
 * every item of the list (a 200-item rerank would otherwise redo them per item).
 */
export function perRequest<K, V>(compute: (key: K) => V): (key: K) => V {
  const values = new Map<K, V>();
  return (key) => {
    if (!values.has(key)) values.set(key, compute(key));
    return values.get(key)!;
  };
}
