/**
 * The visitor profile: memory-only by default, persisted in IndexedDB once personalization consent
 * is given (`enablePersistence()`), purged when it is revoked (`purge()`).
 *
 * The store keeps the mode and decides where things go; each concern is a part of its own:
 * - `MemoryProfile` (./memory-profile.ts): the profile as this tab knows it, caps applied; the
 *   mirror of the database when persistent, so reads never wait for IndexedDB;
 * - `WriteQueue` (./write-queue.ts): what waits to be written. The path of an event:
 *   `record()` → `WriteQueue.add()` → timer → `#writeNext()` → `writeBatch()` (./transactions.ts),
 *   one transaction per batch, then `MemoryProfile.apply()` and `TabSync.post()`;
 * - `TabSync` (./tab-sync.ts): what other tabs changed;
 * - `DeletionGuard` (./deletion-guard.ts): deleting the database, and the deletion-pending protocol;
 * - the stored profile's code (./stored-profile.ts: opening, transactions, idb), its own chunk,
 *   loaded by the first `enablePersistence()`: without personalization consent it is never fetched.
 *
 * Invariants:
 * - Without `enablePersistence()` nothing touches IndexedDB (not even `open()`).
 * - Nothing recorded is lost: a storage fault moves what waits to be written into the memory profile.
 * - The mirror changes after a transaction has committed, with what it wrote or read.
 * - `#epoch` grows on purge, on another tab's deletion and on connection loss: work started before
 *   does not write its (stale) result into the mirror, and its errors are not new faults.
 * - Deletion pending: nothing is opened, read or written until the deletion has completed, and a
 *   new store retries a deletion an earlier page load left pending before it reads anything.
 */
import type { IDBPDatabase } from 'idb';
import { isVitrineError, type ErrorCode } from '../../shared/errors.ts';
import type { StoredEvent } from '../../shared/events.ts';
import type { ProfileLimits } from '../../shared/profile-limits.ts';
import { computeAffinities, type Affinities } from './affinities.ts';
import { DeletionGuard } from './deletion-guard.ts';
import { MemoryProfile } from './memory-profile.ts';
import { applyLimits, settingsFrom, type ProfileSettings, type ProfileStoreOptions } from './settings.ts';
import type { ProfileExport, ProfileSummary } from '../../shared/profile-export.ts';
import type { ProfileStatus } from '../../shared/request.ts';
import type { ProfileDB } from './schema.ts';
import { TabSync, type TabMessage } from './tab-sync.ts';
import type { BatchChange } from './transactions.ts';
import { WriteQueue, type Batch } from './write-queue.ts';
import { coalesce } from './coalesce.ts';
import { invalidRequest } from '../../shared/validation.ts';
import { loadPart } from '../lazy-part.ts';

type StoredProfile = typeof import('./stored-profile.ts');

export { DEFAULT_MAX_AGE_DAYS, DEFAULT_MAX_EVENTS, DEFAULT_OPEN_TIMEOUT_MS, type ProfileStoreOptions } from './settings.ts';
export { FLUSH_DELAY_MS, MAX_BATCH } from './write-queue.ts';

export interface ProfileStore {
  status(): ProfileStatus;
  /**
   * Adds validated events (a batch is written in one transaction, held events are capped once);
   * resolves once they are written (persistent) or held (memory). Never rejects for storage faults.
   */
  record(...events: StoredEvent[]): Promise<void>;
  /**
   * When this tab last dropped the profile (`delete()`, a revocation, another tab's deletion, site
   * data cleared), by the system clock: events the page tracked before it but sent after are part
   * of what was deleted.
   */
  readonly deletedAt: number;
  /** The database connection while persistent (personalization consent), else null: the experiments engine keeps its state there. */
  readonly db: IDBPDatabase<ProfileDB> | null;
  /** Personalization consent given: opens IndexedDB and moves the in-memory session into it. */
  enablePersistence(): Promise<void>;
  /** Settles once a stored profile being opened has been read, or failed to open (bounded by the open's timeout). */
  read(): Promise<void>;
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

export function createProfileStore(options: ProfileStoreOptions = {}): ProfileStore {
  return new Store(options);
}

/**
 * Where the profile lives now:
 * - `memory`: in this tab only (no consent yet, or storage failed and `reason` says why);
 * - `opening`: `enablePersistence()` runs; records are held in memory and move in once it opens;
 * - `persistent`: in IndexedDB; records go through the write queue, the memory profile mirrors it;
 * - `deletion-pending`: a deletion is owed; records are held in memory, nothing stored is used.
 * `status().mode` says `persistent` or, for every other mode, `memory`.
 */
type StoreMode = 'memory' | 'opening' | 'persistent' | 'deletion-pending';

class Store implements ProfileStore {
  readonly #settings: ProfileSettings;
  readonly #memory: MemoryProfile;
  readonly #writes = new WriteQueue(() => this.#writeNext());
  readonly #tabs: TabSync;
  readonly #deletion: DeletionGuard;
  /** Replaces the mirror with what the database holds (after open, `forget()`, another tab's change). */
  readonly #reload = coalesce(() => this.#readMirror());
  #db: IDBPDatabase<ProfileDB> | null = null;
  /** The stored profile's code, loaded by the first open: set whenever `#db` is. */
  #stored: StoredProfile | null = null;
  #opening: Promise<void> | null = null;
  /** Consent wants persistence: once a pending deletion completes, the store opens (a fresh database). */
  #wantPersistence = false;
  #reason: ErrorCode | null = null;
  #epoch = 0;
  /** Site data was cleared under us: true until the next record reopens (once), then false for good. */
  #reopenAfterClear: boolean | undefined;
  deletedAt = 0;

