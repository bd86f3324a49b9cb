/**
 * Checks a priors file (`data-bandit-priors`, written by `vitrine bandit fold`) and the names in it.
 * The worker reads it from the network and the fold from disk: both trust nothing in it, and an
 * error names the bad field (`experiments.hero.all.b.alpha`) so a shop can fix it.
 */
import { VitrineError } from '../errors.ts';
import type { ArmPrior, PriorsFile } from './counts.ts';

/** Caps that keep a priors file (and an arm-count batch) small: a shop runs a few experiments of 2–50 arms. */
export const PRIORS_LIMITS = { experiments: 200, segments: 64, arms: 100, nameLength: 64, bytes: 1_000_000 } as const;

/** Largest alpha or beta: more evidence than any shop's traffic, small enough to stay exact in f64 sums. */
export const MAX_PRIOR_PARAMETER = 1e12;

function bad(field: string, message: string): VitrineError {
  return new VitrineError('PRIORS_INVALID', `${field}: ${message}`, { field });
}

/** A name of an experiment, segment or arm: a non-empty string of at most 64 characters. */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= PRIORS_LIMITS.nameLength;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(field, 'must be an object');
  return value as Record<string, unknown>;
}

function entries(value: unknown, field: string, limit: number): [string, unknown][] {
  const list = Object.entries(object(value, field));
  if (list.length > limit) throw bad(field, `holds ${list.length} entries, at most ${limit} allowed`);
  for (const [name] of list) if (!isName(name)) throw bad(`${field}.${name}`, `names must be 1 to ${PRIORS_LIMITS.nameLength} characters`);
  return list;
}

/** One arm's prior: alpha and beta finite and > 0, nothing else. */
export function validateArmPrior(value: unknown, field: string): ArmPrior {
  const record = object(value, field);
  const prior = { alpha: record.alpha, beta: record.beta };
  for (const key of ['alpha', 'beta'] as const) {
    const x = prior[key];
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || x > MAX_PRIOR_PARAMETER)
      throw bad(`${field}.${key}`, `must be a finite number > 0 and <= ${MAX_PRIOR_PARAMETER}, got ${JSON.stringify(x) ?? 'nothing'}`);
  }
  return prior as ArmPrior;
}

/** arm → prior, as in the bundle's `banditPriors` section and in each segment of a priors file. */
export function validateArms(value: unknown, field: string): Record<string, ArmPrior> {
  const arms: Record<string, ArmPrior> = {};
  for (const [arm, prior] of entries(value, field, PRIORS_LIMITS.arms)) arms[arm] = validateArmPrior(prior, `${field}.${arm}`);
  return arms;
}

/** A parsed priors file, checked field by field; `VitrineError('PRIORS_INVALID')` names the first bad one. */
export function validatePriorsFile(value: unknown): PriorsFile {
  const record = object(value, 'priors');
  if (record.version !== 1) throw bad('version', `must be 1, got ${JSON.stringify(record.version) ?? 'nothing'}`);
  if (typeof record.updatedAt !== 'string' || Number.isNaN(Date.parse(record.updatedAt)))
    throw bad('updatedAt', 'must be an ISO 8601 time');
  const experiments: PriorsFile['experiments'] = {};
  for (const [experiment, segments] of entries(record.experiments, 'experiments', PRIORS_LIMITS.experiments)) {
    const bySegment: Record<string, Record<string, ArmPrior>> = {};
    for (const [segment, arms] of entries(segments, `experiments.${experiment}`, PRIORS_LIMITS.segments))
      bySegment[segment] = validateArms(arms, `experiments.${experiment}.${segment}`);
    experiments[experiment] = bySegment;
  }
  return { version: 1, updatedAt: new Date(record.updatedAt).toISOString(), experiments };
}

/** Parses and checks the text of a priors file (at most `PRIORS_LIMITS.bytes` characters). */
export function parsePriorsFile(text: string): PriorsFile {
  if (text.length > PRIORS_LIMITS.bytes) throw bad('priors', `is ${text.length} characters, at most ${PRIORS_LIMITS.bytes} allowed`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad('priors', `is not JSON: ${(error as Error).message}`);
  }
  return validatePriorsFile(parsed);
}
