/**
 * The profile store's options, their defaults, and the settings every part of the store reads.
 * `ProfileSettings` is one object shared by reference: `setLimits()` changes its caps, and each part
 * reads them when it uses them, so a change applies from the next write or compaction.
 */
import { validateLimits, type ProfileLimits } from '../../shared/profile-limits.ts';
import { DAY_MS, DEFAULT_HALF_LIFE_DAYS, type ResolveProduct } from './affinities.ts';
import type { StorageFaults } from './open.ts';
import { DEFAULT_DB_NAME } from './schema.ts';

/** Default cap on raw events; older ones are folded into per-product aggregates. */
export const DEFAULT_MAX_EVENTS = 5000;
/** Default age after which raw events are folded into the aggregates. */
export const DEFAULT_MAX_AGE_DAYS = 180;
/** Default deadline for opening (or deleting) the database. */
export const DEFAULT_OPEN_TIMEOUT_MS = 4000;

export interface ProfileStoreOptions {
  /** Database (and BroadcastChannel) name. Default `'vitrine-profile'`. */
  dbName?: string;
  /** Clock, ms since epoch. Default `Date.now`. */
  now?: () => number;
  /** Deadline for opening or deleting the database, ms. Default `4000`. */
  openTimeoutMs?: number;
  /** Cap on stored raw events. Default `5000`. */
  maxEvents?: number;
  /** Raw events older than this are folded into the aggregates. Default `180`. */
  maxAgeDays?: number;
  /** Half-life of an event's influence on affinities, days. Default `30`. */
  halfLifeDays?: number;
  /** Catalog lookup (titles for export, features for affinities). Default: nothing known. */
  resolveProduct?: ResolveProduct;
  /** Test-only fault injection. */
  faults?: StorageFaults;
}

/** The options with their defaults applied, durations in ms. Only the two caps change after creation. */
export interface ProfileSettings {
  readonly dbName: string;
  readonly now: () => number;
  readonly openTimeoutMs: number;
  maxEvents: number;
  maxAgeMs: number;
  readonly halfLifeMs: number;
  readonly resolveProduct: ResolveProduct;
  readonly faults: StorageFaults;
}

export function settingsFrom(options: ProfileStoreOptions): ProfileSettings {
  return {
    dbName: options.dbName ?? DEFAULT_DB_NAME,
    now: options.now ?? Date.now,
    openTimeoutMs: options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS,
    maxEvents: Math.max(1, options.maxEvents ?? DEFAULT_MAX_EVENTS),
    maxAgeMs: (options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS) * DAY_MS,
    halfLifeMs: (options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS) * DAY_MS,
    resolveProduct: options.resolveProduct ?? (() => null),
    faults: options.faults ?? {},
  };
}

/** Validates `limits` (throws `INVALID_REQUEST`) and applies the caps it sets. */
export function applyLimits(settings: ProfileSettings, limits: ProfileLimits): void {
  const { maxEvents, maxAgeDays } = validateLimits(limits);
  if (maxEvents !== undefined) settings.maxEvents = maxEvents;
  if (maxAgeDays !== undefined) settings.maxAgeMs = maxAgeDays * DAY_MS;
}
