/**
 * Session-kNN reference baselines in the eval harness, so Vitrine can be compared with session-rec's
 * SKNN, STAN and VSTAN on any log, not only where published numbers exist. They run the engine's
 * own V-STAN code (`src/worker/vstan.ts`) alone, with the constants that reduce it to each model
 * (session-rec's defaults for each, from `algorithms/knn/{sknn,stan,vstan}.py`):
 * - `vstan`: V-STAN with its published defaults (`DEFAULT_SESSION_MODEL`);
 * - `stan`: STAN (Garg et al., SIGIR 2019): the same position and recency decays, without V-STAN's
 *   additions (no λ_ipw weighting of the neighbour's match, no idf);
 * - `sknn`: plain session-kNN: cosine over the sessions' item sets, 100 neighbours among the 500
 *   most recent sharing an item, no decays.
 * These are approximations by one shared implementation (e.g. STAN's λ_inh here also weighs items
 * before the match); V-SKNN's linear decay is not expressible in it and is left out.
 */
import { DEFAULT_SESSION_MODEL } from '../../shared/bundle/session-model.ts';
import type { SessionModel } from '../../shared/bundle/types.ts';
import { buildSessionKnnIndex, sessionKnnScores } from '../../worker/vstan.ts';
import { buildSessionIndex } from '../bundle-builder/session-index.ts';
import type { EvalData, NextItemModel } from './types.ts';
import { trainingLog } from './vitrine-model.ts';

/** A decay length this long leaves every weight at exp(-small) ≈ 1: no decay. */
const FLAT = 1e9;

export const SESSION_KNN_BASELINES = {
  sknn: { ...DEFAULT_SESSION_MODEL, neighbours: 100, sample: 500, recencyUnit: 'none', spw: FLAT, inh: FLAT, ipw: FLAT, idf: 0 },
  stan: { ...DEFAULT_SESSION_MODEL, ipw: FLAT, idf: 0 },
  vstan: { ...DEFAULT_SESSION_MODEL },
} satisfies Record<string, SessionModel>;

export type SessionKnnBaseline = keyof typeof SESSION_KNN_BASELINES;

export function createSessionKnnBaseline(name: SessionKnnBaseline, data: EvalData): NextItemModel {
  const items = data.itemIds.length;
  const sessions = buildSessionIndex(trainingLog(data));
  const index = sessions ? buildSessionKnnIndex(sessions, items, SESSION_KNN_BASELINES[name]) : null;
  const scores = new Float32Array(items);
  return {
    name,
    predict(prefix, _times, k) {
      if (index === null) return [];
      scores.fill(0);
      sessionKnnScores(index, prefix, scores);
      const scored: number[] = [];
      for (let i = 0; i < items; i++) if (scores[i]! > 0) scored.push(i);
      // Best first; equal scores: lower item index, as the engine's top-k.
      scored.sort((a, b) => scores[b]! - scores[a]! || a - b);
      return scored.slice(0, k);
    },
  };
}
