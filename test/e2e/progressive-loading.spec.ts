/**
 * Progressive loading (issue 16), in Chromium on the built script tag: a first visit's widgets fill
 * from the head part while the full bundle is still downloading (the server holds its response),
 * the full bundle swaps in without any list mixing the two, Save-Data holds the full bundle back
 * until the visitor interacts, `data-max-download` caps it, and a corrupt or missing head part
 * falls back to the full bundle with a status that says why. A returning visitor's widgets fill from
 * the head part while the cached full bundle is read and decoded (held here: on 100k products that
 * takes seconds), then the cached copy swaps in the same way; a stalled head part does not hold the
 * cached copy back, and a corrupt cached copy is dropped and downloaded again.
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { EngineStatus, RecommendResult } from '../../src/shared/request.ts';
import { CACHE_NAME } from '../../src/worker/bundle-cache.ts';
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
  const results = queriesAcrossSwap(page);
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
  // The full bundle was cached: the next visit serves it from there (after the head part, or at once).
  await page.reload();
  await widgetsFilled(page);
  await expect.poll(async () => (await status(page)).bundle, { timeout: 20_000 }).toMatchObject({ part: 'full', source: 'cache' });
});

/** Queries from before until a few rounds after the swap to the full bundle, and one for a product only the full bundle has. */
function queriesAcrossSwap(page: Page): Promise<{ lists: RecommendResult[]; waiting: RecommendResult }> {
  return page.evaluate(
    async ({ inHead, notInHead }) => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      const lists: RecommendResult[] = [];
      const waiting = vitrine.similar(notInHead, { limit: 8 });
      for (let i = 0, after = 0; i < 1_000 && after < 3; i++) {
        lists.push(await vitrine.similar(inHead, { limit: 8 }), await vitrine.recommend({ placement: 'trending', limit: 8 }));
        if ((await vitrine.status()).bundle?.part === 'full') after++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { lists, waiting: await waiting };
    },
    { inHead, notInHead },
  );
}

/** Size of the cached full bundle (Cache Storage, as the page sees it), or undefined. */
function cachedBytes(page: Page): Promise<number | undefined> {
  return page.evaluate(
    async ({ name, path }) => {
      const response = await (await caches.open(name)).match(new URL(path, location.href).href);
      return response && (await response.arrayBuffer()).byteLength;
    },
    { name: CACHE_NAME, path: '/b/shop.vtb' },
  );
}

/** A first visit until the full bundle serves and is cached. */
async function firstVisitDone(page: Page, options: ShopOptions = {}): Promise<ProgressiveShop> {
  const shop = await open(page, options);
  shop.release();
  await expect.poll(async () => (await status(page)).bundle?.part, { timeout: 20_000 }).toBe('full');
  await expect.poll(() => cachedBytes(page), { timeout: 20_000 }).toBe(bundles.full.length);
  shop.bundleRequests.length = 0;
  return shop;
}

test("a returning visitor's widgets fill from the head part while the cached full bundle is read, then it swaps in whole", async ({
  page,
}) => {
  const shop = await firstVisitDone(page, { holdCache: true });
  await page.reload();
  const shown = await widgetsFilled(page);
  for (const ids of shown) for (const id of ids) expect(headIds.has(id), id).toBe(true);
  expect((await status(page)).bundle).toMatchObject({
    part: 'head',
    contentHash: bundles.headHash,
    pending: { bytes: bundles.full.length, reason: 'cache' },
  });

  const results = queriesAcrossSwap(page);
  await page.waitForTimeout(300);
  // Nothing downloaded the full bundle: it comes from the cache.
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb']);
  shop.releaseCache();
  const { lists, waiting } = await results;

  expect((await status(page)).bundle).toMatchObject({ part: 'full', source: 'cache', contentHash: bundles.fullHash });
  expect(waiting.bundleVersion).toBe(bundles.fullHash);
  expect(waiting.items.length).toBeGreaterThan(0);
  // Every list is all-head or all-full, and both kinds were seen.
  expect(new Set(lists.map((list) => list.bundleVersion))).toEqual(new Set([bundles.headHash, bundles.fullHash]));
  for (const list of lists.filter((l) => l.bundleVersion === bundles.headHash)) {
    for (const item of list.items) expect(headIds.has(item.productId), item.productId).toBe(true);
  }
  const fullSimilar = lists.filter((l) => l.bundleVersion === bundles.fullHash && l.placement === 'similar');
  expect(fullSimilar.some((list) => list.items.some((item) => !headIds.has(item.productId)))).toBe(true);
  // Afterwards only its revalidation asks the server for the full bundle.
  await expect.poll(() => shop.bundleRequests, { timeout: 20_000 }).toEqual(['/b/shop.head.vtb', '/b/shop.vtb']);
});

test('a stalled head part does not hold a returning visitor back: the cached full bundle serves', async ({ page }) => {
  const shop = await firstVisitDone(page);
  shop.holdHead();
  await page.reload();
  await widgetsFilled(page);
  expect((await status(page)).bundle).toMatchObject({ part: 'full', source: 'cache', contentHash: bundles.fullHash });
  expect(shop.bundleRequests).toContain('/b/shop.head.vtb');
  // The head part, once in, changes nothing.
  shop.releaseHead();
  await page.waitForTimeout(300);
  expect((await status(page)).bundle).toMatchObject({ part: 'full', source: 'cache' });
});

test('a corrupt cached full bundle is dropped: the head part serves while the full bundle downloads again', async ({ page }) => {
  const shop = await firstVisitDone(page);
  // One byte flipped in the middle of the cached copy (its headers kept): its checksum fails.
  await page.evaluate(
    async ({ name, path }) => {
      const cache = await caches.open(name);
      const url = new URL(path, location.href).href;
      const response = (await cache.match(url))!;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const middle = bytes.length >> 1;
      bytes[middle] = bytes[middle]! ^ 0xff;
      await cache.put(url, new Response(bytes, { headers: response.headers }));
    },
    { name: CACHE_NAME, path: '/b/shop.vtb' },
  );
  shop.holdFull();
  await page.reload();
  const shown = await widgetsFilled(page);
  for (const ids of shown) for (const id of ids) expect(headIds.has(id), id).toBe(true);
  await expect.poll(async () => (await status(page)).bundle?.pending?.reason, { timeout: 20_000 }).toBe('downloading');
  expect((await status(page)).bundle).toMatchObject({ part: 'head', contentHash: bundles.headHash });
  expect(shop.bundleRequests).toEqual(['/b/shop.head.vtb', '/b/shop.vtb']);
  shop.release();
  await expect
    .poll(async () => (await status(page)).bundle, { timeout: 20_000 })
    .toMatchObject({
      part: 'full',
      source: 'network',
      contentHash: bundles.fullHash,
    });
  // The cache holds the intact bundle again (written just after the swap).
  await expect.poll(() => cachedBytes(page), { timeout: 20_000 }).toBe(bundles.full.length);
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
