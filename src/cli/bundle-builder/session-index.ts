/**
 * The training sessions shipped for the session-kNN component: each session's products in event
 * order and how long before the log's last event it ended. Only the most recent sessions are kept
 * (neighbours are sampled by recency anyway), and each is cut to its last events so one bot-like
 * session cannot bloat the bundle. A session without a single view (a bare cart or order, like a
 * DummyJSON cart) is not a browsing session: it feeds co-purchase only, never session-kNN's
 * "visitors who viewed this went on to…".
 */
import type { SessionIndex } from '../../shared/bundle/types.ts';
import { sessionOrder } from './sessions.ts';
import { EventType, type EventLog } from './events.ts';

/** Default cap on shipped sessions (~17 MB of u32 items at 20 events each would be far above). */
export const DEFAULT_MAX_SESSIONS = 100_000;
/** Longest session shipped; earlier events are dropped (the kNN weighs recent positions most). */
export const MAX_SESSION_EVENTS = 50;

interface Span {
  start: number;
  end: number;
  /** Last event time, ms (NaN without times). */
  last: number;
}

export function buildSessionIndex(log: EventLog, maxSessions = DEFAULT_MAX_SESSIONS): SessionIndex | undefined {
  if (log.count === 0 || maxSessions <= 0) return undefined;
  const order = sessionOrder(log);
  const spans: Span[] = [];
  let start = 0;
  let viewed = log.type[order[0]!] === EventType.view;
  for (let k = 1; k <= order.length; k++) {
    if (k < order.length && log.session[order[k]!] === log.session[order[start]!]) {
      viewed ||= log.type[order[k]!] === EventType.view;
      continue;
    }
    // A one-event session shares nothing beyond its single item: it can never be a useful neighbour.
    if (viewed && k - start >= 2) spans.push({ start: Math.max(start, k - MAX_SESSION_EVENTS), end: k, last: log.time[order[k - 1]!]! });
    start = k;
    viewed = k < order.length && log.type[order[k]!] === EventType.view;
  }
  if (spans.length === 0) return undefined;
  const timed = spans.every((span) => Number.isFinite(span.last));
  // Most recent first when times exist; stable (file order) otherwise.
  if (timed) spans.sort((a, b) => b.last - a.last);
  const kept = spans.slice(0, maxSessions);
  const reference = timed ? kept[0]!.last : NaN;
  const offsets = new Uint32Array(kept.length + 1);
  let total = 0;
  kept.forEach((span, s) => {
    total += span.end - span.start;
    offsets[s + 1] = total;
  });
  const items = new Uint32Array(total);
  const age = new Float32Array(kept.length);
  kept.forEach((span, s) => {
    for (let k = span.start; k < span.end; k++) items[offsets[s]! + k - span.start] = log.product[order[k]!]!;
    age[s] = timed ? (reference - span.last) / 1000 : 0;
  });
  return { offsets, items, age, referenceTime: timed ? Math.floor(reference / 1000) : 0 };
}
