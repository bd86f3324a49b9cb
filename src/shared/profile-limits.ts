/**
 * The shop's bounds on what the visitor profile keeps. Shared: the page checks them when
 * `createVitrine` is called, the worker again when they arrive.
 */
import { VitrineError } from './errors.ts';

/** The shop's bounds on what the profile keeps. */
export interface ProfileLimits {
  /** Cap on stored raw events (an integer >= 1). */
  maxEvents?: number;
  /** Raw events older than this many days are folded into the aggregates (> 0). */
  maxAgeDays?: number;
}

/** Checks limits from the page; `INVALID_REQUEST` names the bad field. */
export function validateLimits(value: unknown): ProfileLimits {
  if (typeof value !== 'object' || value === null)
    throw new VitrineError('INVALID_REQUEST', 'limits: must be an object', { field: 'limits' });
  const { maxEvents, maxAgeDays } = value as Record<string, unknown>;
  if (maxEvents !== undefined && !(Number.isInteger(maxEvents) && (maxEvents as number) >= 1)) {
    throw new VitrineError('INVALID_REQUEST', 'maxEvents: must be an integer >= 1', { field: 'maxEvents' });
  }
  if (maxAgeDays !== undefined && !(typeof maxAgeDays === 'number' && Number.isFinite(maxAgeDays) && maxAgeDays > 0)) {
    throw new VitrineError('INVALID_REQUEST', 'maxAgeDays: must be a number > 0', { field: 'maxAgeDays' });
  }
  return { ...(maxEvents !== undefined ? { maxEvents: maxEvents as number } : {}), ...(maxAgeDays !== undefined ? { maxAgeDays } : {}) };
}
