/**
 * Progressive loading (issue 16), in Chromium on the built script tag: a first visit's widgets fill
 * from the head part while the full bundle is still downloading (the server holds its response),
 * the full bundle swaps in without any list mixing the two, Save-Data holds the full bundle back
 * until the visitor interacts, `data-max-download` caps it, and a corrupt or missing head part
 * falls back to the full bundle with a status that says why.
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { EngineStatus, RecommendResult } from '../../src/shared/request.ts';
import { makeBundles, startProgressiveShop, type ProgressiveShop, type ShopOptions } from './progressive-helpers.ts';

const bundles = makeBundles();
const headIds = new Set(bundles.headIds);
/** A product only the full bundle has. */
const notInHead = Array.from({ length: 2_000 }, (_, i) => `p${i}`).find((id) => !headIds.has(id))!;
/** A head product, whose similar products (from the full bundle) reach beyond the head. */
const inHead = bundles.headIds[0]!;

let shop: ProgressiveShop | undefined;
test.afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

async function open(page: Page, options: ShopOptions = {}): Promise<ProgressiveShop> {
  shop = await startProgressiveShop(bundles, options);
  await page.goto(`${shop.origin}/page.html`);
  return shop;
}

function status(page: Page): Promise<EngineStatus> {
  return page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.status());
}

/** Product ids each filled widget shows. */
function widgetItems(page: Page): Promise<string[][]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-vitrine]')].map((host) =>
      [...(host.shadowRoot?.querySelectorAll('[data-vitrine-item]') ?? [])].map((item) => item.getAttribute('data-vitrine-item')!),
    ),
  );
}

async function widgetsFilled(page: Page): Promise<string[][]> {
  await expect.poll(async () => (await widgetItems(page)).every((ids) => ids.length > 0), { timeout: 20_000 }).toBe(true);
  return widgetItems(page);
}

test('a first visit fills its widgets from the head part while the full bundle downloads, then swaps it in whole', async ({ page }) => {
  const shop = await open(page);
  const shown = await widgetsFilled(page);
  // The full bundle is requested and still held: every widget item came from the head part.
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb', '/b/shop.vtb']);
  for (const ids of shown) for (const id of ids) expect(headIds.has(id), id).toBe(true);
  const early = await status(page);
  expect(early.bundle).toMatchObject({
    part: 'head',
    contentHash: bundles.headHash,
    bytes: bundles.head.length,
    products: bundles.headIds.length,
    pending: { bytes: bundles.full.length, reason: 'downloading' },
  });

  // Queries keep running across the swap; a product only the full bundle knows waits for it.
  const results = page.evaluate(
    async ({ inHead, notInHead }) => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      const lists: RecommendResult[] = [];
      const waiting = vitrine.similar(notInHead, { limit: 8 });
      // Until a few rounds after the swap: the lists before, during and after it.
      for (let i = 0, after = 0; i < 1_000 && after < 3; i++) {
        lists.push(await vitrine.similar(inHead, { limit: 8 }), await vitrine.recommend({ placement: 'trending', limit: 8 }));
        if ((await vitrine.status()).bundle?.part === 'full') after++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { lists, waiting: await waiting };
    },
    { inHead, notInHead },
  );
  await page.waitForTimeout(300);
  shop.release();
  const { lists, waiting } = await results;

  const final = await status(page);
  expect(final.bundle).toMatchObject({ part: 'full', contentHash: bundles.fullHash, bytes: bundles.full.length, products: 2_000 });
  expect(final.bundle?.pending).toBeUndefined();
  expect(waiting.bundleVersion).toBe(bundles.fullHash);
  expect(waiting.items.length).toBeGreaterThan(0);
  // Every list is all-head or all-full: head lists name only head products, and both kinds were seen.
  const versions = new Set(lists.map((list) => list.bundleVersion));
  expect(versions).toEqual(new Set([bundles.headHash, bundles.fullHash]));
  for (const list of lists.filter((l) => l.bundleVersion === bundles.headHash)) {
    for (const item of list.items) expect(headIds.has(item.productId), item.productId).toBe(true);
  }
  const fullSimilar = lists.filter((l) => l.bundleVersion === bundles.fullHash && l.placement === 'similar');
  expect(fullSimilar.some((list) => list.items.some((item) => !headIds.has(item.productId)))).toBe(true);
  // The full bundle was cached: the next visit uses it at once, without the head part.
  shop.bundleRequests.length = 0;
  await page.reload();
  await widgetsFilled(page);
  expect((await status(page)).bundle).toMatchObject({ part: 'full', source: 'cache' });
  expect(shop.bundleRequests.filter((path) => path === '/b/shop.head.vtb')).toEqual([]);
});

