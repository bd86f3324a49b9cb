/**
 * Consent as both sides see it: the scopes, a signal the page sends, the record the worker keeps
 * and the message tabs share. The page collects signals (explicit API, IAB TCF v2.2, Google
 * Consent Mode v2); the worker enforces them. "No signal" means `necessary` only: nothing about
 * the visitor is persisted anywhere.
 */

export const CONSENT_SCOPES = ['necessary', 'personalization', 'measurement'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** Where the last consent signal came from. */
export type ConsentSource = 'default' | 'api' | 'tcf' | 'consent-mode';

export interface ConsentState {
  /** The profile may persist in IndexedDB. */
  personalization: boolean;
  /** Aggregate, non-identifying counts may be sent to the shop's configured endpoint. */
  measurement: boolean;
  source: ConsentSource;
  /** When this state was decided, ms since epoch. */
  updatedAt: number;
}

/** What "no signal" means: only what is strictly necessary, nothing persisted. */
export const DEFAULT_CONSENT: ConsentState = {
  personalization: false,
  measurement: false,
  source: 'default',
  updatedAt: 0,
};

/** A consent choice: the scopes it names change, the others keep their value. */
export interface ConsentChoice {
  /** The profile may persist in IndexedDB. Revoking deletes everything persisted before resolving. */
  personalization?: boolean;
  /** Aggregate counts may go to the configured endpoint. */
  measurement?: boolean;
}

/** One signal: the scopes it speaks about (others keep their value), where it came from, when. */
export interface ConsentSignal extends ConsentChoice {
  source: Exclude<ConsentSource, 'default'>;
  /** ms since epoch when the page received the signal; default the worker clock. */
  time?: number;
}

/** The consent record `consent()` returns. */
export interface ConsentRecord extends ConsentState {
  /** Earlier states, newest first, at most `CONSENT_HISTORY_LIMIT`. */
  history: ConsentState[];
}

/** How many earlier states the record keeps: enough to show "changed at … by …", not a log. */
export const CONSENT_HISTORY_LIMIT = 10;

/** Name of the channel on which the workers of one origin share consent changes (pages listen too). */
export const CONSENT_CHANNEL = 'vitrine-consent';

/** What a worker posts on `CONSENT_CHANNEL` when its consent changes. */
export interface ConsentChannelMessage {
  type: 'consent';
  state: ConsentState;
}
