/**
 * Collaborative signal from an events log: co-visitation and co-purchase graphs, and each
 * product's session count. Rules (docs/cli.md, "Events"):
 * - co-visitation: within a session (ordered by time, repeated consecutive views collapsed), each
 *   pair of distinct products at most `COVISIT_WINDOW` positions apart adds 1 / distance;
 * - co-purchase: each pair of distinct products carted or bought in the same session adds 1
 *   (a DummyJSON cart is one such session);
 * - both are cosine-normalised, w(a,b) / sqrt(n(a) · n(b)), n = sessions holding the product
 *   (for co-purchase: sessions where it was carted or bought), then cut to the top M per product.
 */
import type { CsrGraph } from '../../shared/bundle/types.ts';
import { PairWeights, emptyCsr, pairsToCsr } from './csr.ts';
import { EventType, type EventLog } from './events.ts';

/** Products further apart than this in a session are not counted as co-visited. */
export const COVISIT_WINDOW = 5;
/** Larger purchase sessions are cut (first items kept) to bound the quadratic pair count. */
const MAX_BASKET = 50;

export interface SessionGraphs {
  covisitation: CsrGraph;
  copurchase: CsrGraph;
  /** Per product, the number of sessions it appears in. */
  sessionCount: Uint32Array;
}

/** Event indices ordered by session, then time (file order when times are missing or equal). */
export function sessionOrder(log: EventLog): Uint32Array {
  const order = new Uint32Array(log.count);
  for (let i = 0; i < log.count; i++) order[i] = i;
  const { session, time } = log;
  order.sort((a, b) => session[a]! - session[b]! || time[a]! - time[b]! || 0 || a - b);
  return order;
}

export function sessionGraphs(log: EventLog, n: number, topM: number): SessionGraphs {
  if (log.count === 0) return { covisitation: emptyCsr(n), copurchase: emptyCsr(n), sessionCount: new Uint32Array(n) };
  const order = sessionOrder(log);
  const covisit = new PairWeights(n);
  const copurchase = new PairWeights(n);
  const sessionCount = new Uint32Array(n);
  const basketCount = new Uint32Array(n);
  const seq: number[] = [];
  const basket = new Set<number>();
  const seen = new Set<number>();
  const local = new Map<number, number>();

  const flush = () => {
    // Per-session maximum per pair: a shopper bouncing between two items counts once.
    local.clear();
    for (let i = 0; i < seq.length; i++) {
      for (let j = i + 1; j < seq.length && j - i <= COVISIT_WINDOW; j++) {
        const a = seq[i]!;
        const b = seq[j]!;
        if (a === b) continue;
        const key = a < b ? a * n + b : b * n + a;
        const w = 1 / (j - i);
        if ((local.get(key) ?? 0) < w) local.set(key, w);
      }
    }
    for (const [key, w] of local) covisit.add(Math.floor(key / n), key % n, w);
    for (const p of seen) sessionCount[p]!++;
    const items = [...basket].slice(0, MAX_BASKET);
    for (const p of items) basketCount[p]!++;
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) copurchase.add(items[i]!, items[j]!, 1);
    seq.length = 0;
    basket.clear();
    seen.clear();
  };

  let current = -1;
  for (let k = 0; k < order.length; k++) {
    const e = order[k]!;
    if (log.session[e] !== current) {
      flush();
      current = log.session[e]!;
    }
    const p = log.product[e]!;
    if (seq[seq.length - 1] !== p) seq.push(p);
    seen.add(p);
    if (log.type[e]! >= EventType.cart) basket.add(p);
  }
  flush();

  return {
    covisitation: pairsToCsr(covisit, topM, (a, b, w) => w / Math.sqrt(sessionCount[a]! * sessionCount[b]!)),
    copurchase: pairsToCsr(copurchase, topM, (a, b, w) => w / Math.sqrt(basketCount[a]! * basketCount[b]!)),
    sessionCount,
  };
}
