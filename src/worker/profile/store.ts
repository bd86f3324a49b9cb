/**
 * The visitor profile: memory-only by default, persisted in IndexedDB once personalization consent
 * is given (`enablePersistence()`), purged when it is revoked (`purge()`).
 *
 * Invariants:
 * - Without `enablePersistence()` nothing touches IndexedDB (not even `open()`).
 * - `#events` mirrors the valid raw events by key (IndexedDB keys when persistent, negative keys
 *   for events held only in memory, so the two never collide);
 *   `#pending` holds events recorded but not yet written. Nothing recorded is lost: a storage
 *   fault moves both into the memory profile.
 * - Write transactions do only IDB work: features are resolved before, the mirror is updated after
 *   `tx.done`. Events, aggregates, session and counters change in one transaction per batch, so a
 *   batch is all-or-nothing, and concurrent tabs serialise on it (exact totals, no lost update).
 * - `#epoch` grows on purge/delete/connection loss: a flush that finishes after one of these does
 *   not write its (stale) result into the mirror.
 * - Deletion pending (another connection keeps the database, RELIABILITY C4): nothing is opened,
 *   read or written until the deletion has completed; a marker (./pending.ts) carries this across
 *   page loads, and a new store retries the deletion before it reads anything.
 */
import type { IDBPDatabase } from 'idb';
import { deleteDB } from 'idb';
import { VitrineError, isVitrineError, type ErrorCode } from '../../shared/errors.ts';
import { validateEvent, type StoredEvent } from '../../shared/events.ts';
import { validateLimits, type ProfileLimits } from '../../shared/profile-limits.ts';
import {
  DAY_MS,
  DEFAULT_HALF_LIFE_DAYS,
  computeAffinities,
  foldEvent,
  validAggregate,
  type Affinities,
  type ResolveProduct,
} from './affinities.ts';
import { openWithTimeout, type StorageFaults } from './open.ts';
import { clearDeletionPending, isDeletionPending, markDeletionPending } from './pending.ts';
import { buildExport, buildSummary, type ProfileExport, type ProfileStatus, type ProfileSummary } from './rights.ts';
import { ALL_STORES, DEFAULT_DB_NAME, RECORD_VERSION, type EventRecord, type ProductAggregate, type ProfileDB } from './schema.ts';

/** Default cap on raw events; older ones are folded into per-product aggregates. */
export const DEFAULT_MAX_EVENTS = 5000;
/** Default age after which raw events are folded into the aggregates. */
export const DEFAULT_MAX_AGE_DAYS = 180;
/** Default deadline for opening (or deleting) the database. */
export const DEFAULT_OPEN_TIMEOUT_MS = 4000;
/** Writes are gathered for this long, then committed in one transaction. */
export const FLUSH_DELAY_MS = 20;
/** Most events written by one transaction; a burst becomes several short transactions, so no task runs long. */
export const MAX_BATCH = 500;
/** Name of the BroadcastChannel tabs use to tell each other about changes. */
const CHANNEL_PREFIX = 'vitrine-profile:';

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

export interface ProfileStore {
  status(): ProfileStatus;
  /** Adds a validated event; resolves once it is written (persistent) or held (memory). Never rejects for storage faults. */
  record(event: StoredEvent): Promise<void>;
  /** Personalization consent given: opens IndexedDB and moves the in-memory session into it. */
  enablePersistence(): Promise<void>;
  /** Personalization revoked: deletes everything persisted (other tabs close first), then memory-only and empty. */
  purge(): Promise<void>;
  export(): Promise<ProfileExport>;
  /** Deletes everything stored about the visitor, keeping the current mode. */
  delete(): Promise<void>;
  /** Removes one product's events and its influence on the derived preferences. */
  forget(productId: string): Promise<void>;
  summary(): Promise<ProfileSummary>;
  /** Raw events, oldest first (session + profile). */
  events(): StoredEvent[];
  affinities(): Affinities;
  /** Changes the caps; they apply from the next write. */
  setLimits(limits: ProfileLimits): void;
}

/** One committed write, as other tabs apply it to their mirror (no database read needed). */
interface BatchChange {
  added: [key: number, event: StoredEvent][];
  removed: number[];
  aggregates: ProductAggregate[];
  overflow: number;
}

