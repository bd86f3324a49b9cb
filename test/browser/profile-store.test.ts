import { describe, expect, it } from 'vitest';
import { validateEvent, type StoredEvent } from '../../src/shared/events.ts';
import { databaseNames, readRaw, store, uniqueDbName } from './profile-helpers.ts';
import { createProfileStore } from '../../src/worker/profile/index.ts';
import { catalog } from './profile-helpers.ts';

const T0 = Date.UTC(2025, 0, 15, 12);
const view = (product: string, time = T0): StoredEvent => validateEvent({ type: 'view', product, time }, time);

describe('profile store without consent (memory only)', () => {
  it('should keep events in memory and never create a database', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, resolveProduct: catalog, now: () => T0 + 100 });
    for (let i = 0; i < 20; i++) await s.record(view(`p${(i % 3) + 1}`, T0 + i));
    expect(s.status()).toEqual({ mode: 'memory', reason: null, events: 20, overflow: 0, skippedRecords: 0, deletionPending: false });
    expect(s.affinities().brand.Acme).toBeGreaterThan(0);
    expect(await databaseNames()).not.toContain(dbName);
    await s.export();
    await s.summary();
    await s.forget('p1');
    await s.delete();
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('should cap memory events and count the overflow', async () => {
    const s = store({ maxEvents: 10, now: () => T0 + 100 });
    for (let i = 0; i < 25; i++) await s.record(view('p1', T0 + i));
    expect(s.status()).toMatchObject({ mode: 'memory', events: 10, overflow: 15 });
    // The 15 compacted views still count in the preferences (nothing lost, only summarised).
    expect(s.affinities().products.p1).toBeCloseTo(25, 3);
  });
});

describe('profile store with persistence', () => {
  it('should move the in-memory session into IndexedDB when persistence is enabled', async () => {
    const dbName = uniqueDbName();
    const s = store({ dbName, now: () => T0 });
    await s.record(view('p1'));
    await s.record(view('p2'));
    await s.enablePersistence();
    expect(s.status()).toMatchObject({ mode: 'persistent', reason: null, events: 2 });
    await s.record(view('p3'));
    // This test's own database, holding the session and the event recorded after it moved in.
    expect(await databaseNames()).toContain(dbName);
    expect((await readRaw<StoredEvent>(dbName, 'events')).map((e) => e.product)).toEqual(['p1', 'p2', 'p3']);
  });

  it('should find the events of an earlier visit after reopening', async () => {
    const dbName = uniqueDbName();
    const first = createProfileStore({ dbName, resolveProduct: catalog, now: () => T0 + 100 });
    await first.enablePersistence();
    await Promise.all(['p1', 'p2', 'p3'].map((p, i) => first.record(view(p, T0 + i))));
    expect((await readRaw(dbName, 'events')).length).toBe(3);
    const second = createProfileStore({ dbName, resolveProduct: catalog, now: () => T0 + 100 });
    await second.enablePersistence();
    expect(second.events().map((e) => e.product)).toEqual(['p1', 'p2', 'p3']);
    await second.purge();
  });

  it('S13 (store): should persist a 10,000-event burst in batches, losing nothing up to the cap and counting the rest, while the page stays responsive', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, maxEvents: 5000, now: () => T0 + 20_000, resolveProduct: catalog });
    await s.enablePersistence();
    // A 10 ms heartbeat measures the longest stall of this thread during the burst.
    let last = performance.now();
    let worstGap = 0;
    const beat = setInterval(() => {
      const t = performance.now();
      worstGap = Math.max(worstGap, t - last);
      last = t;
    }, 10);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      writes.push(s.record(view(`p${(i % 9) + 1}`, T0 + i)));
      if (i % 500 === 499) await new Promise((r) => setTimeout(r, 0)); // a realistic storm: spread over tasks
    }
    await Promise.all(writes);
    clearInterval(beat);
    expect(s.status()).toMatchObject({ mode: 'persistent', events: 5000, overflow: 5000 });
    expect((await readRaw<StoredEvent>(dbName, 'events')).length).toBe(5000);
    // The newest 5000 stay raw; the older ones are summarised per product, none lost.
    expect(Math.min(...(await readRaw<StoredEvent>(dbName, 'events')).map((e) => e.time))).toBe(T0 + 5000);
    const derived = await readRaw<{ events: number }>(dbName, 'derived');
    expect(derived.reduce((n, a) => n + a.events, 0)).toBe(5000);
    expect(worstGap).toBeLessThan(250);
    await s.purge();
  });

  it('should fold events older than maxAgeDays into the aggregates', async () => {
    let now = T0;
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, maxAgeDays: 1, now: () => now, resolveProduct: catalog });
    await s.enablePersistence();
    await s.record(view('p1', T0));
    now = T0 + 2 * 86_400_000;
    await s.record(view('p2', now));
    expect(s.events().map((e) => e.product)).toEqual(['p2']);
    expect(s.status().overflow).toBe(0); // expiry by age is not overflow
    expect((await readRaw<{ product: string }>(dbName, 'derived')).map((a) => a.product)).toEqual(['p1']);
    expect(s.affinities().products.p1).toBeGreaterThan(0);
    await s.purge();
  });
});

