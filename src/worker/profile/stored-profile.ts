/**
 * The stored profile's code: opening the IndexedDB database and every transaction on it (with idb).
 * Its own chunk, loaded when personalization consent first opens the database (store.ts `#open`): a
 * visitor who never gives that consent never downloads it, and the profile stays in memory for them.
 */
export { openWithTimeout } from './open.ts';
export { clearProfile, isInactive, readSnapshot, writeBatch, WriteFailure } from './transactions.ts';
