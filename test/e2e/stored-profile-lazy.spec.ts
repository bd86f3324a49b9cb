/**
 * The stored profile's code (IndexedDB through idb: opening, transactions) is a chunk of the worker
 * of its own, `worker-chunk-stored-profile-*.js`: a visitor who never grants personalization consent
 * never downloads it, and the first grant does, once. Run on the built dist/ (the script tag's
 * worker and its real chunks). When the chunk cannot come, the profile stays in memory, names why
 * (CODE_UNAVAILABLE), loses nothing, and the next grant loads it.
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startShop, type Shop } from './shop-harness.ts';

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

const CHUNK = /\/assets\/worker-chunk-stored-profile-[^/]*\.js$/;
const chunkRequests = (): number => shop.requests.filter((request) => CHUNK.test(request.url)).length;

/** Where the profile lives, and why not in IndexedDB when it is not. */
function where(page: Page): Promise<{ mode: string; reason: string | null }> {
  return page.evaluate(async () => {
    const { profile } = await (window as unknown as { vitrine: VitrineGlobal }).vitrine.status();
    return { mode: profile!.mode, reason: profile!.reason };
  });
}

/** The product views the profile holds (the widgets' impressions come and go on their own: not counted). */
function views(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const data = await (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export();
    return data.events.filter((event) => event.type === 'view').length;
  });
}

async function open(page: Page): Promise<void> {
  await page.goto(`${shop.origin}/failures.html`);
  // Generous: a loaded machine can take more than the default 5 s to download and rank the first time.
  await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6, { timeout: 15_000 });
}

/** Tracks a view of each of the first `count` trending products; resolves once the engine has them. */
function trackViews(page: Page, count: number): Promise<unknown> {
  return page.evaluate(async (count) => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    const { items } = await vitrine.recommend({ placement: 'trending', limit: count });
    return Promise.all(items.map((item) => vitrine.track({ type: 'view', product: item.productId })));
  }, count);
}

function grant(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ personalization: true }));
}

test('should fetch the stored profile code only on the first personalization grant, and keep the profile across page loads', async ({
  page,
}) => {
  shop = await startShop();
  await open(page);
  await trackViews(page, 2);
  expect([await where(page), await views(page)]).toEqual([{ mode: 'memory', reason: null }, 2]);
  // No consent: no stored profile, and none of its code downloaded.
  expect(chunkRequests()).toBe(0);

  await grant(page);
  expect(await where(page)).toEqual({ mode: 'persistent', reason: null });
  expect(chunkRequests()).toBe(1);
  await trackViews(page, 3);
  expect(await views(page)).toBe(5);

  // The next page (the shop's consent platform signals again): the stored views are read back.
  await open(page);
  expect(await views(page)).toBe(0);
  await grant(page);
  expect(await where(page)).toEqual({ mode: 'persistent', reason: null });
  await expect.poll(() => views(page)).toBe(5);
});

test('should keep the profile in memory, say why and lose nothing when the stored profile code cannot be fetched, then load it on the next grant', async ({
  page,
}) => {
  shop = await startShop();
  let blocked = 0;
  await page.context().route(CHUNK, (route) => {
    blocked++;
    return route.abort('connectionfailed');
  });
  await open(page);
  await trackViews(page, 2);
  await grant(page);
  expect(await where(page)).toEqual({ mode: 'memory', reason: 'CODE_UNAVAILABLE' });
  expect(blocked).toBeGreaterThan(0);
  // Tracking and recommending go on as before, in memory.
  await trackViews(page, 1);
  expect(await views(page)).toBe(3);

  await page.context().unrouteAll();
  await grant(page);
  expect(await where(page)).toEqual({ mode: 'persistent', reason: null });
  expect(await views(page)).toBe(3);
});
