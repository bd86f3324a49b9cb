/**
 * The session-rec baselines, so a reader can check this harness against the framework's published
 * numbers on the same split. Each follows the description of its session-rec namesake
 * (algorithms/baselines/pop.py, spop.py, algorithms/knn/iknn.py); equal scores are broken by the
 * lower item index, as the engine's top-k does, where session-rec's sort leaves them arbitrary.
 */
import { itemEventCounts } from './next-item-protocol.ts';
import type { EvalSession, NextItemModel } from './types.ts';

/** Item indices by training event count, most popular first (ties: lower index first). */
export function popularityOrder(counts: Float64Array): Int32Array {
  const order = Int32Array.from(counts, (_, i) => i);
  order.sort((a, b) => counts[b]! - counts[a]! || a - b);
  return order;
}

/** POP: the same list for everyone, the most clicked training items. */
export function createPop(train: readonly EvalSession[], itemCount: number): NextItemModel {
  const order = popularityOrder(itemEventCounts(train, itemCount));
  return {
    name: 'pop',
    predict: (_prefix, _times, k) => order.subarray(0, k),
  };
}

/**
 * S-POP: the items of the current session by how often the session clicked them; ties, and the
 * slots left over, go by global popularity (session-rec scores count + supp / (1 + supp)).
 */
export function createSpop(train: readonly EvalSession[], itemCount: number): NextItemModel {
  const order = popularityOrder(itemEventCounts(train, itemCount));
  const popRank = new Int32Array(itemCount);
  order.forEach((item, rank) => (popRank[item] = rank));
  return {
    name: 'spop',
    predict(prefix, _times, k) {
      const inSession = new Map<number, number>();
      for (const item of prefix) inSession.set(item, (inSession.get(item) ?? 0) + 1);
      const list = [...inSession.keys()].sort((a, b) => inSession.get(b)! - inSession.get(a)! || popRank[a]! - popRank[b]!);
      list.length = Math.min(list.length, k);
      for (let r = 0; list.length < k && r < order.length; r++) {
        const item = order[r]!;
        if (!inSession.has(item)) list.push(item);
      }
      return list;
    },
  };
}

export interface ItemKnnOptions {
  /** Neighbours kept per item (session-rec `n_sims`, default 100). */
  neighbours?: number;
  /** Support regularisation: damps similarities of rare items (session-rec `lmbd`, default 20). */
  lambda?: number;
  /** 0.5 = cosine, 1 = confidence (session-rec `alpha`, default 0.5). */
  alpha?: number;
}

/** Neighbour lists of every item, compressed: item i's are `items[offsets[i] .. offsets[i+1])`, best first. */
export interface NeighbourLists {
  offsets: Int32Array;
  items: Int32Array;
  scores: Float64Array;
}

/**
 * Item-to-item similarity over training sessions (session-rec's ItemKNN): for items i ≠ j,
 * s(i,j) = co(i,j) / ((supp_i + λ)^α · (supp_j + λ)^(1-α)), where co counts, for each event of i,
 * the sessions of that event that hold j, and supp counts events. Counting per event rather than
 * per distinct session is what session-rec's fit does, and it is what its published numbers were
 * measured with (see the test for how the set-based count compares).
 */
export function itemNeighbours(train: readonly EvalSession[], itemCount: number, options: ItemKnnOptions = {}): NeighbourLists {
  const { neighbours = 100, lambda = 20, alpha = 0.5 } = options;
  const support = itemEventCounts(train, itemCount);
  const cooccurrence: Array<Map<number, number> | undefined> = new Array(itemCount);
  for (const session of train) {
    const distinct = [...new Set(session.items)];
    for (const i of session.items) {
      let row = cooccurrence[i];
      if (row === undefined) cooccurrence[i] = row = new Map();
      for (const j of distinct) if (j !== i) row.set(j, (row.get(j) ?? 0) + 1);
    }
  }
  const offsets = new Int32Array(itemCount + 1);
  const items: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const row = cooccurrence[i];
    if (row !== undefined) {
      const left = Math.pow(support[i]! + lambda, alpha);
      const scored = [...row].map(([j, co]) => ({ j, s: co / (left * Math.pow(support[j]! + lambda, 1 - alpha)) }));
      scored.sort((a, b) => b.s - a.s || a.j - b.j);
      for (const { j, s } of scored.slice(0, neighbours)) {
        items.push(j);
        scores.push(s);
      }
    }
    offsets[i + 1] = items.length;
  }
  return { offsets, items: Int32Array.from(items), scores: Float64Array.from(scores) };
}

/**
 * Item-kNN: the nearest neighbours of the session's last item only. Items that never shared a
 * session with it score 0 and are not listed, so the list can be shorter than k.
 */
export function createItemKnn(train: readonly EvalSession[], itemCount: number, options: ItemKnnOptions = {}): NextItemModel {
  const { offsets, items } = itemNeighbours(train, itemCount, options);
  return {
    name: 'iknn',
    predict(prefix, _times, k) {
      const last = prefix[prefix.length - 1];
      if (last === undefined) return [];
      const start = offsets[last]!;
      return items.subarray(start, Math.min(offsets[last + 1]!, start + k));
    },
  };
}
