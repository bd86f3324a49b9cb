import { describe, expect, it } from 'vitest';
import { validateEvent, type StoredEvent } from '../../src/shared/events.ts';
import { createProfileStore, DB_VERSION } from '../../src/worker/profile/index.ts';
import { openDB, unwrap } from 'idb';
import { migrate, type ProfileDB } from '../../src/worker/profile/schema.ts';
import { isQuota } from '../../src/worker/profile/store.ts';
import { catalog, databaseNames, openRaw, readRaw, request, uniqueDbName, waitFor } from './profile-helpers.ts';

const T0 = Date.UTC(2025, 0, 15, 12);
const now = (): number => T0 + 1000;
const view = (product: string, time = T0): StoredEvent => validateEvent({ type: 'view', product, time }, time);

/** The version-1 schema as that build created it, written with raw IndexedDB (no Vitrine code). */
function createV1(db: IDBDatabase): void {
  const events = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
  events.createIndex('by-time', 'time');
  db.createObjectStore('session', { keyPath: 'key' });
  db.createObjectStore('bandit', { keyPath: 'key' });
  db.createObjectStore('meta', { keyPath: 'key' });
}

describe('profile schema migrations', () => {
  it('should upgrade a populated version-1 database step by step, keeping every record', async () => {
    const dbName = uniqueDbName();
    const v1 = await openRaw(dbName, 1, createV1);
    const tx = v1.transaction(['events', 'bandit'], 'readwrite');
    for (let i = 0; i < 30; i++) tx.objectStore('events').add({ v: 1, type: 'view', product: `p${(i % 3) + 1}`, time: T0 + i });
    tx.objectStore('bandit').put({ key: 'similar:content', v: 1, alpha: 3, beta: 7, updatedAt: T0 });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v1.close();

    const s = createProfileStore({ dbName, now, resolveProduct: catalog });
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'persistent', events: 30, skippedRecords: 0 });
    const db = await openRaw(dbName);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['bandit', 'derived', 'events', 'meta', 'session']);
    // The index added by step 2 covers the old records: forget() finds them through it.
    const byProduct = await request(db.transaction('events').objectStore('events').index('by-product').count('p2'));
    expect(byProduct).toBe(10);
    db.close();
    await s.forget('p2');
    expect(s.events().filter((e) => e.product === 'p2')).toEqual([]);
    expect((await readRaw(dbName, 'events')).length).toBe(20);
    expect(await readRaw(dbName, 'bandit')).toEqual([{ key: 'similar:content', v: 1, alpha: 3, beta: 7, updatedAt: T0 }]);
    await s.purge();
  });
});

