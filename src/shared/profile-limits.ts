/**
 * The shop's bounds on what the visitor profile keeps. Shared: the page checks them when
 * `createVitrine` is called, the worker again when they arrive.
 */
import { invalidRequest } from './validation.ts';

/** The shop's bounds on what the profile keeps. */
export interface ProfileLimits {
  /** Cap on stored raw events (an integer >= 1). */
  maxEvents?: number;
  /** Raw events older than this many days are folded into the aggregates (> 0). */
  maxAgeDays?: number;
}

/** Checks limits from the page; `INVALID_REQUEST` names the bad field. */
export function validateLimits(value: unknown): ProfileLimits {
  if (typeof value !== 'object' || value === null) throw invalidRequest('limits', 'must be an object');
  const { maxEvents, maxAgeDays } = value as Record<string, unknown>;
  if (maxEvents !== undefined && !(Number.isInteger(maxEvents) && (maxEvents as number) >= 1)) {
    throw invalidRequest('maxEvents', 'must be an integer >= 1');
  }
  if (maxAgeDays !== undefined && !(typeof maxAgeDays === 'number' && Number.isFinite(maxAgeDays) && maxAgeDays > 0)) {
    throw invalidRequest('maxAgeDays', 'must be a number > 0');
  }
  return { ...(maxEvents !== undefined ? { maxEvents: maxEvents as number } : {}), ...(maxAgeDays !== undefined ? { maxAgeDays } : {}) };
}
