/**
 * The profile across page loads and tabs, on the real script tag from dist/ and its worker:
 * storage evicted between visits (RELIABILITY S11), and "delete everything" with another tab
 * tracking (issue 12, failure 2).
 */
import { expect, test, type Page } from '@playwright/test';
// The script tag's global (`window.vitrine`, set once vitrine.js ran) comes with this type import.
import type {} from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

const DB = 'vitrine-profile';

let shop: Witnesses;
test.afterEach(async () => {
  await shop?.close();
});

async function ready(page: Page): Promise<void> {
  await page.goto(`${shop.origin}/privacy.html`);
  expect(await page.evaluate(async () => Boolean(await window.vitrine!.ready))).toBe(true);
}

/** The for_you list's product ids and its fallback, as the page gets them. */
function forYou(page: Page): Promise<{ ids: string[]; fallback: string | null }> {
  return page.evaluate(async () => {
    const result = await window.vitrine!.recommend({ placement: 'for_you', limit: 6 });
    return { ids: result.items.map((item) => item.productId), fallback: result.fallback?.reason ?? null };
  });
}

function storedEvents(page: Page): Promise<number | null> {
  return page.evaluate(async (name) => {
    if (!(await indexedDB.databases()).some((db) => db.name === name)) return null;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.onversionchange = () => db.close();
    const count = await new Promise<number>((resolve) => {
      const request = db.transaction('events').objectStore('events').count();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return count;
  }, DB);
}

test.describe('S11: storage evicted between visits', () => {
  test('S11: should treat the next visit as a first-time visitor: cold-start recommendations, no error, consent read again', async ({
    browser,
  }) => {
    const context = await browser.newContext();
    shop = await startWitnessedShop(context);
    const errors: string[] = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await ready(page);
    const firstTime = await forYou(page);

    // A visit with consent and history.
    await page.evaluate(async () => {
      await window.vitrine!.consent.set({ personalization: true });
      for (const product of ['1', '2', '3', '4']) await window.vitrine!.track({ type: 'view', product, price: 9 });
    });
    await expect.poll(() => storedEvents(page)).toBe(4);
    expect(await forYou(page)).not.toEqual(firstTime);

    // Between visits the browser evicts the origin's storage (ITP, quota eviction): no page holds it.
    await page.goto('about:blank');
    await page.goto(`${shop.origin}/old-build.html`);
    await page.evaluate(
      (name) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
          request.onblocked = () => reject(new Error('blocked'));
        }),
      DB,
    );

    await ready(page);
    // Consent is not assumed from the last visit: it is what this page load signalled (nothing yet).
    expect(await page.evaluate(() => window.vitrine!.consent.get())).toMatchObject({ personalization: false });
    expect(await forYou(page)).toEqual(firstTime);
    expect(await page.evaluate(async () => (await window.vitrine!.status()).profile)).toMatchObject({
      mode: 'memory',
      reason: null,
      events: 0,
      skippedRecords: 0,
    });
    // The CMP signals again: a fresh, empty profile; nothing restored.
    await page.evaluate(() => window.vitrine!.consent.set({ personalization: true }));
    expect(await page.evaluate(async () => (await window.vitrine!.profile.export()).events.length)).toBe(0);
    expect(await page.evaluate(async () => (await window.vitrine!.status()).profile)).toMatchObject({ mode: 'persistent', events: 0 });
    expect(errors).toEqual([]);
    await context.close();
  });
});

test.describe('delete() with another tab tracking, on the real script tag (issue 12, failure 2)', () => {
  test("should leave none of tab B's 2000 views once tab A's profile.delete() resolved, in either tab or the database", async ({
    browser,
  }) => {
    const context = await browser.newContext();
    shop = await startWitnessedShop(context);
    const [a, b] = [await context.newPage(), await context.newPage()];
    await ready(a);
    await ready(b);
    await a.evaluate(() => window.vitrine!.consent.set({ personalization: true }));
    await expect.poll(() => b.evaluate(async () => (await window.vitrine!.status()).profile?.mode)).toBe('persistent');
    // B issues 2000 views without waiting for them (a busy page fires and forgets), then A deletes at once.
    await b.evaluate(() => {
      const views: Promise<unknown>[] = [];
      for (let i = 0; i < 2000; i++)
        views.push(window.vitrine!.track({ type: 'view', product: String((i % 30) + 1) }).catch(() => undefined));
      (window as unknown as { views: Promise<unknown> }).views = Promise.all(views);
    });
    await a.evaluate(() => window.vitrine!.profile.delete());
    for (const page of [a, b]) {
      expect(await page.evaluate(async () => (await window.vitrine!.profile.export()).events.length)).toBe(0);
    }
    expect(await storedEvents(a)).toBe(0);
    // Nor later, once all of B's calls have settled.
    await b.evaluate(() => (window as unknown as { views: Promise<unknown> }).views);
    expect(await b.evaluate(async () => (await window.vitrine!.profile.export()).events.length)).toBe(0);
    expect(await storedEvents(a)).toBe(0);
    // Both keep saving into the fresh database.
    await b.evaluate(() => window.vitrine!.track({ type: 'view', product: '7' }));
    await expect.poll(() => storedEvents(a)).toBe(1);
    await context.close();
  });
});