  get db(): IDBPDatabase<ProfileDB> | null {
    return this.#db;
  }

  constructor(options: ProfileStoreOptions) {
    this.#settings = settingsFrom(options);
    this.#memory = new MemoryProfile(this.#settings);
    this.#tabs = new TabSync(this.#settings.dbName, (message) => this.#onTabMessage(message));
    this.#deletion = new DeletionGuard(this.#settings.dbName, this.#settings.openTimeoutMs, {
      pending: () => {
        this.#reason = 'STORAGE_BLOCKED';
      },
      completed: () => this.#onDeletionCompleted(),
    });
    // Finish a deletion an earlier page load could not, as early as possible (only lists databases
    // unless a marker exists, so a visit without one creates no storage).
    void this.#deletion.recover();
  }

  /** Derived from the parts, so it cannot disagree with them. */
  get #mode(): StoreMode {
    if (this.#db) return 'persistent';
    if (this.#deletion.pending) return 'deletion-pending';
    return this.#opening ? 'opening' : 'memory';
  }

  setLimits(limits: ProfileLimits): void {
    applyLimits(this.#settings, limits);
  }

  status(): ProfileStatus {
    return {
      mode: this.#mode === 'persistent' ? 'persistent' : 'memory',
      reason: this.#reason,
      events: Math.min(this.#memory.size + this.#writes.size, this.#settings.maxEvents),
      overflow: this.#memory.overflow,
      skippedRecords: this.#memory.skippedRecords,
      deletionPending: this.#deletion.pending,
    };
  }

  events(): StoredEvent[] {
    const events = [...this.#memory.events(), ...this.#writes.events()].sort((a, b) => a.time - b.time);
    // A batch on its way into IndexedDB may take the log past the cap until its transaction folds
    // the oldest into the aggregates (and counts them): the profile never shows more than the cap.
    return events.slice(-this.#settings.maxEvents);
  }

  affinities(): Affinities {
    const { resolveProduct, now, halfLifeMs } = this.#settings;
    return computeAffinities(this.events(), this.#memory.aggregates(), resolveProduct, now(), halfLifeMs);
  }

  record(...events: StoredEvent[]): Promise<void> {
    if (this.#mode !== 'persistent') {
      this.#memory.hold(events);
      if (this.#reopenAfterClear && this.#wantPersistence) {
        this.#reopenAfterClear = false;
        void this.enablePersistence();
      }
      // Consent given and the database opening: these move in with its first batch; answer after
      // it, so `{ recorded: true }` does not come before the write a navigation could cut short.
      return this.#mode === 'opening' ? this.#opening!.catch(() => undefined) : Promise.resolve();
    }
    return this.#writes.add(events);
  }

  enablePersistence(): Promise<void> {
    this.#wantPersistence = true;
    if (this.#mode === 'persistent') return Promise.resolve();
    // Concurrent calls share one open. While a deletion is owed, the open ends after its check and
    // the deletion's completion opens later.
    this.#opening ??= this.#open().finally(() => (this.#opening = null));
    return this.#opening;
  }

  read(): Promise<void> {
    return this.#opening?.catch(() => undefined) ?? Promise.resolve();
  }

  async purge(): Promise<void> {
    this.#wantPersistence = false;
    this.#tabs.post({ type: 'purge' });
    this.#disconnect();
    this.#reason = null;
    this.#clear();
    await this.#deletion.delete();
  }

  async export(): Promise<ProfileExport> {
    // The visitor-rights code is its own chunk: only a page showing the privacy panel loads it.
    const { buildExport } = await loadPart('profile export', () => import('./rights.ts'));
    await this.#writes.flushNow();
    const { resolveProduct, now } = this.#settings;
    return buildExport(this.status(), this.events(), this.#memory.aggregates(), this.affinities(), resolveProduct, now(), this.db);
  }

  async summary(): Promise<ProfileSummary> {
    const { buildSummary } = await loadPart('profile export', () => import('./rights.ts'));
    return buildSummary(await this.export());
  }

  /**
   * Deletes the database the way a revocation does, because only that reaches every tab before it
   * resolves: the deletion completes once every other connection has closed, and each tab closes
   * in its `versionchange` handler after dropping what it holds and what waits to be written
   * (clearing the stores instead let another tab's queued batches land afterwards). The store then
   * opens a fresh database if consent wants one, and tells the other tabs to reopen theirs.
   */
  async delete(): Promise<void> {
    const reopen = this.#wantPersistence;
    // Empties the stores first (the transaction starts now, before the connection closes): should an
    // old build keep the database from being deleted, nothing in it stays readable meanwhile.
    const emptied = this.#db && this.#stored!.clearProfile(this.#db).catch(() => undefined);
    this.#disconnect();
    this.#reason = null;
    this.#clear();
    await emptied;
    await this.#deletion.delete();
    if (!reopen) return;
    // A stale open (started before the deletion) ends without a connection; then open afresh.
    await this.#opening;
    await this.enablePersistence();
    this.#tabs.post({ type: 'deleted' });
  }

  async forget(productId: string): Promise<void> {
    if (typeof productId !== 'string' || productId === '') {
      throw invalidRequest('productId', 'must be a non-empty string');
    }
    // The visitor-rights chunk (the privacy panel's code) holds the database side.
    const { forgetProduct } = await loadPart('profile export', () => import('./rights.ts'));
    await this.#writes.flushNow();
    this.#memory.forget(productId);
    const db = this.#db;
    if (!db) return;
    await this.#writes.run(async () => {
      const epoch = this.#epoch;
      try {
        await forgetProduct(db, productId);
      } catch (error) {
        this.#fault(error, null);
        return;
      }
      if (epoch === this.#epoch) await this.#reload();
      this.#tabs.post({ type: 'changed' });
    });
  }

  async #open(): Promise<void> {
    const epoch = this.#epoch;
    // Never read a profile whose deletion is still owed: retry it first (another tab may have left
    // a marker since this store started).
    await this.#deletion.recover();
    if (this.#mode === 'deletion-pending' || epoch !== this.#epoch) return;
    const { dbName, openTimeoutMs, faults } = this.#settings;
    let db: IDBPDatabase<ProfileDB>;
    try {
      // A chunk that cannot come (offline before it was ever cached) is a storage failure like any
      // other: the profile stays in memory, `reason` CODE_UNAVAILABLE; the next grant tries again.
      this.#stored ??= await loadPart('stored profile', () => import('./stored-profile.ts'));
      db = await this.#stored.openWithTimeout(
        dbName,
        openTimeoutMs,
        {
          blocking: (newVersion) => this.#onBlocking(newVersion),
          terminated: () => this.#onCleared(),
        },
        faults,
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
    this.#tabs.open();
    // The in-memory session and its aggregates move into the database with the next batch.
    this.#writes.adopt(this.#memory.handOver());
    await this.#writes.flush();
    // Nothing to write still needs the mirror of what earlier visits stored.
    await this.#reload();
  }

  /**
   * The write queue's step: its next batch in one transaction. On quota, the oldest half of the raw
   * log is folded into the aggregates and the batch retried once; any other failure, or a second
   * one, moves the profile into memory.
   */
  async #writeNext(): Promise<void> {
    const db = this.#db;
    const batch = this.#writes.next();
    if (!db || !batch) return;
    const epoch = this.#epoch;
    let change: BatchChange | null;
    try {
      change = await this.#commit(db, batch, false);
    } catch (first) {
      if (!(first instanceof this.#stored!.WriteFailure && first.quota)) {
        this.#fault(first, null, epoch);
        return batch.release();
      }
      try {
        change = await this.#commit(db, batch, true);
      } catch (second) {
        this.#fault(second, 'STORAGE_QUOTA', epoch);
        return batch.release();
      }
    }
    if (epoch !== this.#epoch) return batch.release();
    this.#writes.written(batch);
    if (change) this.#tabs.post({ type: 'batch', change });
    if (this.#writes.size) this.#writes.schedule();
  }

  /** Writes the batch in one transaction, then shows the change in the mirror; null when the connection changed meanwhile. */
  async #commit(db: IDBPDatabase<ProfileDB>, { events, aggregates }: Batch, evictHalf: boolean): Promise<BatchChange | null> {
    const epoch = this.#epoch;
    const { maxEvents } = this.#settings;
    const keep = evictHalf ? Math.floor(Math.min(this.#memory.size + events.length, maxEvents) / 2) : maxEvents;
    const change = await this.#stored!.writeBatch(
      db,
      events,
      { carried: aggregates, keep, skip: (key) => this.#memory.skip(key) },
      this.#settings,
    );
    if (epoch !== this.#epoch) return null;
    this.#memory.apply(change);
    return change;
  }

  async #readMirror(): Promise<void> {
    const db = this.#db;
    if (!db) return;
    const epoch = this.#epoch;
    try {
      const snapshot = await this.#stored!.readSnapshot(db, this.#settings.now());
      if (epoch === this.#epoch) this.#memory.replace(snapshot);
    } catch (error) {
      this.#fault(error, null, epoch);
    }
  }

  #onTabMessage(message: TabMessage): void {
    if (message.type === 'purge') this.#onBlocking(null);
    else if (message.type === 'deleted') {
      if (this.#wantPersistence && !this.#db) void this.enablePersistence();
    }
    // Only a mirror takes changes: a tab waiting to reopen would write them again as its own.
    else if (!this.#db) return;
    else if (message.type === 'batch') this.#memory.apply(message.change);
    else void this.#reload();
  }

  /** A storage error during use: classify it and continue in memory. */
  #fault(error: unknown, reason: ErrorCode | null, epoch = this.#epoch): void {
    // The connection was already given up (purge, deletion, upgrade elsewhere): not a new fault.
    if (epoch !== this.#epoch) return;
    // Quota is not classified here: `#writeNext` passes it, after its one retry.
    const name = (error as { name?: unknown } | null)?.name;
    const cleared = name === 'InvalidStateError' || name === 'UnknownError';
    this.#toMemory(
      reason ?? (cleared ? 'STORAGE_CLEARED' : this.#stored?.isInactive(error) ? 'STORAGE_TX_INACTIVE' : 'STORAGE_UNAVAILABLE'),
    );
  }

  #onBlocking(newVersion: number | null): void {
    if (newVersion === null) {
      // Another tab deletes the database (consent revoked, or `delete()`): forget everything here too,
      // and keep listening for its `deleted` message, after which a `delete()` reopens.
      this.#disconnect();
      this.#reason = null;
      this.#clear();
      if (this.#wantPersistence) this.#tabs.open();
      return;
    }
    // A newer build upgrades the schema: step aside so it is not blocked, keep going in memory.
    this.#toMemory('STORAGE_VERSION');
  }

  /**
   * The browser closed the connection: site data cleared (by the visitor, or a storage purge). What
   * was stored is gone, and so is this tab's copy of it; the next record reopens a fresh, empty
   * database if consent still wants one, once per page load (a purge that repeats cannot loop).
   */
  #onCleared(): void {
    this.#toMemory('STORAGE_CLEARED');
    this.#clear();
    this.#reopenAfterClear ??= true;
  }

  #onDeletionCompleted(): void {
    if (this.#reason === 'STORAGE_BLOCKED') this.#reason = null;
    // Consent was granted while the deletion waited. Inside `#open` (a retry on start) the open
    // simply continues; otherwise the store opens now.
    if (this.#wantPersistence && this.#mode === 'memory') void this.enablePersistence();
  }

  /** Leaves IndexedDB: what was persisted or waits to be written stays available in memory for this tab. */
  #toMemory(reason: ErrorCode | null): void {
    this.#disconnect();
    this.#reason = reason;
    this.#memory.takeBack(this.#writes.drain());
  }

  /** Gives up the connection (and the channel); the new epoch marks work started before as stale. */
  #disconnect(): void {
    this.#epoch++;
    this.#writes.stopTimer();
    this.#db?.close();
    this.#db = null;
    this.#tabs.close();
  }

  /** Forgets every event and aggregate, held or waiting to be written. */
  #clear(): void {
    this.deletedAt = Date.now();
    this.#memory.clear();
    this.#writes.clear();
  }
}
