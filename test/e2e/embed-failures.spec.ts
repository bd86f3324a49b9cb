/**
 * The script tag never breaks the shop's page. Each failure is provoked for real in Chromium (a
 * missing bundle, a worker file that cannot be loaded, a worker that crashes again and again, a
 * product the bundle does not know); the page must show no error, the placeholders their own
 * content or non-personalised bestsellers, and exactly one warning per kind reach the shop's
 * `onError` hook (test/e2e/pages/collect-warnings.js) and the console.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startShop, type Shop } from './shop-harness.ts';

interface Watched {
  errors: string[];
  warnings: string[];
}

function watch(page: Page): Watched {
  const watched: Watched = { errors: [], warnings: [] };
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
    if (message.type() === 'warning' && message.text().startsWith('Vitrine:')) watched.warnings.push(message.text());
  });
  return watched;
}

function hookWarnings(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings);
}

const items = (page: Page, selector: string) => page.locator(`${selector} [data-vitrine-item]`);

/** Adds a placeholder; resolves with its locator. */
async function addPlaceholder(page: Page, id: string, placement = 'trending', product?: string) {
  await page.evaluate(
    ({ id, placement, product }) => {
      const div = document.createElement('div');
      div.id = id;
      div.dataset.vitrine = placement;
      if (product) div.dataset.product = product;
      div.innerHTML = '<p class="own">the shop\'s own content</p>';
      document.body.append(div);
    },
    { id, placement, product },
  );
  return page.locator(`#${id}`);
}