type Message = { type: 'batch'; change: BatchChange } | { type: 'changed' } | { type: 'purge' };

/** A failed write transaction, with whether the quota was the reason. */
class WriteFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly quota: boolean,
  ) {
    super((cause as { message?: string } | null)?.message ?? String(cause));
    this.name = (cause as { name?: string } | null)?.name ?? 'Error';
  }
}

interface Waiter {
  resolve: () => void;
}

export function isQuota(error: unknown, txError: DOMException | null | undefined): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  // Chromium reports quota at commit: the transaction's error is QuotaExceededError and pending
  // requests fail with AbortError (Dexie#776), so look at both.
  return name === 'QuotaExceededError' || txError?.name === 'QuotaExceededError';
}

export function createProfileStore(options: ProfileStoreOptions = {}): ProfileStore {
  return new Store(options);
}

class Store implements ProfileStore {
  readonly #name: string;
  readonly #now: () => number;
  readonly #openTimeoutMs: number;
  #maxEvents: number;
  #maxAgeMs: number;
  readonly #halfLifeMs: number;
  readonly #resolve: ResolveProduct;
  readonly #faults: StorageFaults;

  #db: IDBPDatabase<ProfileDB> | null = null;
  #channel: BroadcastChannel | null = null;
  #reason: ErrorCode | null = null;
  #events = new Map<number, StoredEvent>();
  /** Next key of an event held only in memory. */
  #memoryKey = -1;
  #pending: StoredEvent[] = [];
  #waiters: Waiter[] = [];
  #aggregates = new Map<string, ProductAggregate>();
  /** Aggregates built in memory before persistence was enabled, merged into the database by the next flush. */
  #unsaved: ProductAggregate[] = [];
  #overflow = 0;
  /** Keys of stored records skipped as corrupt or from the future (a Set: re-reads count once). */
  #skipped = new Set<string>();
  #epoch = 0;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Tail of the write queue: flushes and other transactions run one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #reloading: Promise<void> | null = null;
  #reloadAgain = false;
  #opening: Promise<void> | null = null;
  /** A deletion was asked for and has not completed: no profile reads or writes until it has. */
  #deletionPending = false;
  /** The marker of a pending deletion is (being) written; the deletion's completion waits for it before removing it. */
  #marking: Promise<void> | null = null;
  /** Consent wants persistence: once a pending deletion completes, the store opens (a fresh database). */
  #wantPersistence = false;
  /** The check for (and retry of) a deletion left pending by an earlier page load. */
  #recovering: Promise<void> | null = null;

  constructor(options: ProfileStoreOptions) {
    this.#name = options.dbName ?? DEFAULT_DB_NAME;
    this.#now = options.now ?? Date.now;
    this.#openTimeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    this.#maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_MAX_EVENTS);
    this.#maxAgeMs = (options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS) * DAY_MS;
    this.#halfLifeMs = (options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS) * DAY_MS;
    this.#resolve = options.resolveProduct ?? (() => null);
    this.#faults = options.faults ?? {};
    // Finish a deletion an earlier page load could not, as early as possible (only lists databases
    // unless a marker exists, so a visit without one creates no storage).
    void this.#recoverDeletion();
  }

  setLimits(limits: ProfileLimits): void {
    const { maxEvents, maxAgeDays } = validateLimits(limits);
    if (maxEvents !== undefined) this.#maxEvents = maxEvents;
    if (maxAgeDays !== undefined) this.#maxAgeMs = maxAgeDays * DAY_MS;
  }

  status(): ProfileStatus {
    return {
      mode: this.#db ? 'persistent' : 'memory',
      reason: this.#reason,
      events: this.#events.size + this.#pending.length,
      overflow: this.#overflow,
      skippedRecords: this.#skipped.size,
      deletionPending: this.#deletionPending,
    };
  }