describe('profile store faults (memory profile with a status, never a throw)', () => {
  it('should skip and count corrupt and future-version records, and use the good ones', async () => {
    const dbName = uniqueDbName();
    // The current schema, created by the store's own migration code, then filled raw.
    const raw = await openDB<ProfileDB>(dbName, DB_VERSION, { upgrade: (db, old, _new, tx) => migrate(db, old, tx) });
    const tx = unwrap(raw).transaction(['events', 'derived'], 'readwrite'); // raw IDB: records of any shape
    const events = tx.objectStore('events');
    events.add({ v: 1, type: 'view', product: 'p1', time: T0 });
    events.add({ v: 1, type: 'view', product: 'p2', time: T0 + 1 });
    events.add({ v: 1, type: 'teleport', product: 'p1', time: T0 + 2 }); // unknown type
    events.add({ v: 1, type: 'view', time: T0 + 3 }); // no product
    events.add({ v: 1, type: 'view', product: 'p1', time: 'yesterday' }); // string time
    events.add({ v: 1, type: 'view', product: 'p1', time: T0 + 4, price: Number.NaN }); // NaN price
    events.add({ v: 7, type: 'view', product: 'p1', time: T0 + 5, novelty: true }); // written by a newer build
    tx.objectStore('derived').put({
      product: 'p9',
      v: 1,
      weight: 'lots',
      at: T0,
      events: 1,
      firstTime: T0,
      lastTime: T0,
      features: { category: [] },
    });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    raw.close();

    const s = createProfileStore({ dbName, now, resolveProduct: catalog });
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'persistent', events: 2, skippedRecords: 6 });
    expect(s.events().map((e) => e.product)).toEqual(['p1', 'p2']);
    expect((await s.summary()).sections.find((x) => x.topic === 'problems')?.text).toBe(
      '6 saved records could not be read and were ignored.',
    );
    // Skipped records are left alone, not destroyed (a newer build may still read them).
    expect((await readRaw(dbName, 'events')).length).toBe(7);
    await s.purge();
  });

  it('S6: should skip and count stored records with times no Date holds, and export and summarise the rest (issue 12, failure 3)', async () => {
    const dbName = uniqueDbName();
    const raw = await openDB<ProfileDB>(dbName, DB_VERSION, { upgrade: (db, old, _new, tx) => migrate(db, old, tx) });
    const tx = unwrap(raw).transaction(['events', 'derived'], 'readwrite'); // raw IDB: what an older build let through
    const events = tx.objectStore('events');
    events.add({ v: 1, type: 'view', product: 'p1', time: T0 });
    events.add({ v: 1, type: 'view', product: 'p2', time: 8.64e15 + 1 }); // past what a Date holds: RangeError in toISOString
    events.add({ v: 1, type: 'view', product: 'p3', time: 8.64e15 }); // a Date, but in the year 275760
    events.add({ v: 1, type: 'view', product: 'p4', time: -8.64e15 - 1 });
    // Missing feature fields (an older format) must not show up as "undefined" preferences either.
    const aggregate = { v: 1, weight: 1, at: T0, events: 1, firstTime: T0, features: { category: [], brand: null } };
    tx.objectStore('derived').put({ ...aggregate, product: 'p5', lastTime: T0 });
    tx.objectStore('derived').put({ ...aggregate, product: 'p6', lastTime: 8.64e15 + 1 });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    raw.close();

    for (let visit = 0; visit < 2; visit++) {
      // Every visit, not only the first: bad records stay on disk (a newer build may read them) and are
      // skipped again, except the one before 2000, which the first visit's write compacted away as too old.
      const skipped = visit === 0 ? 4 : 3;
      const s = createProfileStore({ dbName, now, resolveProduct: catalog });
      await s.enablePersistence();
      expect(s.status()).toMatchObject({ mode: 'persistent', events: 1, skippedRecords: skipped });
      const data = await s.export();
      expect(data.events.map((e) => [e.product, e.time])).toEqual([['p1', new Date(T0).toISOString()]]);
      expect(data.compacted.map((a) => a.product)).toEqual(['p5']);
      expect(JSON.stringify(data.preferences)).not.toMatch(/undefined|NaN/);
      const summary = await s.summary();
      expect(summary.sections.find((x) => x.topic === 'problems')?.text).toBe(
        `${skipped} saved records could not be read and were ignored.`,
      );
      expect(JSON.stringify(summary)).not.toMatch(/275760|RangeError|Invalid|undefined|NaN/);
      // Recording still works next to them.
      await s.record(view('p7', T0 + 10));
      expect(s.status().events).toBe(2);
      await s.forget('p7');
      if (visit === 1) await s.purge();
    }
  });

  it('should fall back to memory with STORAGE_OPEN_TIMEOUT when the open never settles', async () => {
    const s = createProfileStore({ dbName: uniqueDbName(), now, openTimeoutMs: 100, faults: { openNeverSettles: true } });
    await s.record(view('p1'));
    const start = performance.now();
    await s.enablePersistence();
    expect(performance.now() - start).toBeLessThan(1000);
    expect(s.status()).toEqual({
      mode: 'memory',
      reason: 'STORAGE_OPEN_TIMEOUT',
      events: 1,
      overflow: 0,
      skippedRecords: 0,
      deletionPending: false,
    });
    await s.record(view('p2'));
    expect(s.events().length).toBe(2);
    expect((await s.summary()).sections.at(-1)?.text).toBe('Saving is off because the browser storage did not answer in time.');
  });

  it('should fall back to memory with STORAGE_BLOCKED when an old tab ignoring versionchange holds version 1 open', async () => {
    const dbName = uniqueDbName();
    const old = await openRaw(dbName, 1, createV1); // no onversionchange handler: an old build
    const s = createProfileStore({ dbName, now, openTimeoutMs: 300 });
    await s.record(view('p1'));
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_BLOCKED', events: 1 });
    old.close();
    // The late open (when the old tab goes) is closed again, never used half-way: a new store upgrades cleanly.
    const next = createProfileStore({ dbName, now });
    await next.enablePersistence();
    expect(next.status()).toMatchObject({ mode: 'persistent', reason: null });
    await next.purge();
  });

  it('should step aside with STORAGE_VERSION when another tab upgrades, keeping its events in memory', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, now });
    await s.enablePersistence();
    await s.record(view('p1'));
    const newer = await openRaw(dbName, DB_VERSION + 1, () => {});
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(s.status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_VERSION', events: 1 });
    newer.close();
    // And a database newer than this build is reported, not deleted.
    const again = createProfileStore({ dbName, now });
    await again.enablePersistence();
    expect(again.status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_VERSION' });
    expect(await databaseNames()).toContain(dbName);
  });

  it('should report STORAGE_UNAVAILABLE from a sandboxed iframe, where indexedDB.open throws SecurityError', async () => {
    // The store's own module cannot be loaded into an opaque origin from the test server, so
    // this proves the browser fact the store relies on (V9); the store's handling of a throwing
    // open() is the same code path as the timeout/blocked cases above (openWithTimeout).
    const frame = document.createElement('iframe');
    frame.sandbox.add('allow-scripts');
    const answer = new Promise<string>((resolve) => {
      window.addEventListener('message', function listen(event) {
        if (event.source !== frame.contentWindow) return;
        window.removeEventListener('message', listen);
        resolve(String(event.data));
      });
    });
    frame.srcdoc = `<script>try { indexedDB.open('x'); parent.postMessage('opened', '*'); } catch (e) { parent.postMessage(e.name, '*'); }</script>`;
    document.body.append(frame);
    try {
      expect(await answer).toBe('SecurityError');
    } finally {
      frame.remove();
    }
  });
});

