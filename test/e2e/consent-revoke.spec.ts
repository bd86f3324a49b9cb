/**
 * Revoking `personalization` deletes everything persisted before `consent.set()` resolves, with a
 * second tab holding the database open, and nothing comes back afterwards. Checked from the page:
 * `indexedDB.databases()` and the object stores' contents. Runs on the real script tag from dist/.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';
import { holdOpen, letGo } from './old-build.ts';

const DB = 'vitrine-profile';

/** The profile database as the page sees it: present or not, and how many records each store holds. */
function profileTraces(page: Page): Promise<{ exists: boolean; counts: Record<string, number> }> {
  return page.evaluate(async (name) => {
    const databases = await indexedDB.databases();
    if (!databases.some((db) => db.name === name)) return { exists: false, counts: {} };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    // Never be the connection that blocks a deletion.
    db.onversionchange = () => db.close();
    const counts: Record<string, number> = {};
    for (const store of Array.from(db.objectStoreNames)) {
      counts[store] = await new Promise<number>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    db.close();
    return { exists: true, counts };
  }, DB);
}

function vitrineOf(page: Page) {
  return {
    ready: () => page.evaluate(async () => Boolean(await (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)),
    consent: (choice: { personalization?: boolean; measurement?: boolean }) =>
      page.evaluate((c) => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set(c), choice),
    consentState: () => page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.get()),
    views: (products: string[]) =>
      page.evaluate(async (ids) => {
        const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
        await Promise.all(ids.map((product) => vitrine.track({ type: 'view', product, price: 3 })));
      }, products),
  };
}

let shopServer: Witnesses;
test.afterEach(async () => {
  await shopServer?.close();
});

/** Two tabs of one context on the witnessed shop's privacy page, both engines ready. */
async function twoTabs(browser: Browser) {
  const context = await browser.newContext();
  shopServer = await startWitnessedShop(context);
  const tab1 = await context.newPage();
  const tab2 = await context.newPage();
  await tab1.goto(`${shopServer.origin}/privacy.html`);
  await tab2.goto(`${shopServer.origin}/privacy.html`);
  const one = vitrineOf(tab1);
  const two = vitrineOf(tab2);
  expect(await one.ready()).toBe(true);
  expect(await two.ready()).toBe(true);
  return { context, tab1, tab2, one, two };
}

test.describe('revoking personalization', () => {
  test('C3: should delete the whole profile before resolving, with a second tab holding the database open', async ({ browser }) => {
    const { context, tab1, tab2, one, two } = await twoTabs(browser);

    // Events before consent live in memory; the grant moves them into IndexedDB.
    await one.views(['1', '2']);
    expect((await profileTraces(tab1)).exists).toBe(false);
    await one.consent({ personalization: true });
    await one.views(['3', '4', '5']);
    // The other tab heard the grant and persists too (its worker now holds a connection).
    await expect.poll(async () => (await two.consentState()).personalization).toBe(true);
    await two.views(['6', '7']);
    await expect.poll(async () => (await profileTraces(tab1)).counts.events ?? 0).toBe(7);

    const record = await one.consent({ personalization: false });
    expect(record).toMatchObject({ personalization: false, source: 'api' });
    // Resolved: gone already, seen from both tabs, without waiting.
    expect(await profileTraces(tab1)).toEqual({ exists: false, counts: {} });
    expect(await profileTraces(tab2)).toEqual({ exists: false, counts: {} });

    // Tab 2 was told too; its next events stay in memory and nothing is resurrected.
    expect((await two.consentState()).personalization).toBe(false);
    await two.views(['8', '9']);
    await one.views(['10']);
    await tab2.waitForTimeout(500);
    expect(await profileTraces(tab2)).toEqual({ exists: false, counts: {} });
    await context.close();
  });

  test('C3: should stop writes in flight in both tabs, clear the stored history from memory and never cite it again', async ({
    browser,
  }) => {
    const { context, tab1, tab2, one, two } = await twoTabs(browser);
    await one.consent({ personalization: true });
    await expect.poll(async () => (await two.consentState()).personalization).toBe(true);
    // The stored history that the revocation must erase everywhere.
    await one.views(['1', '2']);
    // Both tabs start a burst of views and keep writing batches while tab 1 revokes.
    const burst = (page: Page) =>
      page.evaluate(() => {
        const vitrine = (window as unknown as { vitrine: VitrineGlobal; burst: Promise<string[]> }).vitrine;
        const calls = Array.from({ length: 3000 }, (_, i) =>
          vitrine.track({ type: 'view', product: String(10 + (i % 20)), price: 3 }).then(
            (outcome) => (outcome.recorded ? 'recorded' : outcome.reason),
            (error: { code?: string }) => `rejected ${error.code}`,
          ),
        );
        (window as unknown as { burst: Promise<string[]> }).burst = Promise.all(calls);
      });
    await burst(tab1);
    await burst(tab2);
    await expect.poll(async () => (await profileTraces(tab1)).counts.events ?? 0).toBeGreaterThan(2);
    expect(await one.consent({ personalization: false })).toMatchObject({ personalization: false });
    expect(await profileTraces(tab1)).toEqual({ exists: false, counts: {} });
    expect(await profileTraces(tab2)).toEqual({ exists: false, counts: {} });

    // Every call settles as recorded (the later ones in memory only), and nothing is resurrected.
    for (const tab of [tab1, tab2]) {
      const outcomes = await tab.evaluate(() => (window as unknown as { burst: Promise<string[]> }).burst);
      expect(new Set(outcomes)).toEqual(new Set(['recorded']));
    }
    await tab2.waitForTimeout(500);
    expect(await profileTraces(tab2)).toEqual({ exists: false, counts: {} });
    for (const tab of [tab1, tab2]) {
      const seen = await tab.evaluate(async () => {
        const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
        const exported = await vitrine.profile.export();
        const forYou = await vitrine.recommend({ placement: 'for_you', limit: 8 });
        return {
          mode: (await vitrine.status()).profile!.mode,
          products: exported.events.map((event) => event.product),
          cited: forYou.items.flatMap((item) => item.why.map((why) => why.evidenceProduct)),
        };
      });
      expect(seen.mode).toBe('memory');
      // The stored history (products 1 and 2) is gone from memory too, and "Why?" never cites it.
      expect(seen.products).not.toContain('1');
      expect(seen.products).not.toContain('2');
      expect(seen.cited).not.toContain('1');
      expect(seen.cited).not.toContain('2');
    }
    await context.close();
  });

  test('C3: should end a burst of 50 grant/revoke signals in the last state, with no database resurrected', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    expect(await vitrineOf(page).ready()).toBe(true);
    const rejections: string[] = [];
    page.on('pageerror', (error) => rejections.push(error.message));

    const last = await page.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i += 1) {
        calls.push(vitrine.consent.set({ personalization: i % 2 === 0 }));
        calls.push(vitrine.track({ type: 'view', product: String(i + 1), price: 1 }));
      }
      await Promise.all(calls);
      return vitrine.consent.get();
    });
    // The 50th signal revoked.
    expect(last.personalization).toBe(false);
    await page.waitForTimeout(500);
    expect(await profileTraces(page)).toEqual({ exists: false, counts: {} });
    expect(rejections).toEqual([]);
    await context.close();
  });

  test('C4: should report a deletion blocked by a tab that ignores versionchange, and finish it when that tab lets go', async ({
    browser,
  }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const tab1 = await context.newPage();
    const old = await context.newPage();
    await tab1.goto(`${shopServer.origin}/privacy.html`);
    // Same origin, no current Vitrine: it neither hears our channels nor closes on versionchange.
    await old.goto(`${shopServer.origin}/old-build.html`);
    const one = vitrineOf(tab1);
    expect(await one.ready()).toBe(true);
    await one.consent({ personalization: true });
    await one.views(['1', '2', '3']);
    await expect.poll(async () => (await profileTraces(tab1)).counts.events ?? 0).toBe(3);
    // An old build: a raw connection without a versionchange handler (RELIABILITY C4).
    await holdOpen(old, DB);
    const outcome = await tab1.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      try {
        await vitrine.consent.set({ personalization: false });
        return { code: null };
      } catch (error) {
        return { code: (error as { code?: string }).code ?? String(error) };
      }
    });
    expect(outcome.code).toBe('STORAGE_BLOCKED');
    // The revocation stands even though deletion waits.
    expect((await one.consentState()).personalization).toBe(false);
    // The old tab lets go: the queued deletion completes.
    await letGo(old);
    await expect.poll(async () => (await profileTraces(tab1)).exists).toBe(false);
    await context.close();
  });
});
