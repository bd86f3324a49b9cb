/**
 * The bandit state's place in the profile database: the `bandit` store, through the profile's own
 * connection, which exists only while the profile is persistent (personalization consent). So the
 * state is written only then, and a deletion or revocation (which closes that connection and
 * deletes the database) takes it along.
 */
import type { IDBPDatabase } from 'idb';
import type { BanditRecord, ProfileDB } from '../profile/schema.ts';

export class BanditStorage {
  constructor(private readonly db: () => IDBPDatabase<ProfileDB> | null) {}

  /** Every stored record; none when the profile is not persistent or cannot be read. */
  async readAll(): Promise<BanditRecord[]> {
    return (
      (await this.db()
        ?.getAll('bandit')
        .catch(() => [])) ?? []
    );
  }

  /** Writes the records in one transaction; a storage fault keeps them in memory only (never throws). */
  async write(records: BanditRecord[]): Promise<void> {
    const db = this.db();
    if (!db || !records.length) return;
    try {
      const tx = db.transaction('bandit', 'readwrite');
      await Promise.all([...records.map((record) => tx.store.put(record)), tx.done]);
    } catch {
      // Quota, or the connection closed (a deletion under way): the state lives on in memory for this page.
    }
  }
}
