/**
 * Consent scopes and the consent record. The page collects signals (explicit API, IAB TCF v2.2,
 * Google Consent Mode v2); the worker enforces them. "No signal" means `necessary` only: nothing
 * about the visitor is persisted anywhere.
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
