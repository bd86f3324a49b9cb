/**
 * The session-kNN (V-STAN) constants a bundle ships in its optional `sessionModel` section: fitted
 * per shop by `vitrine bundle build`, or the published defaults when a bundle has none (older
 * bundles) or its log was too small to fit them.
 */
import type { SessionModel } from './types.ts';

/** How a neighbour's age lowers its similarity. */
export const RECENCY_UNITS: readonly SessionModel['recencyUnit'][] = ['seconds', 'sessions', 'none'];

/**
 * V-STAN's published defaults (Ludewig, Latifi & Jannach, UMUAI 2021; session-rec's `vstan.py`),
 * used by every bundle without a `sessionModel` section.
 */
export const DEFAULT_SESSION_MODEL: Readonly<SessionModel> = Object.freeze({
  version: 1,
  neighbours: 500,
  sample: 5000,
  recencyUnit: 'seconds',
  // 5 days: V-STAN's λ_snh.
  recencyScale: 5 * 86_400,
  spw: 1.02,
  inh: 2.05,
  ipw: 1.02,
  idf: 5,
});

/** The integer constants' bounds (a bundle outside them is malformed, not merely odd). */
export const SESSION_MODEL_LIMITS = {
  neighbours: [1, 100_000],
  sample: [1, 10_000_000],
} as const;