/** Throws an uncaught error inside the engine worker: the page sees it as the worker's `error` event. */
async function crash(worker: Worker): Promise<void> {
  await worker.evaluate(() =>
    setTimeout(() => {
      throw new Error('engine crashed on purpose');
    }, 0),
  );
}

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('the script tag when things fail', () => {
  test("B10: should show the placeholders' own content and warn once when the bundle cannot be loaded", async ({ page }) => {
    shop = await startShop();
    const watched = watch(page);
    await page.route('**/vitrine/shop.vtb', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(`${shop.origin}/failures.html`);
    expect(await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
    await expect(page.locator('.shop-fallback')).toBeVisible();
    await expect(items(page, '[data-vitrine]')).toHaveCount(0);
    await expect.poll(() => hookWarnings(page)).toEqual(['BUNDLE_FETCH_FAILED']);
    // A placeholder added afterwards fails the same way, without a second warning.
    await expect((await addPlaceholder(page, 'later')).locator('.own')).toBeVisible();
    await page.waitForTimeout(300);
    expect(await hookWarnings(page)).toEqual(['BUNDLE_FETCH_FAILED']);
    expect(watched.warnings).toHaveLength(1);
    expect(watched.errors).toEqual([]);
  });

  test('W10: should give up after a few attempts when the worker cannot start, and warn once', async ({ page }) => {
    shop = await startShop();
    const watched = watch(page);
    let workerRequests = 0;
    await page.route('**/assets/worker-*.js', (route) => {
      workerRequests++;
      return route.fulfill({ status: 404, body: 'gone' });
    });
    await page.goto(`${shop.origin}/failures.html`);
    expect(await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
    await expect(page.locator('.shop-fallback')).toBeVisible();
    for (let i = 0; i < 4; i++) await expect((await addPlaceholder(page, `more-${i}`)).locator('.own')).toBeVisible();
    await page.waitForTimeout(500);
    expect(await hookWarnings(page)).toEqual(['WORKER_CRASHED']);
    expect(watched.warnings).toHaveLength(1);
    // Bounded: at most the first worker and three restarts within the minute.
    expect(workerRequests).toBeGreaterThanOrEqual(1);
    expect(workerRequests).toBeLessThanOrEqual(4);
    expect(watched.errors).toEqual([]);
  });

  test('W9, W10: should restart a crashed engine with its bundle, then stop after a crash loop and show fallbacks', async ({ page }) => {
    shop = await startShop();
    const watched = watch(page);
    const workers: Worker[] = [];
    page.on('worker', (worker) => workers.push(worker));
    await page.goto(`${shop.origin}/failures.html`);
    await expect(items(page, '[data-vitrine="trending"]')).toHaveCount(6);
    // One crash: the next widget gets a restarted worker with the bundle replayed into it.
    await crash(workers.at(-1)!);
    await addPlaceholder(page, 'after-one-crash');
    await expect(items(page, '#after-one-crash')).toHaveCount(6);
    expect(workers).toHaveLength(2);
    // A crash the engine recovered from is no failure the shop needs to hear about.
    expect(await hookWarnings(page)).toEqual([]);
    // Three more crashes within the minute: the bridge stops restarting for good.
    for (let i = 0; i < 3; i++) {
      const count = workers.length;
      await crash(workers.at(-1)!);
      await addPlaceholder(page, `crash-${i}`);
      if (i < 2) await expect.poll(() => workers.length).toBe(count + 1);
    }
    const last = await addPlaceholder(page, 'after-crash-loop');
    await expect(last.locator('.own')).toBeVisible();
    await expect(items(page, '#after-crash-loop')).toHaveCount(0);
    // What was already shown stays shown.
    await expect(items(page, '[data-vitrine="trending"]').first()).toBeVisible();
    await expect.poll(() => hookWarnings(page)).toEqual(['WORKER_CRASHED']);
    expect(watched.warnings).toHaveLength(1);
    expect(workers.length).toBeLessThanOrEqual(4);
    expect(watched.errors).toEqual([]);
  });

  test('should answer a profile export whose code cannot be fetched with CODE_UNAVAILABLE, keep recommending, and export once it can', async ({
    page,
  }) => {
    shop = await startShop();
    const watched = watch(page);
    // The visitor-rights code is a lazily loaded chunk of the worker: this shop's CDN fails on it.
    let blocked = 0;
    await page.context().route(/\/assets\/worker-chunk-rights-[^/]*\.js$/, (route) => {
      blocked++;
      return route.abort('connectionfailed');
    });
    await page.goto(`${shop.origin}/failures.html`);
    await expect(items(page, '[data-vitrine="trending"]')).toHaveCount(6);
    const exported = await page.evaluate(() =>
      (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export().then(
        () => 'exported',
        (error: { code?: string; details?: { part?: string } }) => `${error.code} ${error.details?.part}`,
      ),
    );
    expect(exported).toBe('CODE_UNAVAILABLE profile export');
    expect(blocked).toBeGreaterThan(0);
    // Nothing else is affected: the engine still recommends.
    await addPlaceholder(page, 'after-failed-export');
    await expect(items(page, '#after-failed-export')).toHaveCount(6);
    // Once the file can be fetched, the next export loads it (a failed import() is not remembered).
    await page.context().unrouteAll();
    const again = await page.evaluate(() =>
      (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export().then(
        (data) => `exported ${data.events.length} events`,
        (error: { code?: string }) => `${error.code}`,
      ),
    );
    expect(again).toBe('exported 0 events');
    expect(watched.errors).toEqual([]);
  });

  test('should show bestsellers for a product the bundle does not know, and warn once', async ({ page }) => {
    shop = await startShop();
    const watched = watch(page);
    await page.goto(`${shop.origin}/failures.html`);
    const unknown = await addPlaceholder(page, 'unknown', 'similar', 'not-in-the-bundle');
    await expect(unknown.locator('[data-vitrine-item]')).toHaveCount(6);
    // Those are the non-personalised bestsellers: the engine's list without what the page shows
    // already (the similar and trending widgets), as the page does not repeat itself.
    const onPage = await page
      .locator('[data-vitrine]:not(#unknown) [data-vitrine-item]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-vitrine-item')!));
    const bestsellers = await page.evaluate(
      async (exclude) =>
        (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.recommend({ placement: 'trending', exclude })).items.map(
          (item) => item.productId,
        ),
      onPage,
    );
    expect(
      await unknown.locator('[data-vitrine-item]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-vitrine-item'))),
    ).toEqual(bestsellers);
    await expect(unknown.locator('[data-vitrine-placement="similar"]')).toHaveCount(1);
    expect(await hookWarnings(page)).toEqual(['UNKNOWN_PRODUCT']);
    expect(watched.warnings).toHaveLength(1);
    expect(watched.errors).toEqual([]);
  });
});
