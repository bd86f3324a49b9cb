/**
 * RELIABILITY C7: offline after the first load, and a later page load whose bundle request fails,
 * on the real script tag from dist/. Recommendations go on from the bundle in the worker or in
 * Cache Storage, events are recorded on the device, failed requests do not repeat, and going
 * online again uploads nothing in privacy-first mode.
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

let shopServer: Witnesses;
test.afterEach(async () => {
  await shopServer?.close();
});

/** Views two products, asks for recommendations; the outcomes, the item count and the bundle's source. */
function browse(page: Page) {
  return page.evaluate(async () => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    const status = await vitrine.ready;
    const outcomes = await Promise.all(['3', '4'].map((product) => vitrine.track({ type: 'view', product, price: 2 })));
    const forYou = await vitrine.recommend({ placement: 'for_you', limit: 4 });
    const similar = await vitrine.similar('3', { limit: 4 });
    return { source: status?.bundle?.source ?? null, outcomes, items: forYou.items.length + similar.items.length };
  });
}

test.describe('offline (RELIABILITY C7)', () => {
  test('C7: should keep recommending and recording offline after the first load, and upload nothing once online again', async ({
    browser,
  }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    expect((await browse(page)).items).toBe(8);
    const before = shopServer.browser.length;
    await context.setOffline(true);
    const offline = await browse(page);
    expect(offline.outcomes).toEqual([{ recorded: true }, { recorded: true }]);
    expect(offline.items).toBe(8);
    await page.waitForTimeout(2_000);
    await context.setOffline(false);
    await page.waitForTimeout(1_000);
    // Nothing was asked for while offline or afterwards: no retry storm, nothing uploaded.
    expect(shopServer.browser.slice(before)).toEqual([]);
    expect(
      await page.evaluate(async () => (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.status()).profile!.events),
    ).toBe(4);
    await context.close();
  });

  test('C7: should start from the cached bundle when a later page load cannot fetch it, trying the network once', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const first = await context.newPage();
    await first.goto(`${shopServer.origin}/privacy.html`);
    expect((await browse(first)).source).toBe('network');
    await first.close();
    // The nearest real equivalent of "offline from the start": this page has no service worker, so
    // the page and scripts must load; the bundle request fails as it would offline.
    let bundleRequests = 0;
    await context.route('**/shop.vtb', (route) => {
      bundleRequests++;
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    const result = await browse(page);
    expect(result.source).toBe('cache');
    expect(result.outcomes).toEqual([{ recorded: true }, { recorded: true }]);
    expect(result.items).toBe(8);
    await page.waitForTimeout(2_000);
    // One revalidation that failed, not a loop.
    expect(bundleRequests).toBeLessThanOrEqual(1);
    await context.close();
  });
});