  events(): StoredEvent[] {
    return [...this.#events.values(), ...this.#pending].sort((a, b) => a.time - b.time);
  }

  affinities(): Affinities {
    return computeAffinities(this.events(), this.#aggregates.values(), this.#resolve, this.#now(), this.#halfLifeMs);
  }

  record(event: StoredEvent): Promise<void> {
    if (!this.#db) {
      this.#events.set(this.#memoryKey--, event);
      this.#compactMemory();
      return Promise.resolve();
    }
    this.#pending.push(event);
    const written = new Promise<void>((resolve) => this.#waiters.push({ resolve }));
    this.#scheduleFlush();
    return written;
  }

  enablePersistence(): Promise<void> {
    this.#wantPersistence = true;
    if (this.#db) return Promise.resolve();
    // Concurrent calls share one open.
    this.#opening ??= this.#open().finally(() => (this.#opening = null));
    return this.#opening;
  }

  async #open(): Promise<void> {
    const epoch = this.#epoch;
    // Never read a profile whose deletion is still owed: retry it first (another tab may have left
    // a marker since this store started).
    await this.#recoverDeletion();
    if (this.#deletionPending || epoch !== this.#epoch) return;
    let db: IDBPDatabase<ProfileDB>;
    try {
      db = await openWithTimeout(
        this.#name,
        this.#openTimeoutMs,
        {
          blocking: (newVersion) => this.#onBlocking(newVersion),
          terminated: () => this.#toMemory('STORAGE_CLEARED'),
        },
        this.#faults,
      );
    } catch (error) {
      if (epoch === this.#epoch) this.#reason = isVitrineError(error) ? error.code : 'STORAGE_UNAVAILABLE';
      return;
    }
    if (epoch !== this.#epoch) {
      // Purged (consent revoked) while opening: this connection must not bring the profile back.
      db.close();
      return;
    }
    this.#db = db;
    this.#reason = null;
    this.#openChannel();
    // The in-memory session moves into the database with the next flush; the aggregates built in
    // memory are merged by that flush too.
    this.#pending.unshift(...[...this.#events.values()].sort((a, b) => a.time - b.time));
    this.#events = new Map();
    this.#unsaved = [...this.#aggregates.values()];
    this.#aggregates.clear();
    await this.#flush();
    // Nothing to write still needs the mirror of what earlier visits stored.
    await this.#reload();
  }

  async purge(): Promise<void> {
    this.#wantPersistence = false;
    this.#epoch++;
    this.#closeDb();
    this.#reason = null;
    this.#clearMemory();
    this.#channel?.postMessage({ type: 'purge' } satisfies Message);
    this.#closeChannel();
    await this.#deleteDatabase();
  }

  async export(): Promise<ProfileExport> {
    await this.#flushNow();
    return buildExport(this.status(), this.events(), this.#aggregates.values(), this.affinities(), this.#resolve, this.#now());
  }

  async summary(): Promise<ProfileSummary> {
    return buildSummary(await this.export());
  }

  async delete(): Promise<void> {
    await this.#flushNow();
    this.#clearMemory();
    const db = this.#db;
    if (!db) return;
    await this.#enqueue(async () => {
      try {
        const tx = db.transaction(ALL_STORES, 'readwrite');
        await Promise.all([...ALL_STORES.map((name) => tx.objectStore(name).clear()), tx.done]);
      } catch (error) {
        this.#fault(error, null);
        return;
      }
      this.#clearMemory();
      this.#broadcast();
    });
  }

  async forget(productId: string): Promise<void> {
    if (typeof productId !== 'string' || productId === '') {
      throw new VitrineError('INVALID_REQUEST', 'productId: must be a non-empty string', { field: 'productId' });
    }
    await this.#flushNow();
    for (const [key, event] of this.#events) if (event.product === productId) this.#events.delete(key);
    this.#aggregates.delete(productId);
    const db = this.#db;
    if (!db) return;
    await this.#enqueue(async () => {
      const epoch = this.#epoch;
      try {
        const tx = db.transaction(['events', 'derived'], 'readwrite');
        const events = tx.objectStore('events');
        const keys = await events.index('by-product').getAllKeys(productId);
        await Promise.all([...keys.map((key) => events.delete(key)), tx.objectStore('derived').delete(productId), tx.done]);
      } catch (error) {
        this.#fault(error, null);
        return;
      }
      if (epoch === this.#epoch) await this.#reload();
      this.#broadcast();
    });
  }

  // --- memory profile ---------------------------------------------------------------------------

  /** Applies the caps to the memory profile (the same rules the flush applies in the database). */
  #compactMemory(): void {
    const now = this.#now();
    const cutoff = now - this.#maxAgeMs;
    if (this.#events.size <= this.#maxEvents && !this.#hasOlderThan(cutoff)) return;
    const oldestFirst = [...this.#events].sort((a, b) => a[1].time - b[1].time);
    let drop = 0;
    let overflow = 0;
    while (drop < oldestFirst.length) {
      const [key, event] = oldestFirst[drop]!;
      const over = oldestFirst.length - drop > this.#maxEvents;
      if (!over && event.time >= cutoff) break;
      // Expiry by age is the normal life of an event; only the cap's removals are overflow.
      if (over && event.time >= cutoff) overflow++;
      this.#foldIntoMemory(event, now);
      this.#events.delete(key);
      drop++;
    }
    this.#overflow += overflow;
  }

  #hasOlderThan(cutoff: number): boolean {
    for (const event of this.#events.values()) if (event.time < cutoff) return true;
    return false;
  }

  #foldIntoMemory(event: StoredEvent, now: number): void {
    if (event.product === undefined) return;
    const folded = foldEvent(this.#aggregates.get(event.product), event, this.#resolve(event.product), now, this.#halfLifeMs);
    if (folded) this.#aggregates.set(event.product, folded);
  }

  #clearMemory(): void {
    this.#events = new Map();
    this.#unsaved = [];
    this.#aggregates.clear();
    this.#overflow = 0;
    this.#skipped.clear();
    const pending = this.#pending.length;
    this.#pending = [];
    if (pending) this.#releaseWaiters();
  }

  /** Leaves IndexedDB: what was persisted and pending stays available in memory for this tab. */
  #toMemory(reason: ErrorCode | null): void {
    this.#epoch++;
    this.#closeDb();
    this.#closeChannel();
    this.#reason = reason;
    for (const event of this.#pending) this.#events.set(this.#memoryKey--, event);
    this.#pending = [];
    const now = this.#now();
    for (const mine of this.#unsaved) {
      const held = this.#aggregates.get(mine.product);
      this.#aggregates.set(mine.product, held ? mergeAggregates(held, mine, now, this.#halfLifeMs) : mine);
    }
    this.#unsaved = [];
    this.#compactMemory();
    this.#releaseWaiters();
  }

  #releaseWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  // --- IndexedDB --------------------------------------------------------------------------------

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #scheduleFlush(): void {
    if (this.#flushTimer !== null) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      void this.#flush();
    }, FLUSH_DELAY_MS);
  }

  async #flushNow(): Promise<void> {
    if (this.#flushTimer !== null) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    await this.#flush();
  }

  #flush(): Promise<void> {
    return this.#enqueue(async () => {
      const db = this.#db;
      if (!db || (this.#pending.length === 0 && this.#unsaved.length === 0)) return;
      const epoch = this.#epoch;
      const batch = this.#pending.slice(0, MAX_BATCH);
      const waiters = this.#waiters.splice(0, batch.length);
      const done = (): void => {
        for (const waiter of waiters) waiter.resolve();
      };
      let change: BatchChange | null;
      try {
        change = await this.#writeBatch(db, batch, false);
      } catch (first) {
        if (!(first instanceof WriteFailure && first.quota)) {
          this.#fault(first, null, epoch);
          return done();
        }
        try {
          // Quota: free the oldest half of the raw log (folded into the aggregates), retry once.
          change = await this.#writeBatch(db, batch, true);
        } catch (second) {
          this.#fault(second, 'STORAGE_QUOTA', epoch);
          return done();
        }
      }
      if (epoch !== this.#epoch) return done();
      // Written: drop exactly the batch from pending (events recorded meanwhile stay queued).
      this.#pending.splice(0, batch.length);
      done();
      if (change) this.#channel?.postMessage({ type: 'batch', change } satisfies Message);
      if (this.#pending.length) this.#scheduleFlush();
    });
  }

  /**
   * One transaction: add the batch, fold what exceeds the caps into `derived`, bump the counters,
   * touch the session. Only IDB requests are awaited. Returns the change, applied to the mirror.
   */
  async #writeBatch(db: IDBPDatabase<ProfileDB>, batch: StoredEvent[], evictHalf: boolean): Promise<BatchChange | null> {
    const epoch = this.#epoch;
    const now = this.#now();
    const cutoff = now - this.#maxAgeMs;
    // Resolve product features before the transaction: the resolver is not IDB work.
    const infos = new Map<string, ReturnType<ResolveProduct>>();
    const info = (id: string): ReturnType<ResolveProduct> => {
      if (!infos.has(id)) infos.set(id, this.#resolve(id));
      return infos.get(id)!;
    };
    const memoryAggregates = this.#unsaved;
    const tx = db.transaction(['events', 'derived', 'meta', 'session'], 'readwrite');
    // Every request of an aborted transaction rejects; the one failure that matters is read from
    // the awaited requests and `tx.error` below, the rest must not surface as unhandled rejections.
    const settle = (request: Promise<unknown>): void => void request.catch(() => {});
    settle(tx.done);
    try {
      const events = tx.objectStore('events');
      const derived = tx.objectStore('derived');
      const meta = tx.objectStore('meta');
      const adds = batch.map((event) => events.add({ ...event, v: RECORD_VERSION }));
      for (const add of adds) settle(add);
      const limit = evictHalf ? Math.floor(Math.min(this.#events.size + batch.length, this.#maxEvents) / 2) : this.#maxEvents;
      const touched = new Map<string, ProductAggregate | undefined>();
      const aggregate = async (id: string): Promise<ProductAggregate | undefined> => {
        if (!touched.has(id)) touched.set(id, validAggregate(await derived.get(id)) ?? undefined);
        return touched.get(id);
      };
      // Aggregates built while memory-only (before consent) join the stored ones.
      for (const mine of memoryAggregates) {
        const stored = await aggregate(mine.product);
        touched.set(mine.product, stored ? mergeAggregates(stored, mine, now, this.#halfLifeMs) : mine);
      }
      // The oldest records go: as many as the cap needs, and at least all that are too old.
      const byTime = events.index('by-time');
      const count = await events.count();
      const aged = await byTime.count(IDBKeyRange.upperBound(cutoff, true));
      const excess = Math.max(0, count - limit);
      const oldest = excess || aged ? await byTime.getAll(null, Math.max(excess, aged)) : [];
      const overflow = Math.max(0, excess - aged);
      const removed: number[] = [];
      for (const record of oldest) {
        const valid = recordEvent(record);
        if (!valid) this.#skipped.add(`events:${String(record.id)}`);
        else if (valid.product !== undefined) {
          touched.set(valid.product, foldEvent(await aggregate(valid.product), valid, info(valid.product), now, this.#halfLifeMs));
        }
        settle(events.delete(record.id!));
        removed.push(record.id!);
      }
      const aggregates: ProductAggregate[] = [];
      for (const value of touched.values()) {
        if (!value) continue;
        settle(derived.put(value));
        aggregates.push(value);
      }
      const counters = await meta.get('counters');
      const total = (counters?.v === RECORD_VERSION && Number.isFinite(counters.overflow) ? counters.overflow : 0) + overflow;
      settle(meta.put({ key: 'counters', v: RECORD_VERSION, overflow: total }));
      const session = await tx.objectStore('session').get('current');
      settle(tx.objectStore('session').put({ key: 'current', v: RECORD_VERSION, startedAt: session?.startedAt ?? now, updatedAt: now }));
      const keys = await Promise.all(adds);
      await tx.done;
      this.#unsaved = [];
      if (epoch !== this.#epoch) return null;
      const change: BatchChange = { added: keys.map((key, i) => [key, batch[i]!]), removed, aggregates, overflow: total };
      this.#applyChange(change);
      return change;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted: its error is what we report.
      }
      throw new WriteFailure(error, isQuota(error, tx.error));
    }
  }

  /** Applies one committed batch (ours or another tab's) to the mirror; idempotent. */
  #applyChange(change: BatchChange): void {
    for (const key of change.removed) this.#events.delete(key);
    for (const [key, event] of change.added) this.#events.set(key, event);
    for (const aggregate of change.aggregates) this.#aggregates.set(aggregate.product, aggregate);
    this.#overflow = Math.max(this.#overflow, change.overflow);
  }

  /** Replaces the mirror with what the database holds, counting the records that cannot be used. */
  #applySnapshot(records: EventRecord[], derived: unknown[], overflow: number): void {
    const events = new Map<number, StoredEvent>();
    for (const record of records) {
      const event = recordEvent(record);
      if (event) events.set(record.id!, event);
      else this.#skipped.add(`events:${String((record as { id?: unknown }).id)}`);
    }
    this.#events = events;
    this.#aggregates.clear();
    for (const value of derived) {
      const aggregate = validAggregate(value);
      if (aggregate) this.#aggregates.set(aggregate.product, aggregate);
      else this.#skipped.add(`derived:${String((value as { product?: unknown } | null)?.product)}`);
    }
    this.#overflow = overflow;
  }

  /** Re-reads the database (another tab changed it). Coalesced: at most one read in flight plus one queued. */
  #reload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        const db = this.#db;
        if (!db) break;
        const epoch = this.#epoch;
        try {
          const tx = db.transaction(['events', 'derived', 'meta'], 'readonly');
          const [events, derived, counters] = await Promise.all([
            tx.objectStore('events').getAll(),
            tx.objectStore('derived').getAll(),
            tx.objectStore('meta').get('counters'),
            tx.done,
          ]);
          if (epoch === this.#epoch) this.#applySnapshot(events, derived, counters?.overflow ?? 0);
        } catch (error) {
          this.#fault(error, null, epoch);
        }
      } while (this.#reloadAgain);
      this.#reloading = null;
    })();
    return this.#reloading;
  }

  /** A storage error during use: classify it and continue in memory. */
  #fault(error: unknown, reason: ErrorCode | null, epoch = this.#epoch): void {
    // The connection was already given up (purge, deletion, upgrade elsewhere): not a new fault.
    if (epoch !== this.#epoch) return;
    const name = (error as { name?: unknown } | null)?.name;
    const code: ErrorCode =
      reason ??
      (error instanceof WriteFailure && error.quota
        ? 'STORAGE_QUOTA'
        : name === 'InvalidStateError' || name === 'UnknownError'
          ? 'STORAGE_CLEARED'
          : 'STORAGE_UNAVAILABLE');
    this.#toMemory(code);
  }

  #onBlocking(newVersion: number | null): void {
    if (newVersion === null) {
      // Another tab deletes the database (consent revoked there): forget everything here too.
      this.#epoch++;
      this.#closeDb();
      this.#closeChannel();
      this.#reason = null;
      this.#clearMemory();
      return;
    }
    // A newer build upgrades the schema: step aside so it is not blocked, keep going in memory.
    this.#toMemory('STORAGE_VERSION');
  }

  #closeDb(): void {
    if (this.#flushTimer !== null) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    this.#db?.close();
    this.#db = null;
  }

  #openChannel(): void {
    if (typeof BroadcastChannel === 'undefined' || this.#channel) return;
    this.#channel = new BroadcastChannel(CHANNEL_PREFIX + this.#name);
    this.#channel.onmessage = (event: MessageEvent<Message>) => {
      if (event.data?.type === 'batch') this.#applyChange(event.data.change);
      else if (event.data?.type === 'changed') void this.#reload();
      else if (event.data?.type === 'purge') this.#onBlocking(null);
    };
  }

  #closeChannel(): void {
    this.#channel?.close();
    this.#channel = null;
  }

  #broadcast(): void {
    this.#channel?.postMessage({ type: 'changed' } satisfies Message);
  }

  /**
   * Deletes the database; resolves when it is gone. When it is not gone within the deadline, the
   * request stays queued and completes once the other connections close, so this rejects
   * `STORAGE_BLOCKED` with `details.pending: true`, after writing the pending marker. Only the
   * request at the head of IndexedDB's queue gets a `blocked` event: one queued behind another
   * tab's deletion (two tabs revoking at once) waits for the same connection without being told,
   * so both cases are the same "pending" (`details.queued` says which).
   */
  async #deleteDatabase(): Promise<void> {
    if (typeof indexedDB === 'undefined') return;
    let blocked = false;
    let deleting: Promise<void>;
    try {
      deleting = deleteDB(this.#name, { blocked: () => (blocked = true) });
    } catch (error) {
      // No IndexedDB at all (opaque origin): nothing can have been persisted.
      if ((error as { name?: unknown })?.name === 'SecurityError') return;
      throw error;
    }
    let timedOut = false;
    // The request outlives our deadline: its completion is what ends the pending state (also when
    // that happens long after we reported the deletion pending).
    const completed = deleting.then(() => this.#deletionCompleted());
    completed.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        completed,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new Error('deadline'));
          }, this.#openTimeoutMs);
        }),
      ]);
      return;
    } catch (error) {
      if (!timedOut) throw error;
    } finally {
      clearTimeout(timer);
    }
    this.#deletionPending = true;
    this.#reason = 'STORAGE_BLOCKED';
    this.#marking ??= markDeletionPending(this.#name);
    let marked = true;
    try {
      await this.#marking;
    } catch {
      // Without the marker the retry on the next load cannot happen: say so in the error.
      marked = false;
      this.#marking = null;
    }
    throw new VitrineError(
      'STORAGE_BLOCKED',
      'deletion pending: another tab keeps the profile database open; it completes when that tab closes, and is retried on the next page load',
      { pending: true, queued: !blocked, marked },
    );
  }

  /** The deletion went through: remove the marker, leave the pending state, open if consent wants it. */
  async #deletionCompleted(): Promise<void> {
    const marking = this.#marking;
    if (marking) {
      // The marker goes before the pending state ends: a marker outliving it would make the next
      // check delete the fresh database this store is about to open.
      this.#marking = null;
      await marking.catch(() => undefined);
      await clearDeletionPending(this.#name).catch((error: unknown) => {
        // Left behind, the marker only costs one more (harmless) deletion on the next load.
        console.warn('vitrine: could not remove the deletion-pending marker', error);
      });
    }
    if (!this.#deletionPending) return;
    this.#deletionPending = false;
    if (this.#reason === 'STORAGE_BLOCKED') this.#reason = null;
    // Consent was granted while the deletion waited. Inside `#open` (a retry on start) the open
    // simply continues; later, the store opens now.
    if (this.#wantPersistence && !this.#opening) void this.enablePersistence();
  }

  /** A marker left by an earlier load (or another tab): retry that deletion. Coalesced. */
  #recoverDeletion(): Promise<void> {
    this.#recovering ??= (async () => {
      if (this.#deletionPending || !(await isDeletionPending(this.#name))) return;
      // Until the retry succeeds, nothing of the old profile may be read.
      this.#deletionPending = true;
      this.#reason = 'STORAGE_BLOCKED';
      this.#marking ??= Promise.resolve();
      // Not swallowed: a retry that is blocked again leaves the store pending, which `status()`
      // reports (`deletionPending`, reason `STORAGE_BLOCKED`); its completion ends that state.
      await this.#deleteDatabase().catch(() => undefined);
    })().finally(() => (this.#recovering = null));
    return this.#recovering;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A stored record as an event, or null when it is corrupt or written by a newer build. */
function recordEvent(record: unknown): StoredEvent | null {
  if (typeof record !== 'object' || record === null || (record as EventRecord).v !== RECORD_VERSION) return null;
  const time = (record as EventRecord).time;
  if (typeof time !== 'number') return null;
  try {
    return validateEvent(record, time);
  } catch {
    // Not silent: the caller counts the record in `skippedRecords`.
    return null;
  }
}

function mergeAggregates(a: ProductAggregate, b: ProductAggregate, now: number, halfLifeMs: number): ProductAggregate {
  const decayTo = (x: ProductAggregate): number => x.weight * Math.pow(2, -Math.max(0, now - x.at) / halfLifeMs);
  return {
    ...a,
    weight: decayTo(a) + decayTo(b),
    at: now,
    events: a.events + b.events,
    firstTime: Math.min(a.firstTime, b.firstTime),
    lastTime: Math.max(a.lastTime, b.lastTime),
    title: b.title ?? a.title,
  };
}
