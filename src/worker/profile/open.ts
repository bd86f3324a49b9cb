/**
 * Opening the profile database without ever hanging or throwing: every way IndexedDB can fail to
 * open (missing, throwing synchronously, rejecting, blocked by another tab, never settling)
 * becomes a `VitrineError` with a storage code, after at most `timeoutMs`. And the schema's
 * migrations (the schema itself: ./schema.ts).
 */
import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { VitrineError, isVitrineError } from '../../shared/errors.ts';
import { DB_VERSION, type ProfileDB } from './schema.ts';

/**
 * Test-only faults, injected through `createProfileStore({ faults })` (RELIABILITY "fault-injection
 * surface"). Every use is guarded by `import.meta.env.MODE === 'test'`, which Vite replaces at build
 * time, so production builds contain none of them (test/node/build-output.test.ts checks).
 */
export interface StorageFaults {
  /** The open request never fires success nor error (the Safari 14 class of bug, idb#227). */
  openNeverSettles?: boolean;
  /** A migration step throws inside the versionchange transaction, as one would on a legacy record it cannot convert (S5). */
  failMigration?: boolean;
  /** A batch awaits a timer between two requests of its transaction: the premature-commit bug the detector must catch (S7). */
  delayInsideTx?: boolean;
  /**
   * Called inside a batch's transaction after its events are put and before its aggregates and
   * counters are; returning true keeps the transaction busy, never committing, so a test can
   * terminate the worker right there (S8).
   */
  terminateAfterPut?: () => boolean;
}

function classifyOpenError(error: unknown): VitrineError {
  if (isVitrineError(error)) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  if (name === 'VersionError')
    return new VitrineError('STORAGE_VERSION', `the profile database is newer than this build (${message})`, { cause: name });
  if (name === 'QuotaExceededError') return new VitrineError('STORAGE_QUOTA', message, { cause: name });
  return new VitrineError('STORAGE_UNAVAILABLE', `IndexedDB cannot be opened: ${message}`, { cause: name || 'unknown' });
}

export async function openWithTimeout(
  name: string,
  timeoutMs: number,
  callbacks: OpenCallbacks,
  faults: StorageFaults = {},
): Promise<IDBPDatabase<ProfileDB>> {
  let blocked = false;
  let timedOut = false;
  let opening: Promise<IDBPDatabase<ProfileDB>>;
  try {
    if (typeof indexedDB === 'undefined') throw new DOMException('indexedDB is not defined', 'NotSupportedError');
    opening =
      import.meta.env.MODE === 'test' && faults.openNeverSettles
        ? new Promise<never>(() => {})
        : openProfileDB(
            name,
            {
              ...callbacks,
              blocked: () => {
                blocked = true;
                callbacks.blocked?.();
              },
            },
            faults,
          );
  } catch (error) {
    // An opaque origin (sandboxed iframe) throws SecurityError synchronously from open() (V9).
    throw classifyOpenError(error);
  }
  // A connection that arrives after we gave up is closed at once, never used half-way.
  opening.then(
    (db) => timedOut && db.close(),
    () => {},
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(
        blocked
          ? new VitrineError('STORAGE_BLOCKED', 'another tab keeps an older profile database open', { timeoutMs })
          : new VitrineError('STORAGE_OPEN_TIMEOUT', `opening the profile database took over ${timeoutMs} ms`, { timeoutMs }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([opening.catch((error: unknown) => Promise.reject(classifyOpenError(error))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export interface OpenCallbacks {
  /** Another connection keeps an older version open; the open waits until it closes. */
  blocked?: () => void;
  /** Another tab wants a newer version (`newVersion`) or deletion (`null`); we must close. */
  blocking?: (newVersion: number | null) => void;
  /** The browser closed the connection (site data cleared, storage purged). */
  terminated?: () => void;
}

/**
 * Runs every migration step from `oldVersion` to `DB_VERSION` inside the versionchange
 * transaction, so an interrupted upgrade leaves the database at its old version, intact.
 */
export function migrate(
  db: IDBPDatabase<ProfileDB>,
  oldVersion: number,
  tx: IDBPTransaction<ProfileDB, StoreNames<ProfileDB>[], 'versionchange'>,
): void {
  if (oldVersion < 1) {
    const events = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
    events.createIndex('by-time', 'time');
    db.createObjectStore('session', { keyPath: 'key' });
    db.createObjectStore('bandit', { keyPath: 'key' });
    db.createObjectStore('meta', { keyPath: 'key' });
  }
  if (oldVersion < 2) {
    // Indexing existing records happens inside this transaction: no data copy needed.
    tx.objectStore('events').createIndex('by-product', 'product');
    db.createObjectStore('derived', { keyPath: 'product' });
  }
}

/**
 * Opens (creating or upgrading) the profile database. Rejects like `indexedDB.open()` would, or
 * with `STORAGE_MIGRATION_FAILED` when a migration step throws: the versionchange transaction is
 * aborted, so the database stays at its old version with all its data, and the next start retries.
 */
export function openProfileDB(name: string, callbacks: OpenCallbacks = {}, faults: StorageFaults = {}): Promise<IDBPDatabase<ProfileDB>> {
  let failed: VitrineError | null = null;
  return openDB<ProfileDB>(name, DB_VERSION, {
    upgrade: (db, oldVersion, _newVersion, tx) => {
      try {
        if (import.meta.env.MODE === 'test' && faults.failMigration) throw new Error('injected migration fault');
        migrate(db, oldVersion, tx);
      } catch (error) {
        // Aborted here, not thrown: a throw from the event handler would also surface as an uncaught error.
        failed = new VitrineError('STORAGE_MIGRATION_FAILED', `migration from version ${oldVersion} failed: ${error}`, {
          fromVersion: oldVersion,
          toVersion: DB_VERSION,
        });
        tx.done.catch(() => undefined);
        tx.abort();
      }
    },
    blocked: () => callbacks.blocked?.(),
    blocking: (_current, newVersion) => callbacks.blocking?.(newVersion),
    terminated: () => callbacks.terminated?.(),
  }).catch((error: unknown) => Promise.reject(failed ?? error));
}
