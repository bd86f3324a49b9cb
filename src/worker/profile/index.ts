/**
 * The visitor profile store (in the worker). Consent code calls `enablePersistence()` and
 * `purge()`; the engine feeds `track()` into `record()`; ranking reads `events()` / `affinities()`.
 */
export { createProfileStore, DEFAULT_MAX_AGE_DAYS, DEFAULT_MAX_EVENTS, DEFAULT_OPEN_TIMEOUT_MS } from './store.ts';
export type { ProfileStore, ProfileStoreOptions } from './store.ts';
export type { Affinities, ProductInfo, ResolveProduct } from './affinities.ts';
export type { StorageFaults } from './open.ts';
export { DB_VERSION, DEFAULT_DB_NAME } from './schema.ts';