describe("S15: clock skew (the store's injected clock jumps; page.clock does not reach a worker, V6)", () => {
  it('S15: should expire by age exactly once on a forward jump, resurrect nothing on a backward one, and keep weights finite and bounded', async () => {
    const DAY = 86_400_000;
    let now = T0;
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, maxAgeDays: 30, now: () => now, resolveProduct: catalog });
    await s.enablePersistence();
    await s.record(view('p1', T0));
    await s.record(view('p2', T0 + 1));
    // Forward one year: the next write folds both into their aggregates, once.
    now = T0 + 365 * DAY;
    await s.record(view('p3', now));
    expect(s.events().map((e) => e.product)).toEqual(['p3']);
    const folded = await readRaw<{ product: string; events: number }>(dbName, 'derived');
    expect(folded.map((a) => [a.product, a.events]).sort()).toEqual([
      ['p1', 1],
      ['p2', 1],
    ]);
    // Back 24 hours and more (to before p3 was recorded): the expired events stay folded, none counted twice.
    for (const back of [now - DAY, T0 - DAY]) {
      now = back;
      await s.record(view('p4', now));
      expect((await readRaw<{ product: string; events: number }>(dbName, 'derived')).map((a) => a.events)).toEqual([1, 1]);
      expect(s.events().some((e) => e.product === 'p1' || e.product === 'p2')).toBe(false);
      // p3 now lies in the clock's future: it weighs as if just seen (decay uses max(0, Δt)), never more, never NaN.
      for (const weight of Object.values(s.affinities().products)) {
        expect(Number.isFinite(weight)).toBe(true);
        expect(weight).toBeLessThanOrEqual(3);
      }
      const data = await s.export();
      expect(data.events.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    }
    // Stored times are UTC milliseconds, whatever the time zone.
    expect((await readRaw<{ time: number }>(dbName, 'events')).every((e) => Number.isInteger(e.time))).toBe(true);
    await s.purge();
  });
});

describe('visitor rights', () => {
  it('should forget one product: its events and its share of every derived preference, also after compaction', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, maxEvents: 3, now: () => T0 + 10, resolveProduct: catalog });
    await s.enablePersistence();
    // p1 (red Acme dress) gets compacted out of the raw log; p6 (blue Globex kitchen) stays raw.
    for (const [i, p] of ['p1', 'p1', 'p6', 'p6', 'p6'].entries()) await s.record(view(p, T0 + i));
    expect(s.affinities().colour.red).toBeGreaterThan(0);
    await s.forget('p1');
    const a = s.affinities();
    expect(a.products.p1).toBeUndefined();
    expect(a.colour.red).toBeUndefined();
    expect(a.category.Dresses).toBeUndefined();
    expect(a.products.p6).toBeCloseTo(3, 3);
    expect((await readRaw<StoredEvent>(dbName, 'events')).some((e) => e.product === 'p1')).toBe(false);
    expect((await readRaw<{ product: string }>(dbName, 'derived')).some((d) => d.product === 'p1')).toBe(false);
    await s.purge();
  });

  it('should export readable JSON with titles and ISO dates', async () => {
    const s = store({ now: () => T0 + 5 });
    await s.enablePersistence();
    await s.record(validateEvent({ type: 'add_to_cart', product: 'p2', price: 19.5, time: T0 }, T0));
    await s.record(validateEvent({ type: 'search', query: 'red dress', time: T0 + 1 }, T0));
    const data = JSON.parse(JSON.stringify(await s.export()));
    expect(data.format).toBe('vitrine-profile');
    expect(data.storedIn).toMatch(/this device/);
    expect(data.events[0]).toMatchObject({
      type: 'add_to_cart',
      product: 'p2',
      productTitle: 'Product 2',
      price: 19.5,
      time: '2025-01-15T12:00:00.000Z',
    });
    expect(data.events[1]).toMatchObject({ type: 'search', query: 'red dress', product: null });
    expect(data.preferences.brand[0].value).toBe('Globex');
  });

  it('should summarise what is stored in plain words', async () => {
    const s = store({ now: () => T0 + 5 });
    await s.record(view('p1'));
    await s.record(validateEvent({ type: 'purchase', product: 'p1', time: T0 }, T0));
    const summary = await s.summary();
    expect(summary.mode).toBe('memory');
    expect(summary.headline).toBe('This shop remembers 2 things you did, in this tab only.');
    expect(summary.sections.map((x) => x.topic)).toEqual(['storage', 'activity', 'preferences']);
    expect(summary.sections[1]!.text).toBe('2 events stored since 2025-01-15: you viewed 1 product and bought 1 product.');
    expect(summary.sections[2]!.text).toContain('brands Acme');
  });

  it('should delete everything stored and keep working', async () => {
    const dbName = uniqueDbName();
    const s = createProfileStore({ dbName, resolveProduct: catalog, now: () => T0 + 100 });
    await s.enablePersistence();
    await s.record(view('p1'));
    await s.delete();
    expect(s.status()).toMatchObject({ mode: 'persistent', events: 0 });
    for (const name of ['events', 'derived', 'session', 'bandit', 'meta']) expect(await readRaw(dbName, name)).toEqual([]);
    await s.record(view('p2'));
    expect((await readRaw(dbName, 'events')).length).toBe(1);
    await s.purge();
  });
});

describe('purge (personalization revoked)', () => {
  it('should delete the database while another connection is open, before resolving, and empty every store instance', async () => {
    const dbName = uniqueDbName();
    const a = createProfileStore({ dbName, resolveProduct: catalog, now: () => T0 + 100 });
    const b = createProfileStore({ dbName, resolveProduct: catalog, now: () => T0 + 100 });
    await a.enablePersistence();
    await b.enablePersistence();
    await a.record(view('p1'));
    await b.record(view('p2'));
    await a.purge();
    expect(await databaseNames()).not.toContain(dbName);
    expect(a.status()).toMatchObject({ mode: 'memory', events: 0 });
    expect(b.status()).toMatchObject({ mode: 'memory', events: 0 });
    // b keeps working in memory and does not resurrect the database.
    await b.record(view('p3'));
    expect(await databaseNames()).not.toContain(dbName);
  });
});
