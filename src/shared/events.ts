/**
 * Visitor events: what the page reports (`track`) and what the profile stores. Validation lives
 * here so the page, the worker and tests agree on what a well-formed event is.
 */

export const EVENT_TYPES = [
  'view',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'search',
  'impression',
  'click',
  'dismiss',
] as const;
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
