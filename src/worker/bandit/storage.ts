/**
 * The bandit state's place in the profile database: the `bandit` store, through a connection of
 * the engine's own, opened only while the profile is persistent (personalization consent). The
 * connection steps aside at once when the profile is deleted (revocation, `delete()`, another
 * tab) or upgraded, so it never holds a deletion up, and says so (`onDropped`): the state is gone.
 */
import type { IDBPDatabase } from 'idb';
import { DEFAULT_DB_NAME, openProfileDB, type BanditRecord, type ProfileDB } from '../profile/schema.ts';

export class BanditStorage {
  #db: Promise<IDBPDatabase<ProfileDB> | null> | null = null;

  constructor(
    private readonly onDropped: () => void,
    private readonly dbName = DEFAULT_DB_NAME,
  ) {}

  #open(): Promise<IDBPDatabase<ProfileDB> | null> {
    const drop = (): void => {
      this.close();
      this.onDropped();
    };
    return (this.#db ??= openProfileDB(this.dbName, { blocking: drop, terminated: drop }).catch(() => (this.#db = null)));
  }

  /** Every stored record; none when storage cannot be opened. */
  async readAll(): Promise<BanditRecord[]> {
    const db = await this.#open();
    return db ? db.getAll('bandit') : [];
  }

  /** Writes the records in one transaction; a storage fault keeps them in memory only (never throws). */
  async write(records: BanditRecord[]): Promise<void> {
    const db = await this.#open();
    if (!db || !records.length) return;
    try {
      const tx = db.transaction('bandit', 'readwrite');
      await Promise.all([...records.map((record) => tx.store.put(record)), tx.done]);
    } catch {
      // Quota or a closed connection: the state lives on in memory for this page.
    }
  }

  close(): void {
    const db = this.#db;
    this.#db = null;
    void db?.then((connection) => connection?.close());
  }
}
