/**
 * The building blocks every validator of what the page sends uses (request options, rules, visit
 * context, consent signals): one error shape, one notion of "an object", one unknown-key check.
 */
import { VitrineError } from './errors.ts';

/** `INVALID_REQUEST` saying `field: message`, with `details.field` naming the bad field. */
export function invalidRequest(field: string, message: string, extra: Record<string, string | number> = {}): VitrineError {
  return new VitrineError('INVALID_REQUEST', `${field}: ${message}`, { field, ...extra });
}

/** A plain object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with only `known` keys; a typo (`maxPerBrnad`) is an error, never silently ignored. */
export function knownKeysRecord(value: unknown, field: string, known: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw invalidRequest(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw invalidRequest(`${field}.${key}`, `unknown key "${key}"; known: ${known.join(', ')}`);
  }
  return value;
}
