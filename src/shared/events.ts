/**
 * Visitor events: what the page reports (`track`) and what the profile stores. Validation lives
 * here so the page, the worker and tests agree on what a well-formed event is.
 */
import { VitrineError } from './errors.ts';

export const EVENT_TYPES = ['view', 'add_to_cart', 'remove_from_cart', 'purchase', 'search', 'impression', 'click', 'dismiss'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as the page reports it. */
export interface TrackEvent {
  type: EventType;
  /** Product id; required for every type but `search`. */
  product?: string;
  /** Search query text, for `search`. */
  query?: string;
  /** Price the visitor saw, in the bundle's currency. */
  price?: number;
  /** Placement of a recommendation (`impression`, `click`, `dismiss`), e.g. `'similar'`. */
  placement?: string;
  /** Bandit arm / strategy that produced the recommendation. */
  arm?: string;
  /** ms since epoch; defaults to the engine clock. */
  time?: number;
}

/** An event as stored: validated, timed, numbered. */
export interface StoredEvent extends TrackEvent {
  time: number;
}

/**
 * What became of one `track()` call: recorded (in the profile: written to IndexedDB with consent,
 * else held in worker memory), or dropped at once because too many events were already waiting on
 * the page (`queue-full`; counted in `status().profile.dropped`). A dropped event is not retried.
 */
export type TrackOutcome = { recorded: true } | { recorded: false; reason: 'queue-full' };

/** The fields an event may carry; anything else is dropped (`validateEvent`, `pickEventFields`). */
export const EVENT_FIELDS = ['type', 'product', 'query', 'price', 'placement', 'arm', 'time'] as const;

/**
 * The page's copy of an event before it crosses to the worker: only the known fields, each plain
 * data. A DOM node or a function would otherwise fail `postMessage` as an opaque DataCloneError;
 * here it is `INVALID_EVENT` naming the field. The worker checks everything else (`validateEvent`).
 */
export function pickEventFields(value: unknown): TrackEvent {
  if (typeof value != 'object' || !value) throw invalidEvent('event', 'must be an object');
  const event: Record<string, unknown> = {};
  for (const field of EVENT_FIELDS) {
    const given = (value as Record<string, unknown>)[field];
    if (given === undefined) continue;
    // Also a Symbol, which postMessage cannot copy either.
    if (typeof given != 'string' && typeof given != 'number') throw invalidEvent(field, 'must be a string or a number');
    event[field] = given;
  }
  return event as unknown as TrackEvent;
}

/** Longest product id, query, placement or arm string an event may carry. */
export const MAX_EVENT_STRING = 512;

/**
 * Earliest event time accepted: 2000-01-01 UTC, before any Vitrine bundle existed. An earlier time
 * is a unit mistake (seconds for milliseconds lands in January 1970) or garbage.
 */
export const EVENT_TIME_FLOOR = 946_684_800_000;
/** How far past the engine clock a reported time may be: page and worker clocks differ a little, a visit never happens later. */
export const MAX_EVENT_FUTURE_MS = 5 * 60_000;

function invalidEvent(field: string, message: string): VitrineError {
  return new VitrineError('INVALID_EVENT', `${field}: ${message}`, { field });
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalidEvent(field, 'must be a non-empty string');
  if (value.length > MAX_EVENT_STRING) throw invalidEvent(field, `at most ${MAX_EVENT_STRING} characters`);
  return value;
}

/**
 * Checks an event from the page (or a record read back from storage) and returns a fresh plain
 * object holding only the known fields, so nothing else (functions, prototypes, extra keys) is
 * stored. `now` is the engine clock, used when the event carries no time; the time must lie between
 * `EVENT_TIME_FLOOR` and `latest` (readers of stored records pass a later bound: a clock set back
 * must not make a visit's own records unreadable).
 * @throws VitrineError `INVALID_EVENT` with `details.field` naming the first bad field.
 */
export function validateEvent(value: unknown, now: number, latest = now + MAX_EVENT_FUTURE_MS): StoredEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidEvent('event', 'must be an object');
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw invalidEvent('type', `must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const product = optionalString(record.product, 'product');
  const query = optionalString(record.query, 'query');
  if (type === 'search' ? query === undefined : product === undefined) {
    throw invalidEvent(type === 'search' ? 'query' : 'product', `is required by type "${type}"`);
  }
  const price = record.price;
  if (price !== undefined && (typeof price !== 'number' || !Number.isFinite(price) || price < 0)) {
    throw invalidEvent('price', 'must be a finite number >= 0');
  }
  const time = record.time ?? now;
  // Stored times are UTC milliseconds. NaN would poison every decay computed from them, and a time
  // past what a Date holds (8.64e15) would make every later export throw RangeError.
  if (typeof time !== 'number' || !(time >= EVENT_TIME_FLOOR && time <= latest)) {
    throw invalidEvent('time', 'must be ms since epoch, from 2000 to 5 min past now');
  }
  const event: StoredEvent = { type: type as EventType, time };
  if (product !== undefined) event.product = product;
  if (query !== undefined) event.query = query;
  if (price !== undefined) event.price = price;
  const placement = optionalString(record.placement, 'placement');
  if (placement !== undefined) event.placement = placement;
  const arm = optionalString(record.arm, 'arm');
  if (arm !== undefined) event.arm = arm;
  return event;
}