test('with Save-Data only the head part is fetched until the visitor interacts', async ({ page }) => {
  const shop = await open(page, { saveData: true });
  shop.release(); // nothing held: only the engine's choice keeps the full bundle away
  await widgetsFilled(page);
  await page.waitForTimeout(500);
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb']);
  expect((await status(page)).bundle).toMatchObject({ part: 'head', pending: { reason: 'save-data' } });
  // A page view is no interaction; adding to the cart is.
  await page.evaluate((id) => (window as unknown as { vitrine: VitrineGlobal }).vitrine.track('view', { product: id }), inHead);
  await page.waitForTimeout(300);
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb']);
  await page.evaluate((id) => (window as unknown as { vitrine: VitrineGlobal }).vitrine.track('add_to_cart', { product: id }), inHead);
  await expect.poll(async () => (await status(page)).bundle?.part, { timeout: 20_000 }).toBe('full');
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb', '/b/shop.vtb']);
});

test('data-max-download keeps a larger full bundle from being fetched at all', async ({ page }) => {
  const shop = await open(page, { maxDownload: bundles.full.length - 1 });
  shop.release();
  await widgetsFilled(page);
  await page.evaluate((id) => (window as unknown as { vitrine: VitrineGlobal }).vitrine.track('add_to_cart', { product: id }), inHead);
  await page.waitForTimeout(500);
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb']);
  expect((await status(page)).bundle).toMatchObject({ part: 'head', pending: { bytes: bundles.full.length, reason: 'max-download' } });
});

test('a cap the full bundle fits under lets it load', async ({ page }) => {
  const shop = await open(page, { maxDownload: bundles.full.length });
  shop.release();
  await expect.poll(async () => (await status(page)).bundle?.part, { timeout: 20_000 }).toBe('full');
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb', '/b/shop.vtb']);
});

for (const head of ['corrupt', 'missing'] as const) {
  test(`a ${head} head part falls back to the full bundle and says why`, async ({ page }) => {
    const shop = await open(page, { head });
    shop.release();
    const shown = await widgetsFilled(page);
    expect(shown.flat().length).toBeGreaterThan(0);
    const { bundle } = await status(page);
    expect(bundle).toMatchObject({ part: 'full', contentHash: bundles.fullHash, source: 'network' });
    expect(bundle?.headSkipped?.code).toBe(head === 'missing' ? 'BUNDLE_FETCH_FAILED' : 'BUNDLE_TRUNCATED');
    expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb', '/b/shop.vtb']);
  });
}

// (No console check: the synthetic products' image URLs 404 here; the request log shows it.)
test('a page that names no head part loads the full bundle alone, with no guessed request (a 404 at a shop without one)', async ({
  page,
}) => {
  const shop = await open(page, { named: false });
  shop.release();
  await widgetsFilled(page);
  const { bundle } = await status(page);
  expect(bundle).toMatchObject({ part: 'full', contentHash: bundles.fullHash });
  expect(bundle?.headSkipped).toBeUndefined();
  expect(shop.bundleRequests).toEqual(['/b/shop.vtb']);
});
