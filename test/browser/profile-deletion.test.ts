/**
 * Deletion pending (RELIABILITY "Deletion" row and C4): a purge that another connection keeps from
 * completing reports STORAGE_BLOCKED with `details.pending`, whether its request got the `blocked`
 * event or waits queued behind another tab's deletion; while pending the store reads and writes no
 * profile; the next store (page load) retries the deletion before it reads anything.
 * Real IndexedDB in Chromium; an "old build" is a raw connection without `onversionchange`.
 */
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { validateEvent, type StoredEvent } from '../../src/shared/events.ts';
import { createProfileStore, DB_VERSION, type ProfileStore } from '../../src/worker/profile/index.ts';
import { markDeletionPending, pendingMarkerName } from '../../src/worker/profile/pending.ts';
import { migrate } from '../../src/worker/profile/open.ts';
import { RECORD_VERSION, type ProfileDB } from '../../src/worker/profile/schema.ts';
import { catalog, databaseNames, deleteRaw, openRaw, readRaw, request, uniqueDbName, waitFor } from './profile-helpers.ts';

const T0 = Date.UTC(2025, 0, 15, 12);
const now = (): number => T0 + 1000;
const view = (product: string, time = T0): StoredEvent => validateEvent({ type: 'view', product, time }, time);

function outcome(promise: Promise<void>): Promise<{ code: string | null; details?: unknown }> {
  return promise.then(
    () => ({ code: null }),
    (error: { code?: string; details?: unknown }) => ({ code: error.code ?? String(error), details: error.details }),
  );
}

async function persisted(dbName: string, products: string[]): Promise<ProfileStore> {
  const s = createProfileStore({ dbName, now, resolveProduct: catalog, openTimeoutMs: 300 });
  await s.enablePersistence();
  for (const product of products) await s.record(view(product));
  return s;
}

/** A profile database as an earlier visit left it, written without the store. */
async function seedProfile(dbName: string, products: string[]): Promise<void> {
  const db = await openDB<ProfileDB>(dbName, DB_VERSION, { upgrade: (d, old, _new, tx) => migrate(d, old, tx) });
  for (const product of products) await db.add('events', { ...view(product), v: RECORD_VERSION });
  db.close();
}

