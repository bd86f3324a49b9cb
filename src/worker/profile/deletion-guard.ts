/**
 * Deleting the profile database, and keeping the profile closed while a deletion is owed
 * (RELIABILITY C4): another connection (an old build ignoring `versionchange`) can keep the
 * database from being deleted for as long as it stays open.
 *
 * Invariants:
 * - While `pending`, the store opens, reads and writes nothing stored (it asks `pending`); the
 *   deletion request stays queued in IndexedDB, and its completion (however late) ends the state.
 * - A pending deletion leaves a marker (./pending.ts), so the next page load retries it (`recover()`)
 *   before anything is read; the marker is removed before the pending state ends, so it never
 *   outlives the deletion and deletes the fresh database that follows.
 * - Without a marker, `recover()` only lists databases: a visit creates no storage.
 */
import { VitrineError } from '../../shared/errors.ts';
import { clearDeletionPending, isDeletionPending, markDeletionPending, request } from './pending.ts';

/** What the store hears from the guard. */
export interface DeletionEvents {
  /** A deletion is owed from now on: nothing stored may be used. */
  pending(): void;
  /** The owed deletion went through (its marker removed first). */
  completed(): void;
}

export class DeletionGuard {
  readonly #name: string;
  readonly #timeoutMs: number;
  readonly #on: DeletionEvents;
  #pending = false;
  /** The marker is (being) written; the deletion's completion waits for it before removing it. */
  #marking: Promise<void> | null = null;
  /** The check for (and retry of) a deletion left pending by an earlier page load. */
  #recovering: Promise<void> | null = null;

  /** `timeoutMs`: how long `delete()` waits before it reports the deletion pending. */
  constructor(dbName: string, timeoutMs: number, on: DeletionEvents) {
    this.#name = dbName;
    this.#timeoutMs = timeoutMs;
    this.#on = on;
  }

  /** A deletion was asked for and has not completed. */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * Deletes the database; resolves when it is gone. When it is not gone within the deadline, the
   * request stays queued and completes once the other connections close, so this rejects
   * `STORAGE_BLOCKED` with `details.pending: true`, after writing the pending marker. Only the
   * request at the head of IndexedDB's queue gets a `blocked` event: one queued behind another
   * tab's deletion (two tabs revoking at once) waits for the same connection without being told,
   * so both cases are the same "pending" (`details.queued` says which).
   */
  async delete(): Promise<void> {
    if (typeof indexedDB === 'undefined') return;
    let blocked = false;
    let deleting: Promise<void>;
    try {
      // IndexedDB's own request, not idb's deleteDB: idb's wrapper stays in the stored profile's chunk
      // (./stored-profile.ts), which a visit without personalization consent never loads.
      const deletion = indexedDB.deleteDatabase(this.#name);
      deletion.onblocked = () => (blocked = true);
      deleting = request(deletion).then(() => undefined);
    } catch (error) {
      // No IndexedDB at all (opaque origin): nothing can have been persisted.
      if ((error as { name?: unknown })?.name === 'SecurityError') return;
      throw error;
    }
    // The request outlives our deadline: its completion is what ends the pending state (also when
    // that happens long after we reported the deletion pending).
    const completed = deleting.then(() => this.#completed());
    completed.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, this.#timeoutMs, 'late')));
    try {
      if ((await Promise.race([completed, deadline])) !== 'late') return;
    } finally {
      clearTimeout(timer);
    }
    this.#owe();
    this.#marking ??= markDeletionPending(this.#name);
    let marked = true;
    try {
      await this.#marking;
    } catch {
      // Without the marker the retry on the next load cannot happen: say so in the error.
      marked = false;
      this.#marking = null;
    }
    throw new VitrineError('STORAGE_BLOCKED', 'deletion pending until another tab closes the profile database (retried on the next load)', {
      pending: true,
      queued: !blocked,
      marked,
    });
  }

  /** A marker left by an earlier load (or another tab): retry that deletion. Coalesced. */
  recover(): Promise<void> {
    this.#recovering ??= (async () => {
      if (this.#pending || !(await isDeletionPending(this.#name))) return;
      // Until the retry succeeds, nothing of the old profile may be read.
      this.#owe();
      this.#marking ??= Promise.resolve();
      // Not swallowed: a retry that is blocked again leaves the guard pending, which the store
      // reports (`deletionPending`, reason `STORAGE_BLOCKED`); its completion ends that state.
      await this.delete().catch(() => undefined);
    })().finally(() => (this.#recovering = null));
    return this.#recovering;
  }

  #owe(): void {
    this.#pending = true;
    this.#on.pending();
  }

  /** The deletion went through: remove the marker, then leave the pending state. */
  async #completed(): Promise<void> {
    const marking = this.#marking;
    if (marking) {
      // The marker goes before the pending state ends: a marker outliving it would make the next
      // check delete the fresh database the store is about to open.
      this.#marking = null;
      await marking.catch(() => undefined);
      await clearDeletionPending(this.#name).catch((error: unknown) => {
        // Left behind, the marker only costs one more (harmless) deletion on the next load.
        console.warn('vitrine: could not remove the deletion-pending marker', error);
      });
    }
    if (!this.#pending) return;
    this.#pending = false;
    this.#on.completed();
  }
}
