/**
 * The profile store against the real browser's storage faults (RELIABILITY V7, V8, V9, S12):
 * several tabs, quota exhaustion, site data cleared while running, IndexedDB refused in a
 * sandboxed iframe. The store runs on test/e2e/profile-page (served by Vite, which compiles the
 * TS sources); each test gets its own browser context, so CDP storage overrides stay local.
 */
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.ts';
import type { ViteDevServer } from 'vite';
import { holdOpen, letGo } from './old-build.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let server: ViteDevServer;
let origin = '';

test.beforeAll(async () => {
  const { createServer } = await import('vite');
  server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    // import.meta.env.MODE === 'test': the store's test-only fault hooks are compiled in.
    mode: 'test',
    // The sandboxed iframe has an opaque origin: its module requests need CORS.
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, cors: { origin: '*' } },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite did not get a port');
  origin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await server?.close();
});

const CONTEXT_KINDS = ['newContext', 'persistent context'] as const;

/** A context of either kind with one page; `done()` closes it (and removes a persistent one's directory). */
async function contextOf(
  kind: (typeof CONTEXT_KINDS)[number],
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; done(): Promise<void> }> {
  if (kind === 'newContext') {
    const context = await browser.newContext();
    return { context, page: await context.newPage(), done: () => context.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-profile-'));
  const context = await launchPersistent(dir);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    done: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function open(page: Page, query: string): Promise<void> {
  await page.goto(`${origin}/test/e2e/profile-page/index.html?${query}`);
  await page.waitForFunction(() => window.profileTest !== undefined);
}

test.describe('profile store in real Chromium storage', () => {
  test("S12: should lose nothing with 4 tabs writing 500 interleaved events each, and show each tab the others' writes within 100 ms", async ({
    context,
  }) => {
    const pages = await Promise.all([0, 1, 2, 3].map(() => context.newPage()));
    for (const page of pages) {
      await open(page, 'db=tabs');
      await page.evaluate(() => window.profileTest.store.enablePersistence());
      expect(await page.evaluate(() => window.profileTest.store.status().mode)).toBe('persistent');
    }
    // All four tabs write at once, each yielding at random so their batches interleave.
    await Promise.all(
      pages.map((page, tab) =>
        page.evaluate(async (tab) => {
          const writes: Promise<void>[] = [];
          for (let i = 0; i < 500; i++) {
            writes.push(window.profileTest.track({ type: i % 5 === 0 ? 'add_to_cart' : 'view', product: `tab${tab}-p${i % 10}` }));
            if (Math.random() < 0.1) await new Promise((r) => setTimeout(r, Math.random() * 5));
          }
          await Promise.all(writes);
        }, tab),
      ),
    );
    for (const page of pages) {
      await expect.poll(() => page.evaluate(() => window.profileTest.store.status().events)).toBe(2000);
      const tally = await page.evaluate(() => {
        const counts: Record<string, number> = {};
        for (const e of window.profileTest.store.events()) counts[`${e.type}:${e.product}`] = (counts[`${e.type}:${e.product}`] ?? 0) + 1;
        return counts;
      });
      // Exact per-product totals: each tab wrote 50 of each of its 10 products, 10 of them carts.
      for (let tab = 0; tab < 4; tab++) {
        for (let p = 0; p < 10; p++) {
          expect((tally[`view:tab${tab}-p${p}`] ?? 0) + (tally[`add_to_cart:tab${tab}-p${p}`] ?? 0)).toBe(50);
          expect(tally[`add_to_cart:tab${tab}-p${p}`] ?? 0).toBe(p % 5 === 0 ? 50 : 0);
        }
      }
    }
    expect(
      await pages[0]!.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const req = indexedDB.open('tabs');
            req.onsuccess = () => {
              const count = req.result.transaction('events').objectStore('events').count();
              count.onsuccess = () => {
                resolve(count.result);
                req.result.close();
              };
            };
            req.onerror = () => reject(req.error);
          }),
      ),
    ).toBe(2000);
    // Visibility: tab 0 writes one event; every other tab sees it within 100 ms.
    for (let round = 0; round < 3; round++) {
      const marker = `marker-${round}`;
      const watchers = pages.slice(1).map((page) =>
        page.evaluate(
          (marker) =>
            new Promise<number>((resolve) => {
              const check = (): void => {
                if (window.profileTest.store.events().some((e) => e.product === marker)) resolve(Date.now());
                else setTimeout(check, 1);
              };
              check();
            }),
          marker,
        ),
      );
      const sentAt = await pages[0]!.evaluate(async (marker) => {
        const at = Date.now();
        void window.profileTest.track({ type: 'view', product: marker });
        return at;
      }, marker);
      for (const seenAt of await Promise.all(watchers)) expect(seenAt - sentAt).toBeLessThan(100);
    }
  });

  // S9 and S10 run in an incognito-like context and in a persistent one: Chromium keeps IndexedDB
  // in memory for the first and on disk for the second, two different backends (RELIABILITY "How these map to CI").
  for (const kind of CONTEXT_KINDS) {
    test(`S9 (${kind}): should keep every event in a memory profile with STORAGE_QUOTA when the origin quota is exhausted (V7)`, async ({
      browser,
    }) => {
      const { context, page, done } = await contextOf(kind, browser);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await open(page, 'db=quota');
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 2_000_000 });
      await page.evaluate(() => window.profileTest.store.enablePersistence());
      await page.evaluate(() => window.profileTest.track({ type: 'view', product: 'sku-1' }));
      expect(await page.evaluate(() => window.profileTest.store.status())).toMatchObject({ mode: 'persistent', events: 1 });
      // Fill the origin with incompressible bytes (Chromium compresses IDB values), down to small chunks.
      const filled = await page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const req = indexedDB.open('filler', 1);
          req.onupgradeneeded = () => req.result.createObjectStore('blobs', { autoIncrement: true });
          req.onsuccess = () => resolve(req.result);
        });
        let bytes = 0;
        for (const size of [50_000, 5_000, 500]) {
          for (;;) {
            const value = crypto.getRandomValues(new Uint8Array(size));
            const ok = await new Promise<boolean>((resolve) => {
              const tx = db.transaction('blobs', 'readwrite');
              tx.objectStore('blobs').add(value);
              tx.oncomplete = () => resolve(true);
              tx.onabort = () => resolve(false);
            });
            if (!ok) break;
            bytes += size;
          }
        }
        db.close();
        return bytes;
      });
      expect(filled).toBeGreaterThan(1_000_000);
      // 300 searches with random 500-character queries do not fit any more.
      const status = await page.evaluate(async () => {
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 300; i++) {
          const query = Array.from(crypto.getRandomValues(new Uint8Array(500)), (b) => String.fromCharCode(33 + (b % 90))).join('');
          writes.push(window.profileTest.track({ type: 'search', query }));
        }
        await Promise.all(writes);
        return window.profileTest.store.status();
      });
      expect(status).toMatchObject({ mode: 'memory', reason: 'STORAGE_QUOTA', events: 301 });
      // Still recording, in memory.
      await page.evaluate(() => window.profileTest.track({ type: 'view', product: 'sku-2' }));
      expect(await page.evaluate(() => window.profileTest.store.status().events)).toBe(302);
      expect(errors).toEqual([]);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      await done();
    });

    test(`S10 (${kind}): should drop the cleared profile, then recreate an empty one once, lazily, while consent still wants it (V8)`, async ({
      browser,
    }) => {
      const { context, page, done } = await contextOf(kind, browser);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await open(page, 'db=cleared');
      await page.evaluate(async () => {
        await window.profileTest.store.enablePersistence();
        await window.profileTest.track({ type: 'view', product: 'sku-1' });
      });
      const cdp = await context.newCDPSession(page);
      const names = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
      await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
      await expect.poll(() => page.evaluate(() => window.profileTest.store.status().reason)).toBe('STORAGE_CLEARED');
      // What was cleared is gone from this tab too, and nothing is written to the closed connection.
      expect(await page.evaluate(() => window.profileTest.store.status())).toMatchObject({ mode: 'memory', events: 0 });
      expect(await names()).toEqual([]);
      // The next event reopens a fresh database (consent still granted), holding only itself.
      await page.evaluate(() => window.profileTest.track({ type: 'view', product: 'sku-2' }));
      await expect
        .poll(() => page.evaluate(() => window.profileTest.store.status()))
        .toMatchObject({ mode: 'persistent', reason: null, events: 1 });
      await expect.poll(() => countStored(page, 'cleared')).toBe(1);
      // Only once per page: cleared again, it stays in memory.
      await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
      await expect.poll(() => page.evaluate(() => window.profileTest.store.status().reason)).toBe('STORAGE_CLEARED');
      await page.evaluate(() => window.profileTest.track({ type: 'view', product: 'sku-3' }));
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => window.profileTest.store.status())).toMatchObject({ mode: 'memory', events: 1 });
      expect(await names()).toEqual([]);
      expect(errors).toEqual([]);
      await done();
    });
  }

  test('S1: should run in memory with STORAGE_UNAVAILABLE in a sandboxed iframe, where IndexedDB throws (V9)', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/test/e2e/profile-page/sandbox.html`);
    const report = await page.evaluate(() => (window as unknown as { sandboxReport: Promise<unknown> }).sandboxReport);
    expect(report).toEqual({
      status: { mode: 'memory', reason: 'STORAGE_UNAVAILABLE', events: 2, overflow: 0, skippedRecords: 0, deletionPending: false },
      problems: 'Saving is off because this browser does not allow storage here.',
    });
    expect(errors).toEqual([]);
  });
});

/** Purges on a tab's store; the error's code and details, or null code on success. */
function purgeOn(page: Page): Promise<{ code: string | null; details?: Record<string, unknown> }> {
  return page.evaluate(() =>
    window.profileTest.store.purge().then(
      () => ({ code: null }),
      (error: { code?: string; details?: Record<string, unknown> }) => ({ code: error.code ?? String(error), details: error.details }),
    ),
  );
}

/** Events in the database, counted with raw IndexedDB (a connection that steps aside for deletions). */
function countStored(page: Page, name: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => {
          const db = req.result;
          db.onversionchange = () => db.close();
          const count = db.transaction('events').objectStore('events').count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
        };
        req.onerror = () => reject(req.error);
      }),
    name,
  );
}

function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
}

async function persistIn(page: Page, db: string, products: string[]): Promise<void> {
  await open(page, `db=${db}`);
  await page.evaluate(async (ids) => {
    await window.profileTest.store.enablePersistence();
    for (const product of ids) await window.profileTest.track({ type: 'view', product });
  }, products);
  expect(await page.evaluate(() => window.profileTest.store.status().mode)).toBe('persistent');
}

test.describe('delete() across tabs: deleting means deleted (issue 12, failure 2)', () => {
  test("should leave none of another tab's 2000 just-issued views, in either tab, once delete() resolves", async ({ context }) => {
    const [a, b] = await Promise.all([0, 1].map(() => context.newPage()));
    await persistIn(a!, 'delete-race', ['a-old']);
    await persistIn(b!, 'delete-race', ['b-old']);
    // Tab B issues 2000 views (not awaited: a busy page fires and forgets), then tab A deletes.
    await b!.evaluate(() => {
      for (let i = 0; i < 2000; i++) void window.profileTest.track({ type: 'view', product: `b-${i % 50}` });
    });
    await a!.evaluate(() => window.profileTest.store.delete());
    // Before anything else happens: neither tab shows any of it, and neither does the database.
    const remaining = async (page: Page) => page.evaluate(async () => (await window.profileTest.store.export()).events.length);
    expect(await remaining(a!)).toBe(0);
    expect(await remaining(b!)).toBe(0);
    expect(await b!.evaluate(() => window.profileTest.store.events().length)).toBe(0);
    expect(await countStored(a!, 'delete-race')).toBe(0);
    // Nothing trickles in afterwards from a queue that was waiting, and both tabs keep saving.
    await a!.waitForTimeout(300);
    expect(await countStored(a!, 'delete-race')).toBe(0);
    for (const [page, product] of [
      [a!, 'a-new'],
      [b!, 'b-new'],
    ] as const) {
      await page.evaluate((product) => window.profileTest.track({ type: 'view', product }), product);
    }
    await expect.poll(() => countStored(a!, 'delete-race')).toBe(2);
    for (const page of [a!, b!]) {
      await expect
        .poll(() =>
          page.evaluate(() =>
            window.profileTest.store
              .events()
              .map((e) => e.product)
              .sort(),
          ),
        )
        .toEqual(['a-new', 'b-new']);
      expect(await page.evaluate(() => window.profileTest.store.status().mode)).toBe('persistent');
    }
  });
});

test.describe('profile deletion across tabs (RELIABILITY Deletion, C4)', () => {
  test('should report STORAGE_BLOCKED pending in both of two tabs purging at once while a third ignores versionchange, then finish', async ({
    context,
  }) => {
    const [a, b, old] = await Promise.all([0, 1, 2].map(() => context.newPage()));
    await persistIn(a!, 'purge-blocked', ['sku-1']);
    await persistIn(b!, 'purge-blocked', ['sku-2']);
    await open(old!, 'db=unrelated');
    await holdOpen(old!, 'purge-blocked');
    const results = await Promise.all([purgeOn(a!), purgeOn(b!)]);
    // Never OPEN_TIMEOUT for the request queued behind the other tab's (it gets no `blocked` event), never a false success.
    expect(results).toEqual([
      { code: 'STORAGE_BLOCKED', details: expect.objectContaining({ pending: true }) },
      { code: 'STORAGE_BLOCKED', details: expect.objectContaining({ pending: true }) },
    ]);
    for (const page of [a!, b!]) {
      expect(await page.evaluate(() => window.profileTest.store.status())).toMatchObject({
        mode: 'memory',
        reason: 'STORAGE_BLOCKED',
        deletionPending: true,
        events: 0,
      });
    }
    await letGo(old!);
    await expect.poll(() => databases(a!)).toEqual([]);
    for (const page of [a!, b!]) {
      await expect.poll(() => page.evaluate(() => window.profileTest.store.status().deletionPending)).toBe(false);
    }
  });

  test('should resolve both of two tabs purging at once with nobody blocking, the database gone', async ({ context }) => {
    const [a, b] = await Promise.all([0, 1].map(() => context.newPage()));
    await persistIn(a!, 'purge-free', ['sku-1']);
    await persistIn(b!, 'purge-free', ['sku-2']);
    expect(await Promise.all([purgeOn(a!), purgeOn(b!)])).toEqual([{ code: null }, { code: null }]);
    expect(await databases(a!)).toEqual([]);
    expect(await databases(b!)).toEqual([]);
  });

  test('should retry a blocked deletion on the next load before any read: the old profile never shows, and is gone once the blocker closes', async ({
    context,
  }) => {
    const [page, old] = await Promise.all([0, 1].map(() => context.newPage()));
    await persistIn(page!, 'purge-reload', ['old-1', 'old-2']);
    await open(old!, 'db=unrelated');
    await holdOpen(old!, 'purge-reload');
    expect(await purgeOn(page!)).toMatchObject({ code: 'STORAGE_BLOCKED', details: { pending: true } });

    // Next page load, consent granted again (the CMP still says yes): the old profile is not read.
    await page!.reload();
    await page!.waitForFunction(() => window.profileTest !== undefined);
    await page!.evaluate(async () => {
      await window.profileTest.store.enablePersistence();
      await window.profileTest.track({ type: 'view', product: 'new-1' });
    });
    expect(await page!.evaluate(() => window.profileTest.store.status())).toMatchObject({
      mode: 'memory',
      reason: 'STORAGE_BLOCKED',
      deletionPending: true,
    });
    expect(await page!.evaluate(async () => (await window.profileTest.store.export()).events.map((e) => e.product))).toEqual(['new-1']);

    // The blocker closes: the retried deletion completes, then a fresh database holds only the new session.
    await letGo(old!);
    await expect.poll(() => page!.evaluate(() => window.profileTest.store.status().mode)).toBe('persistent');
    expect(await page!.evaluate(async () => (await window.profileTest.store.export()).events.map((e) => e.product))).toEqual(['new-1']);
    expect(await databases(page!)).toEqual(['purge-reload']);

    // And a load after that reads exactly that: nothing of the deleted profile came back.
    await page!.reload();
    await page!.waitForFunction(() => window.profileTest !== undefined);
    const events = await page!.evaluate(async () => {
      await window.profileTest.store.enablePersistence();
      return (await window.profileTest.store.export()).events.map((e) => e.product);
    });
    expect(events).toEqual(['new-1']);
  });
});

/** A browser of its own on a profile directory (a crash may take the whole browser down, V12). */
function launchPersistent(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

test.describe('S14: durability across a crash right after an acknowledgement', () => {
  test('S14: should keep an acknowledged purchase, and an acknowledged revocation deleted, after Page.crash and a relaunch (persistent context)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-s14-'));
    try {
      let context = await launchPersistent(dir);
      const page = context.pages()[0] ?? (await context.newPage());
      await open(page, 'db=durable-revoked');
      await page.evaluate(async () => {
        await window.profileTest.store.enablePersistence();
        await window.profileTest.track({ type: 'view', product: 'sku-secret' });
        // Acknowledged: consent revoked, the profile deleted.
        await window.profileTest.store.purge();
      });
      await open(page, 'db=durable-bought');
      await page.evaluate(async () => {
        await window.profileTest.store.enablePersistence();
        await window.profileTest.track({ type: 'view', product: 'sku-1' });
        // Acknowledged: record() resolves once the purchase's transaction committed.
        await window.profileTest.track({ type: 'purchase', product: 'sku-1', price: 59 });
      });
      // Crash right after the acknowledgements; the whole headless browser may go with the tab.
      const cdp = await context.newCDPSession(page);
      const crashed = page.waitForEvent('crash').catch(() => undefined);
      // Not awaited: the crashed target never answers.
      void cdp.send('Page.crash').catch(() => undefined);
      await crashed;
      await context.close().catch(() => undefined);

      context = await launchPersistent(dir);
      const again = context.pages()[0] ?? (await context.newPage());
      await open(again, 'db=durable-bought');
      expect(await again.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort())).toEqual(['durable-bought']);
      const events = await again.evaluate(async () => {
        await window.profileTest.store.enablePersistence();
        return window.profileTest.store.events().map((e) => `${e.type}:${e.product}`);
      });
      expect(events).toContain('purchase:sku-1');
      await context.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('S3-S7 on the on-disk IndexedDB backend (persistent context)', () => {
  // The vitest browser tests (test/browser/profile-faults.test.ts) run these in an ordinary
  // context; Chromium keeps IndexedDB in memory there and on disk here.
  test('S3, S4, S5, S6, S7: should degrade to memory with the typed reason, keep every record, and recover on the next load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-s3-s7-'));
    const context = await launchPersistent(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const other = await context.newPage();
      const status = () => page.evaluate(() => window.profileTest.store.status());
      const rawVersion = (db: string) =>
        other.evaluate(
          (db) =>
            new Promise<number>((resolve) => {
              const req = indexedDB.open(db);
              req.onsuccess = () => {
                resolve(req.result.version);
                req.result.close();
              };
            }),
          db,
        );
      /** A version-1 database as that build made it, with `count` views and one poison record (raw IndexedDB). */
      const seedV1 = (db: string, count: number, keepOpen: boolean) =>
        other.evaluate(
          ({ db, count, keepOpen }) =>
            new Promise<void>((resolve) => {
              const req = indexedDB.open(db, 1);
              req.onupgradeneeded = () => {
                const events = req.result.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
                events.createIndex('by-time', 'time');
                for (const name of ['session', 'bandit', 'meta']) req.result.createObjectStore(name, { keyPath: 'key' });
              };
              req.onsuccess = () => {
                const tx = req.result.transaction('events', 'readwrite');
                for (let i = 0; i < count; i++)
                  tx.objectStore('events').add({ v: 1, type: 'view', product: `p${i}`, time: Date.now() - 1000 + i });
                tx.objectStore('events').add({ v: 1, type: 'view', product: { not: 'a key' }, time: 8.64e15 + 1 });
                tx.oncomplete = () => {
                  // An old build keeps its connection and ignores versionchange.
                  if (keepOpen) (window as unknown as { heldOpen: IDBDatabase }).heldOpen = req.result;
                  else req.result.close();
                  resolve();
                };
              };
            }),
          { db, count, keepOpen },
        );

      // S3: another tab upgrades to a newer schema: this one steps aside, keeping its events in memory.
      await open(page, 'db=s3');
      await page.evaluate(async () => {
        await window.profileTest.store.enablePersistence();
        await window.profileTest.track({ type: 'view', product: 'sku-1' });
      });
      await other.goto(`${origin}/test/e2e/profile-page/index.html?db=unrelated`);
      await other.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const req = indexedDB.open('s3', 99);
            req.onsuccess = () => {
              req.result.close();
              resolve();
            };
          }),
      );
      expect(await status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_VERSION', events: 1 });
      expect(await rawVersion('s3')).toBe(99);

      // S4: an old build holding version 1 open: STORAGE_BLOCKED within the open timeout; once it closes, the next load upgrades.
      await seedV1('s4', 3, true);
      await open(page, 'db=s4&timeout=500');
      await page.evaluate(() => window.profileTest.store.enablePersistence());
      expect(await status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_BLOCKED' });
      await letGo(other);
      await open(page, 'db=s4');
      await page.evaluate(() => window.profileTest.store.enablePersistence());
      expect(await status()).toMatchObject({ mode: 'persistent', reason: null, events: 3, skippedRecords: 1 });

      // S5: the migration throws: the database stays at version 1 with all its records; the next load retries and upgrades.
      await seedV1('s5', 4, false);
      await open(page, 'db=s5&fault=failMigration');
      await page.evaluate(() => window.profileTest.store.enablePersistence());
      expect(await status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_MIGRATION_FAILED' });
      expect(await rawVersion('s5')).toBe(1);
      expect(await countStored(other, 's5')).toBe(5);
      await open(page, 'db=s5');
      await page.evaluate(() => window.profileTest.store.enablePersistence());
      // S6 on the way: the poison record (a time no Date holds) is skipped and counted, export and summary work.
      expect(await status()).toMatchObject({ mode: 'persistent', reason: null, events: 4, skippedRecords: 1 });
      expect(await page.evaluate(async () => (await window.profileTest.store.export()).events.length)).toBe(4);
      expect(await page.evaluate(async () => (await window.profileTest.store.summary()).sections.at(-1)?.text)).toBe(
        '1 saved record could not be read and was ignored.',
      );

      // S7: a transaction that awaits a timer inside commits early: detected as STORAGE_TX_INACTIVE, the event kept.
      await open(page, 'db=s7&fault=delayInsideTx');
      await page.evaluate(async () => {
        await window.profileTest.store.enablePersistence();
        await window.profileTest.track({ type: 'view', product: 'sku-1' });
      });
      expect(await status()).toMatchObject({ mode: 'memory', reason: 'STORAGE_TX_INACTIVE', events: 1 });
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
