/**
 * The profile database: one typed schema, opened in one place and migrated step by step there
 * (./open.ts `openProfileDB`, `migrate`: the stored profile's chunk, which holds idb; this module,
 * which the always-loaded worker reads its names and record version from, holds no code of idb's).
 *
 * Versions (never decrease this number: a lower one makes `open()` fail with `VersionError`):
 * - 1: `events` (raw event log, auto-increment key, `by-time` index), `session`, `bandit`, `meta`.
 * - 2: `events` gains the `by-product` index (`forget()` finds one product's events without a scan)
 *      and the `derived` store holds per-product aggregates compacted out of the raw log.
 *
 * Each record carries `v`, the record format it was written with, so a record from a newer build
 * (after a rollback) is recognised and skipped instead of misread.
 */
import type { DBSchema, StoreNames } from 'idb';
import type { StoredEvent } from '../../shared/events.ts';

/** Current schema version of the profile database. */
export const DB_VERSION = 2;
/** Current format of records inside the stores (independent of the schema version). */
export const RECORD_VERSION = 1;
/** Default database name. */
export const DEFAULT_DB_NAME = 'vitrine-profile';

/** A raw event as stored. `id` is assigned by IndexedDB. */
export interface EventRecord extends StoredEvent {
  id?: number;
  v: number;
}

/** What a product's compacted events still say about the visitor's taste. */
export interface ProductFeatures {
  category: string[];
  brand: string | null;
  colour: string | null;
  size: string | null;
  /** Price level bucket (see `priceLevel()`), or null when no price was known. */
  priceLevel: number | null;
}

/**
 * Events compacted out of the raw log (cap on count or age), folded per product. `weight` is the
 * decayed sum of event weights as of `at`; it keeps decaying from there.
 */
export interface ProductAggregate {
  product: string;
  v: number;
  weight: number;
  at: number;
  /** How many events were folded in. */
  events: number;
  firstTime: number;
  lastTime: number;
  features: ProductFeatures;
  /** Title as known when compacted, for `export()` if the product leaves the bundle. */
  title: string | null;
}

export interface SessionRecord {
  key: 'current';
  v: number;
  startedAt: number;
  updatedAt: number;
}

/**
 * Bandit state of the visitor in one experiment (key: the experiment name), written by the
 * experiments engine (src/worker/bandit/) with personalization consent only, deleted with the
 * profile, listed in its export.
 */
export interface BanditRecord {
  key: string;
  v: number;
  /** segment → arm → this visitor's tally of the arm. */
  segments: Record<string, Record<string, { trials: number; successes: number; session: number; rewarded: boolean; products: string[] }>>;
  /** Contextual experiments: the last trials' contexts and rewards, which the linear model replays. */
  samples: { arm: string; reward: number; x: number[] }[];
  /** The session the engine is in (start, last activity): a reload within it counts nothing twice. */
  sessionStart: number;
  lastActive: number;
  updatedAt: number;
}

export interface CountersRecord {
  key: 'counters';
  v: number;
  /** Events moved out of the raw log because the count cap was reached. */
  overflow: number;
}

export interface ProfileDB extends DBSchema {
  events: { key: number; value: EventRecord; indexes: { 'by-time': number; 'by-product': string } };
  derived: { key: string; value: ProductAggregate };
  session: { key: string; value: SessionRecord };
  bandit: { key: string; value: BanditRecord };
  meta: { key: string; value: CountersRecord };
}

/** Every store, for transactions that must clear or read everything. */
export const ALL_STORES: StoreNames<ProfileDB>[] = ['events', 'derived', 'session', 'bandit', 'meta'];
