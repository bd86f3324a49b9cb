/**
 * Helpers for the profile store's browser tests: unique database names, raw IndexedDB access
 * (what really is on disk, read without the store), and clean-up.
 */
import { afterEach } from 'vitest';
import { createProfileStore, type ProfileStore, type ProfileStoreOptions } from '../../src/worker/profile/index.ts';
import type { ProductInfo } from '../../src/worker/profile/index.ts';

const stores: ProfileStore[] = [];
const names: string[] = [];

export function uniqueDbName(): string {
  const name = `vitrine-test-${crypto.randomUUID()}`;
  names.push(name);
  return name;
}

/** A store on a fresh database, purged after the test. */
export function store(options: ProfileStoreOptions = {}): ProfileStore {
  const created = createProfileStore({ dbName: uniqueDbName(), resolveProduct: catalog, ...options });
  stores.push(created);
  return created;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.purge().catch(() => {});
  for (const name of names.splice(0)) await deleteRaw(name);
});

/** A tiny catalog: `p1`..`p9`, categories, brands and prices that differ per product. */
export const CATALOG: Record<string, ProductInfo> = Object.fromEntries(
  Array.from({ length: 9 }, (_, i) => [
    `p${i + 1}`,
    {
      title: `Product ${i + 1}`,
      category: i < 5 ? ['Clothing', 'Dresses'] : ['Home', 'Kitchen'],
      brand: i % 2 === 0 ? 'Acme' : 'Globex',
      price: 10 * (i + 1),
      colour: i < 3 ? 'red' : 'blue',
      size: 'M',
    },
  ]),
);
export function catalog(id: string): ProductInfo | null {
  return CATALOG[id] ?? null;
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Opens with raw IndexedDB (no idb, no store); `upgrade` runs on versionchange. */
export function openRaw(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const req = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
  if (upgrade) req.onupgradeneeded = () => upgrade(req.result);
  return request(req);
}

export function deleteRaw(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = () => resolve();
  });
}

export async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

/** Every record of one store, read raw. */
export async function readRaw<T = unknown>(name: string, storeName: string): Promise<T[]> {
  const db = await openRaw(name);
  try {
    return (await request(db.transaction(storeName).objectStore(storeName).getAll())) as T[];
  } finally {
    db.close();
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 2000, stepMs = 2): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return performance.now() - start;
}
