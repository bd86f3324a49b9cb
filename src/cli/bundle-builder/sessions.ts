/**
 * Collaborative signal from an events log: co-visitation and co-purchase graphs, and each
 * product's count of browsing sessions. Rules (docs/cli.md, "Events"):
 * - co-visitation, from views only: within a session (ordered by time, repeated consecutive views
 *   collapsed), each pair of distinct products at most `COVISIT_WINDOW` views apart adds
 *   1 / distance (once per session, its best);
 * - co-purchase, from carts and purchases only: each pair of distinct products carted or bought in
 *   the same session adds 1 (a DummyJSON cart is one such session, and feeds co-purchase alone: it
 *   says nothing about browsing);
 * - each graph's pair totals become evidence-weighted strengths (`./link-strength.ts`), with
 *   products counted over the sessions that feed that graph; each row is cut to the top M;
 * - a co-visitation pair needs two sessions (`MIN_COVISIT_SESSIONS`); one basket makes a co-purchase link.
 */
import type { CsrGraph } from '../../shared/bundle/types.ts';
import { PairWeights, emptyCsr, pairsToCsr } from './csr.ts';
import { EventType, type EventLog } from './events.ts';
import { MIN_COVISIT_SESSIONS, linkStrength } from './link-strength.ts';

/** Products further apart than this in a session are not counted as co-visited. */
export const COVISIT_WINDOW = 5;
/** Larger purchase sessions are cut (first items kept) to bound the quadratic pair count. */
const MAX_BASKET = 50;

export interface SessionGraphs {
  covisitation: CsrGraph;
  copurchase: CsrGraph;
  /** Per product, the number of sessions in which it was viewed. */
  viewSessions: Uint32Array;
}

/** Event indices ordered by session, then time (file order when times are missing or equal). */
export function sessionOrder(log: EventLog): Uint32Array {
  const order = new Uint32Array(log.count);
  for (let i = 0; i < log.count; i++) order[i] = i;
  const { session, time } = log;
  order.sort((a, b) => session[a]! - session[b]! || time[a]! - time[b]! || 0 || a - b);
  return order;
}

/** Pair totals of one graph, with each product's count of the sessions that fed it. */
class PairCounts {
  readonly pairs: PairWeights;
  readonly productSessions: Uint32Array;
  constructor(n: number) {
    this.pairs = new PairWeights(n);
    this.productSessions = new Uint32Array(n);
  }

  /** Pairs seen in fewer than `minSessions` sessions are left out. */
  toCsr(topM: number, minSessions: number): CsrGraph {
    const count = this.productSessions;
    return pairsToCsr(this.pairs, topM, (a, b, w) => linkStrength(w, count[a]!, count[b]!), minSessions);
  }
}

/** `onProgress` gets the events done (of `log.count`), for a progress bar. */
export function sessionGraphs(log: EventLog, n: number, topM: number, onProgress?: (events: number) => void): SessionGraphs {
  if (log.count === 0) return { covisitation: emptyCsr(n), copurchase: emptyCsr(n), viewSessions: new Uint32Array(n) };
  const order = sessionOrder(log);
  const covisit = new PairCounts(n);
  const copurchase = new PairCounts(n);
  const views: number[] = [];
  const basket = new Set<number>();
  const local = new Map<number, number>();

  const flush = () => {
    // Per-session maximum per pair: a shopper bouncing between two items counts once.
    local.clear();
    for (let i = 0; i < views.length; i++) {
      for (let j = i + 1; j < views.length && j - i <= COVISIT_WINDOW; j++) {
        const a = views[i]!;
        const b = views[j]!;
        if (a === b) continue;
        const key = a < b ? a * n + b : b * n + a;
        const w = 1 / (j - i);
        if ((local.get(key) ?? 0) < w) local.set(key, w);
      }
    }
    for (const [key, w] of local) covisit.pairs.add(Math.floor(key / n), key % n, w);
    for (const p of new Set(views)) covisit.productSessions[p]!++;
    const items = [...basket].slice(0, MAX_BASKET);
    for (const p of items) copurchase.productSessions[p]!++;
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) copurchase.pairs.add(items[i]!, items[j]!, 1);
    views.length = 0;
    basket.clear();
  };

  let current = -1;
  for (let k = 0; k < order.length; k++) {
    const e = order[k]!;
    if ((k & 65535) === 0) onProgress?.(k);
    if (log.session[e] !== current) {
      flush();
      current = log.session[e]!;
    }
    const p = log.product[e]!;
    if (log.type[e] === EventType.view) {
      if (views[views.length - 1] !== p) views.push(p);
    } else basket.add(p);
  }
  flush();

  return {
    covisitation: covisit.toCsr(topM, MIN_COVISIT_SESSIONS),
    copurchase: copurchase.toCsr(topM, 1),
    viewSessions: covisit.productSessions,
  };
}
