/**
 * The visitor as one request sees them: this visit's product events (the session), everything
 * stored (the history, with consent), the cart, what was bought or dismissed, and the derived
 * affinities. Built fresh per request from the profile store's events, so ranking never reads a
 * half-applied state.
 */
import type { StoredEvent } from '../shared/events.ts';
import type { NormalizedContext } from '../shared/request.ts';
import type { Affinities } from './profile/affinities.ts';
import type { Bundle } from '../shared/bundle/types.ts';

/** A pause longer than this starts a new session (the common web-analytics convention). */
export const SESSION_GAP_MS = 30 * 60_000;

/** What the engine is handed about the visitor (by the worker, or by the offline evaluation). */
export interface VisitorInput {
  /** Raw events, oldest first: this tab's memory events, plus the stored profile with consent. */
  events: readonly StoredEvent[];
  /** Long-term affinities, or null without personalization consent. */
  affinities: Affinities | null;
  now: number;
}

/** One product event mapped to a bundle row. */
export interface RowEvent {
  row: number;
  type: StoredEvent['type'];
  time: number;
  /** Price the visitor saw, when the page reported it. */
  price: number | undefined;
}

export interface Visitor {
  now: number;
  /** This visit's product views and carts, oldest first (page-given `recent` ids included as views). */
  session: RowEvent[];
  /** Every product event with a known row, oldest first. */
  history: RowEvent[];
  /** This visit's raw events and all raw events, for the traits. */
  sessionEvents: StoredEvent[];
  events: readonly StoredEvent[];
  affinities: Affinities | null;
  /** Rows in the cart now (added, not removed, not bought since), most recent first. */
  cart: number[];
  purchased: Set<number>;
  dismissed: Set<number>;
}

export const NO_VISITOR: VisitorInput = { events: [], affinities: null, now: 0 };

/** Product events that say the visitor looked at or wanted the product. */
const SESSION_TYPES = new Set<StoredEvent['type']>(['view', 'click', 'add_to_cart', 'purchase']);

export function buildVisitor(bundle: Bundle, input: VisitorInput, context: NormalizedContext, cartIds: string[] | null): Visitor {
  const { products } = bundle;
  const history: RowEvent[] = [];
  const purchased = new Set<number>();
  const dismissed = new Set<number>();
  const cart: number[] = [];
  const events = input.events;
  const sessionStart = sessionStartOf(events, input.now);
  const session: RowEvent[] = [];
  events.forEach((event, i) => {
    if (event.product === undefined) return;
    const row = products.indexOf(event.product);
    if (row < 0) return;
    const rowEvent: RowEvent = { row, type: event.type, time: event.time, price: event.price };
    if (event.type === 'purchase') purchased.add(row);
    if (event.type === 'dismiss') dismissed.add(row);
    if (event.type === 'add_to_cart' && !cart.includes(row)) cart.unshift(row);
    if (event.type === 'remove_from_cart' || event.type === 'purchase') {
      const at = cart.indexOf(row);
      if (at >= 0) cart.splice(at, 1);
    }
    if (!SESSION_TYPES.has(event.type)) return;
    history.push(rowEvent);
    if (i >= sessionStart) session.push(rowEvent);
  });
  // Ids the page passes (most recent first) count as views just before now, oldest first.
  const given: RowEvent[] = [];
  context.recent.forEach((id, i) => {
    const row = products.indexOf(id);
    if (row >= 0) given.unshift({ row, type: 'view', time: input.now - i, price: undefined });
  });
  const pageCart = cartIds?.map((id) => products.indexOf(id)).filter((row) => row >= 0);
  return {
    now: input.now,
    session: given.length > 0 ? mergeByTime(session, given) : session,
    history,
    sessionEvents: events.slice(sessionStart),
    events,
    affinities: input.affinities,
    cart: pageCart ?? cart,
    purchased,
    dismissed,
  };
}

/** Index of this visit's first event: events after the last pause longer than SESSION_GAP_MS. */
export function sessionStartOf(events: readonly StoredEvent[], now: number): number {
  let start = events.length;
  for (let i = events.length - 1; i >= 0; i--) {
    const next = i + 1 < events.length ? events[i + 1]!.time : now;
    if (next - events[i]!.time > SESSION_GAP_MS) break;
    start = i;
  }
  return start;
}

function mergeByTime(a: RowEvent[], b: RowEvent[]): RowEvent[] {
  return [...a, ...b].sort((x, y) => x.time - y.time);
}
