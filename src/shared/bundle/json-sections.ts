/**
 * Shape checks for the JSON sections (meta, model weights, session model). The bandit priors are
 * checked where they are used, by the lazily loaded bandits (src/worker/bandit/priors.ts).
 */
import { VitrineError } from '../errors.ts';
import { isRecord } from '../validation.ts';
import { RECENCY_UNITS, SESSION_MODEL_LIMITS } from './session-model.ts';
import type { BuildMeta, ModelWeights, SessionModel } from './types.ts';
import type { SectionEntry } from './table.ts';

function malformed(entry: SectionEntry, message: string): never {
  throw new VitrineError('BUNDLE_SECTION_MALFORMED', `section ${entry.name}: ${message}`, { section: entry.name, offset: entry.offset });
}

/** JSON.parse turns 1e999 into Infinity, so JSON numbers still need a finiteness check. */
function finiteNumber(entry: SectionEntry, value: unknown, what: string): number {
  if (typeof value !== 'number') malformed(entry, `${what} must be a number`);
  if (!Number.isFinite(value)) {
    throw new VitrineError('BUNDLE_NON_FINITE', `section ${entry.name}: ${what} is ${value}`, {
      section: entry.name,
      offset: entry.offset,
      field: what,
    });
  }
  return value;
}

export function validateMeta(entry: SectionEntry, value: unknown): BuildMeta {
  if (!isRecord(value)) malformed(entry, 'must be a JSON object');
  for (const key of ['builder', 'builtAt', 'embeddingSource'] as const) {
    if (typeof value[key] !== 'string') malformed(entry, `${key} must be a string`);
  }
  const dim = finiteNumber(entry, value.dim, 'dim');
  if (!Number.isInteger(dim) || dim < 1) malformed(entry, 'dim must be a positive integer');
  if (value.dtype !== 'f32' && value.dtype !== 'i8') malformed(entry, "dtype must be 'f32' or 'i8'");
  if (!isRecord(value.sourceCounts)) malformed(entry, 'sourceCounts must be an object');
  for (const [key, count] of Object.entries(value.sourceCounts)) finiteNumber(entry, count, `sourceCounts.${key}`);
  return value as unknown as BuildMeta;
}

export function validateModelWeights(entry: SectionEntry, value: unknown): ModelWeights {
  if (!isRecord(value)) malformed(entry, 'must be a JSON object');
  for (const [component, weight] of Object.entries(value)) finiteNumber(entry, weight, component);
  return value as ModelWeights;
}

/**
 * Checks a session model's shape (the bundle section and the model file share it); `fail` reports
 * the first bad field and does not return.
 */
export function decodeSessionModel(value: unknown, fail: (field: string, message: string) => never): SessionModel {
  if (!isRecord(value)) fail('(object)', 'must be a JSON object');
  if (value.version !== 1) fail('version', 'must be 1');
  for (const key of ['neighbours', 'sample'] as const) {
    const count = value[key];
    const [min, max] = SESSION_MODEL_LIMITS[key];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < min || count > max)
      fail(key, `must be an integer in ${min}..${max}`);
  }
  if (!(RECENCY_UNITS as readonly unknown[]).includes(value.recencyUnit)) fail('recencyUnit', `must be one of ${RECENCY_UNITS.join(', ')}`);
  for (const key of ['recencyScale', 'spw', 'inh', 'ipw'] as const) {
    const number = value[key];
    if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) fail(key, 'must be a finite number > 0');
  }
  if (typeof value.idf !== 'number' || !Number.isFinite(value.idf) || value.idf < 0) fail('idf', 'must be a finite number >= 0');
  if (value.note !== undefined && typeof value.note !== 'string') fail('note', 'must be a string');
  return value as unknown as SessionModel;
}

export function validateSessionModel(entry: SectionEntry, value: unknown): SessionModel {
  return decodeSessionModel(value, (field, message) => malformed(entry, `${field} ${message}`));
}
