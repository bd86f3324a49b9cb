/**
 * Tells the other tabs of this origin what this tab changed in the profile database, and hears
 * what they changed, over a BroadcastChannel named after the database. Open only while the store
 * is persistent (or waits to reopen after another tab's `delete()`); without BroadcastChannel every call does nothing.
 *
 * Messages:
 * - `batch`: a committed write, with its change, so other mirrors update without a read;
 * - `changed`: anything else changed (`forget()`): re-read the database;
 * - `purge`: consent was revoked and the database is being deleted: forget everything;
 * - `deleted`: `delete()` deleted the database and opened a fresh one: open it too. Heard also while
 *   not persistent: a tab keeps its channel open after that deletion closed its connection.
 */
import type { BatchChange } from './transactions.ts';

/** Prefix of the channel name; the database name follows. */
const CHANNEL_PREFIX = 'vitrine-profile:';

export type TabMessage = { type: 'batch'; change: BatchChange } | { type: 'changed' } | { type: 'purge' } | { type: 'deleted' };

export class TabSync {
  readonly #name: string;
  readonly #receive: (message: TabMessage) => void;
  #channel: BroadcastChannel | null = null;

  /** `receive` gets every message another tab posts while this one is open. */
  constructor(dbName: string, receive: (message: TabMessage) => void) {
    this.#name = CHANNEL_PREFIX + dbName;
    this.#receive = receive;
  }

  open(): void {
    if (typeof BroadcastChannel === 'undefined' || this.#channel) return;
    this.#channel = new BroadcastChannel(this.#name);
    this.#channel.onmessage = (event: MessageEvent<TabMessage | null>) => {
      if (event.data) this.#receive(event.data);
    };
  }

  post(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  close(): void {
    this.#channel?.close();
    this.#channel = null;
  }
}
