/**
 * The "deletion pending" marker: proof, across page loads, that a profile deletion was asked for
 * but could not finish because another connection (an old build ignoring `versionchange`) kept the
 * database open (RELIABILITY C4).
 *
 * Why a separate, empty database: it survives the reload (worker memory does not), the worker can
 * reach it (localStorage is not available there), and it holds no visitor data at all: its
 * existence is the flag. It is created only when a deletion is blocked and deleted as soon as the
 * deletion completes. Consent alone cannot serve as the marker: Vitrine stores no consent record,
 * so on the next load the shop's CMP may well grant again, and the first open would read the
 * profile the visitor asked to delete.
 */

/** Name of the marker database of one profile database. */
export function pendingMarkerName(dbName: string): string {
  return `${dbName}:deletion-pending`;
}

/** The result of an IndexedDB request, or its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Creates the marker (idempotent). Rejects if IndexedDB refuses. */
export async function markDeletionPending(dbName: string): Promise<void> {
  const db = await request(indexedDB.open(pendingMarkerName(dbName), 1));
  db.close();
}

/** Removes the marker. Nobody keeps it open, so this is never blocked for long. */
export async function clearDeletionPending(dbName: string): Promise<void> {
  await request(indexedDB.deleteDatabase(pendingMarkerName(dbName)));
}

/**
 * Whether the marker exists, without ever creating storage: `indexedDB.databases()` only lists;
 * where it is missing, an open whose creation is aborted in `upgradeneeded` leaves nothing behind.
 * False when IndexedDB is unavailable (nothing can have been persisted then).
 */
export async function isDeletionPending(dbName: string): Promise<boolean> {
  const name = pendingMarkerName(dbName);
  try {
    if (typeof indexedDB === 'undefined') return false;
    // Opaque origin (sandboxed iframe): IndexedDB is denied, so nothing was persisted. Asking
    // anyway is not harmless: Chromium 156 rejects databases() with SecurityError *and* reports an
    // uncaught error ("undefined") to the page although the rejection is handled.
    if (typeof origin === 'string' && origin === 'null') return false;
    if (typeof indexedDB.databases === 'function') {
      return (await indexedDB.databases()).some((db) => db.name === name);
    }
    const req = indexedDB.open(name);
    req.onupgradeneeded = () => req.transaction?.abort();
    const db = await request(req);
    db.close();
    return true;
  } catch {
    // SecurityError (opaque origin) or the aborted creation: no marker.
    return false;
  }
}