describe('concurrent purges', () => {
  it('should report STORAGE_BLOCKED pending for both of two purges at once behind an old connection, also the queued one, and finish both when it closes', async () => {
    const dbName = uniqueDbName();
    const a = await persisted(dbName, ['p1']);
    const b = await persisted(dbName, ['p2']);
    const old = await openRaw(dbName); // an old build: ignores versionchange
    const results = await Promise.all([outcome(a.purge()), outcome(b.purge())]);
    expect(results.map((r) => r.code)).toEqual(['STORAGE_BLOCKED', 'STORAGE_BLOCKED']);
    for (const r of results) expect(r.details).toMatchObject({ pending: true, marked: true });
    // Only the head of IndexedDB's queue gets `blocked`: the other one waited queued, and still says pending.
    expect(results.map((r) => (r.details as { queued: boolean }).queued).sort()).toEqual([false, true]);
    for (const s of [a, b])
      expect(s.status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_BLOCKED', deletionPending: true, events: 0 });
    expect(await databaseNames()).toContain(pendingMarkerName(dbName));

    old.close();
    await waitFor(() => !a.status().deletionPending && !b.status().deletionPending);
    const names = await databaseNames();
    expect(names).not.toContain(dbName);
    expect(names).not.toContain(pendingMarkerName(dbName));
    for (const s of [a, b]) expect(s.status()).toMatchObject({ mode: 'memory', reason: null, deletionPending: false });
  });

  it('should resolve both of two purges at once with nobody blocking, with the database gone and no marker', async () => {
    const dbName = uniqueDbName();
    const a = await persisted(dbName, ['p1']);
    const b = await persisted(dbName, ['p2']);
    expect(await Promise.all([outcome(a.purge()), outcome(b.purge())])).toEqual([{ code: null }, { code: null }]);
    const names = await databaseNames();
    expect(names).not.toContain(dbName);
    expect(names).not.toContain(pendingMarkerName(dbName));
    for (const s of [a, b]) expect(s.status()).toMatchObject({ mode: 'memory', reason: null, deletionPending: false, events: 0 });
  });
});

describe('deletion pending', () => {
  it('should refuse profile reads and writes while the deletion waits, and open a fresh database once it completes if consent wants it', async () => {
    const dbName = uniqueDbName();
    const s = await persisted(dbName, ['p1', 'p2']);
    const old = await openRaw(dbName);
    expect((await outcome(s.purge())).code).toBe('STORAGE_BLOCKED');
    // Consent granted again while the deletion waits: the old profile must still not be opened.
    await s.record(view('p3'));
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_BLOCKED', deletionPending: true, events: 1 });
    expect((await s.export()).events.map((e) => e.product)).toEqual(['p3']);
    expect((await s.summary()).sections.find((x) => x.topic === 'problems')?.text).toMatch(/^Saving is off because/);

    old.close();
    await waitFor(() => s.status().mode === 'persistent');
    expect(s.status()).toMatchObject({ reason: null, deletionPending: false });
    // Only what was recorded after the revocation reaches the new database.
    expect((await readRaw<StoredEvent>(dbName, 'events')).map((e) => e.product)).toEqual(['p3']);
    expect((await s.export()).events.map((e) => e.product)).toEqual(['p3']);
    expect(await databaseNames()).not.toContain(pendingMarkerName(dbName));
    await s.purge();
  });

  it('should retry a deletion left pending by an earlier page load before reading anything', async () => {
    const dbName = uniqueDbName();
    await seedProfile(dbName, ['p1', 'p2']);
    await markDeletionPending(dbName);
    const s = createProfileStore({ dbName, now, resolveProduct: catalog });
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'persistent', reason: null, deletionPending: false, events: 0 });
    expect((await s.export()).events).toEqual([]);
    expect(await readRaw(dbName, 'events')).toEqual([]);
    expect(await databaseNames()).not.toContain(pendingMarkerName(dbName));
    await s.purge();
  });

  it('should stay pending on the next load while the old connection still holds the database, and never show its data', async () => {
    const dbName = uniqueDbName();
    await seedProfile(dbName, ['p1', 'p2']);
    await markDeletionPending(dbName);
    const old = await openRaw(dbName);
    const s = createProfileStore({ dbName, now, resolveProduct: catalog, openTimeoutMs: 300 });
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_BLOCKED', deletionPending: true, events: 0 });
    await s.record(view('p3'));
    expect((await s.export()).events.map((e) => e.product)).toEqual(['p3']);

    old.close();
    await waitFor(() => s.status().mode === 'persistent');
    expect((await s.export()).events.map((e) => e.product)).toEqual(['p3']);
    expect(await databaseNames()).not.toContain(pendingMarkerName(dbName));
    await s.purge();
  });

  it('should create no marker and touch no storage on a visit without one', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, now });
    await s.record(view('p1'));
    await new Promise((r) => setTimeout(r, 50));
    const names = await databaseNames();
    expect(names).not.toContain(dbName);
    expect(names).not.toContain(pendingMarkerName(dbName));
    expect(s.status()).toMatchObject({ mode: 'memory', deletionPending: false });
    await deleteRaw(pendingMarkerName(dbName));
  });
});

describe('delete() (the visitor deletes, consent stays)', () => {
  it('should empty the stores at once and report STORAGE_BLOCKED pending while an old build keeps the database, then reopen a fresh one', async () => {
    const dbName = uniqueDbName();
    const s = await persisted(dbName, ['p1', 'p2']);
    const old = await openRaw(dbName); // an old build: ignores versionchange
    expect(await outcome(s.delete())).toMatchObject({ code: 'STORAGE_BLOCKED', details: { pending: true } });
    // Nothing of it can be read meanwhile, by anyone (a new connection would queue behind the deletion: ask the old one).
    expect(s.status()).toMatchObject({ events: 0, deletionPending: true });
    expect(await request(old.transaction('events').objectStore('events').getAll())).toEqual([]);
    await s.record(view('p3'));
    old.close();
    // Consent still wants persistence: a fresh database, holding only what came after.
    await waitFor(() => s.status().mode === 'persistent');
    expect((await readRaw<StoredEvent>(dbName, 'events')).map((e) => e.product)).toEqual(['p3']);
    await s.purge();
  });

  it('should delete what another store instance holds and waits to write, before resolving, and both keep saving', async () => {
    const dbName = uniqueDbName();
    const a = await persisted(dbName, ['p1']);
    const b = await persisted(dbName, ['p2']);
    const queued = Array.from({ length: 300 }, (_, i) => b.record(view(`p${(i % 9) + 1}`, T0 + i)));
    await a.delete();
    expect(a.events()).toEqual([]);
    expect(b.events()).toEqual([]);
    await Promise.all(queued); // every record() still resolves: dropped, not failed
    expect(await readRaw(dbName, 'events')).toEqual([]);
    await waitFor(() => a.status().mode === 'persistent' && b.status().mode === 'persistent');
    await b.record(view('p9'));
    await a.record(view('p8'));
    expect((await readRaw<StoredEvent>(dbName, 'events')).map((e) => e.product).sort()).toEqual(['p8', 'p9']);
    await waitFor(() => a.events().length === 2 && b.events().length === 2);
    await a.purge();
  });
});