describe('purge under contention', () => {
  it('should not bring the database back when consent is revoked while the open is still running', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, now });
    await s.record(view('p1'));
    const enabling = s.enablePersistence();
    await s.purge();
    await enabling;
    expect(s.status()).toMatchObject({ mode: 'memory', events: 0 });
    await s.record(view('p2'));
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('should reject STORAGE_BLOCKED (deletion pending) when an old tab ignoring versionchange keeps the database, and finish when it closes', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, now, openTimeoutMs: 300 });
    await s.enablePersistence();
    await s.record(view('p1'));
    const old = await openRaw(dbName); // an old build: no onversionchange handler
    const error = await s.purge().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'STORAGE_BLOCKED', details: { pending: true } });
    // Nothing is served from the profile meanwhile.
    expect(s.status()).toMatchObject({ mode: 'memory', events: 0 });
    old.close();
    await waitFor(async () => !(await databaseNames()).includes(dbName));
  });
});

describe('quota classification', () => {
  it('should recognise QuotaExceededError raw and wrapped in AbortError (tx.error)', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isQuota(quota, null)).toBe(true);
    expect(isQuota(new DOMException('aborted', 'AbortError'), quota)).toBe(true);
    expect(isQuota(new DOMException('aborted', 'AbortError'), null)).toBe(false);
    expect(isQuota(new DOMException('closing', 'InvalidStateError'), new DOMException('x', 'UnknownError'))).toBe(false);
  });
});
