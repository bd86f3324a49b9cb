/**
 * Privacy-first on-device mode, proven: a visitor browses, searches, carts and buys on a page
 * using the real script tag from dist/, while every request is witnessed twice (browser-side
 * `context.route('**\/*')` and the loopback server's own log, RELIABILITY V1).
 *
 * - No consent signal: only Vitrine's own static files and the bundle are fetched, with no query
 *   string or body, the request list is the same for two visitors with different journeys, and
 *   afterwards no IndexedDB database, localStorage, sessionStorage or cookie exists; Cache Storage
 *   holds only the bundle (shop data, the same bytes for every visitor).
 * - `measurement` consent and a configured endpoint: the only addition is one batched POST of
 *   aggregate counts per window, with no ids, queries, cookies or referrer.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { STATS_PATH, startWitnessedShop, type Witnesses } from './privacy-harness.ts';

/** What the visitor does; the search query is unique so any leak of it is unmistakable. */
interface Journey {
  query: string;
  /** How many trending products to view. */
  views: number;
}

/** Runs the journey on the page through `window.vitrine`; returns the product ids it touched. */
async function shop(page: Page, journey: Journey): Promise<string[]> {
  return page.evaluate(async ({ query, views }) => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    const status = await vitrine.ready;
    if (!status) throw new Error('Vitrine did not start');
    const trending = await vitrine.recommend({ placement: 'trending', limit: views });
    const ids = trending.items.map((item) => item.productId);
    // Fire the events together (as a busy page would), then ask for recommendations.
    await Promise.all([
      ...ids.map((product) => vitrine.track({ type: 'view', product, price: 12.5 })),
      vitrine.track({ type: 'search', query }),
      vitrine.track({ type: 'add_to_cart', product: ids[0]!, price: 12.5 }),
      vitrine.track({ type: 'purchase', product: ids[0]!, price: 12.5 }),
    ]);
    await vitrine.similar(ids[0]!, { limit: 4, context: { recent: ids } });
    await vitrine.recommend({ placement: 'for_you', context: { recent: ids } });
    await vitrine.rerank(ids, { recent: ids });
    return ids;
  }, journey);
}

/** Method + path + query of every request, sorted, for set comparisons. */
function requestSet(urls: { method: string; url: string }[], origin: string): string[] {
  return [...new Set(urls.map(({ method, url }) => `${method} ${url.startsWith(origin) ? url.slice(origin.length) : url}`))].sort();
}

const ALLOWED_STATIC = [
  /^GET \/privacy(-measurement|-widgets)?\.html$/,
  /^GET \/vitrine\/vitrine\.js$/,
  // The privacy panel's own script, loaded when the visitor opens it.
  /^GET \/vitrine\/vitrine-privacy\.js$/,
  /^GET \/vitrine\/assets\/worker-[\w-]+\.js$/,
  /^GET \/vitrine\/assets\/kernels(\.simd)?-[\w-]+\.wasm$/,
  /^GET \/vitrine\/shop\.vtb$/,
];

function expectOnlyStatic(set: string[], extra: RegExp[] = []): void {
  for (const entry of set) {
    expect(
      [...ALLOWED_STATIC, ...extra].some((allowed) => allowed.test(entry)),
      `unexpected request: ${entry}`,
    ).toBe(true);
  }
  // Each of Vitrine's own files was fetched (the witnesses saw the traffic at all).
  for (const needed of [/vitrine\.js$/, /worker-/, /\.wasm$/, /shop\.vtb$/]) expect(set.some((entry) => needed.test(entry))).toBe(true);
}

let shopServer: Witnesses;

test.describe('privacy-first on-device mode', () => {
  test.afterEach(async () => {
    await shopServer?.close();
  });

  test('C1, C5, C6: should fetch only its own files and the bundle, and store nothing, without a consent signal', async ({ browser }) => {
    const requestLists: string[][] = [];
    const journeys: Journey[] = [
      { query: 'zebra-striped-umbrella-7731', views: 5 },
      { query: 'velvet-armchair-4410', views: 9 },
    ];
    for (const journey of journeys) {
      const context = await browser.newContext();
      shopServer = await startWitnessedShop(context);
      // The shop's own session cookie: the browser sends it with the page's own requests, but
      // Vitrine's fetches (bundle, kernels) must not carry it.
      await context.addCookies([{ name: 'shop_session', value: 'visitor-42', url: shopServer.origin }]);
      const sockets: string[] = [];
      const page = await context.newPage();
      page.on('websocket', (socket) => sockets.push(socket.url()));
      await page.goto(`${shopServer.origin}/privacy.html`);
      const ids = await shop(page, journey);
      expect(ids).toHaveLength(journey.views);
      // Let any deferred write or timer run before looking for traces.
      await page.waitForTimeout(1_000);

      // Witness 1: the browser. Witness 2: the server. Both see only static GETs.
      const seenByBrowser = requestSet(shopServer.browser, shopServer.origin);
      const seenByServer = requestSet(shopServer.server, shopServer.origin);
      expectOnlyStatic(seenByBrowser);
      expect(seenByServer).toEqual(seenByBrowser);
      expect(shopServer.server.every((request) => request.body === '')).toBe(true);
      expect(shopServer.browser.every((request) => request.postData === null)).toBe(true);
      expect(sockets).toEqual([]);
      // No visitor data anywhere in what left: the query, and no id in any URL (no query strings at all).
      const wire = JSON.stringify([shopServer.server, shopServer.browser]);
      expect(wire).not.toContain(journey.query);
      expect(shopServer.server.every((request) => !request.url.includes('?'))).toBe(true);
      // Vitrine's own fetches carry no cookie and no referrer (which would name the page viewed).
      const vitrineFetches = shopServer.server.filter((request) => /\/shop\.vtb$|\.wasm$/.test(request.url));
      expect(vitrineFetches.length).toBeGreaterThanOrEqual(2);
      for (const request of vitrineFetches) {
        expect(request.headers.cookie, request.url).toBeUndefined();
        expect(request.headers.referer, request.url).toBeUndefined();
      }
      // ...while the page's own request did carry the shop's cookie: the witness can see cookies.
      expect(shopServer.server.find((request) => request.url.endsWith('/privacy.html'))?.headers.cookie).toBe('shop_session=visitor-42');
      requestLists.push(seenByServer);

      // Nothing persisted: no database, no web storage, no cookie; Cache Storage holds only the bundle.
      const traces = await page.evaluate(async () => {
        const cacheNames = await caches.keys();
        const cached: { cache: string; url: string; bytes: number }[] = [];
        for (const name of cacheNames) {
          const cache = await caches.open(name);
          for (const request of await cache.keys()) {
            const response = await cache.match(request);
            cached.push({ cache: name, url: new URL(request.url).pathname, bytes: (await response!.arrayBuffer()).byteLength });
          }
        }
        return {
          databases: await indexedDB.databases(),
          localStorage: localStorage.length,
          sessionStorage: sessionStorage.length,
          cookie: document.cookie,
          cached,
        };
      });
      expect(traces.databases).toEqual([]);
      expect(traces.localStorage).toBe(0);
      expect(traces.sessionStorage).toBe(0);
      // Vitrine set no cookie: only the shop's own is there.
      expect(traces.cookie).toBe('shop_session=visitor-42');
      expect((await context.cookies()).map((cookie) => cookie.name)).toEqual(['shop_session']);
      const bundleBytes = readFileSync('demo/build/shop.vtb').byteLength;
      expect(traces.cached).toEqual([{ cache: 'vitrine-bundles-v1', url: '/vitrine/shop.vtb', bytes: bundleBytes }]);

      // The session itself lived in worker memory: consent is still the default.
      const consent = await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.get());
      expect(consent).toMatchObject({ personalization: false, measurement: false, source: 'default' });
      await context.close();
      await shopServer.close();
    }
    // Two visitors with different journeys cause the same requests: nothing depends on behaviour.
    expect(requestLists[1]).toEqual(requestLists[0]);
  });

  test('C6: should copy no page URL parameter into a request, a referrer or the stored profile', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const page = await context.newPage();
    const pii = ['alice.smith%40example.com', 'alice.smith@example.com', 'tok-5f2a9c'];
    await page.goto(`${shopServer.origin}/privacy.html?email=${pii[0]}&token=${pii[2]}`);
    // With consent, so that there is a stored profile to search too.
    await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ personalization: true }));
    await shop(page, { query: 'plain-query', views: 4 });
    await page.waitForTimeout(500);
    const stored = await page.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      return JSON.stringify([await vitrine.profile.export(), await vitrine.status(), await vitrine.consent.get()]);
    });
    expect(JSON.parse(stored)[1].profile.mode).toBe('persistent');
    for (const secret of pii) expect(stored).not.toContain(secret);
    for (const request of shopServer.server) {
      // The page's own address carries them; nothing Vitrine asks for does, in its URL or body.
      if (request.url.startsWith('/privacy.html')) continue;
      for (const secret of pii) expect(`${request.url} ${request.body}`, request.url).not.toContain(secret);
      // Vitrine's fetches send no referrer at all; only the browser's own script loads from the shop's
      // origin (vitrine.js, the worker script and its chunks) carry the shop's address, to the shop itself.
      if (request.headers.referer !== undefined)
        expect(request.url, String(request.headers.referer)).toMatch(/^\/vitrine\/(vitrine\.js|assets\/worker-[\w-]+\.js)$/);
    }
    await context.close();
  });

  test('C5: should send only aggregate counts, batched, with measurement consent and an endpoint', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy-measurement.html`);
    // Before consent: these events are never counted.
    await page.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      await vitrine.ready;
      await vitrine.track({ type: 'view', product: 'before-consent', price: 1 });
    });
    await page.waitForTimeout(1_300);
    expect(shopServer.server.filter((request) => request.method === 'POST')).toEqual([]);

    await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ measurement: true }));
    const journey = { query: 'zebra-striped-umbrella-7731', views: 6 };
    const ids = await shop(page, journey);
    await expect.poll(() => shopServer.server.filter((request) => request.method === 'POST').length, { timeout: 5_000 }).toBe(1);
    // One window, one request: nothing more arrives afterwards.
    await page.waitForTimeout(1_500);
    const posts = shopServer.server.filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post!.url).toBe(STATS_PATH);
    const body = JSON.parse(post!.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['counts', 'windowEnd', 'windowStart']);
    expect(body.counts).toEqual({ view: journey.views, search: 1, add_to_cart: 1, purchase: 1 });
    expect(typeof body.windowStart).toBe('number');
    expect(body.windowEnd as number).toBeGreaterThanOrEqual(body.windowStart as number);
    // No visitor data in it: no id, no query, no cookie, no referrer.
    for (const id of [...ids, 'before-consent']) expect(post!.body).not.toContain(`"${id}"`);
    expect(post!.body).not.toContain(journey.query);
    expect(post!.headers.cookie).toBeUndefined();
    expect(post!.headers.referer).toBeUndefined();

    // Both witnesses agree, and everything else is still only static files.
    const seenByBrowser = requestSet(shopServer.browser, shopServer.origin);
    expect(requestSet(shopServer.server, shopServer.origin)).toEqual(seenByBrowser);
    expectOnlyStatic(seenByBrowser, [new RegExp(`^POST ${STATS_PATH}$`)]);
    const browserPost = shopServer.browser.find((request) => request.method === 'POST');
    expect(browserPost?.postData).toBe(post!.body);

    // Measurement revoked: counts stop and nothing more is sent.
    await page.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      await vitrine.consent.set({ measurement: false });
      await vitrine.track({ type: 'view', product: 'after-revocation', price: 1 });
    });
    await page.waitForTimeout(1_500);
    expect(shopServer.server.filter((request) => request.method === 'POST')).toHaveLength(1);
    await context.close();
  });

  test("C5, C6: should add only the shown products' images, without referrer, when widgets render and the visitor uses them", async ({
    browser,
  }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy-widgets.html`);
    const items = page.locator('[data-vitrine="trending"] [data-vitrine-item]');
    await expect(items).toHaveCount(6);
    await expect(page.locator('[data-vitrine="for_you"] [data-vitrine-item]').first()).toBeVisible();
    // Impressions (a second on screen), the Why popover, "not interested", the privacy panel.
    await page.waitForTimeout(1_300);
    await items.first().locator('[data-vitrine-why]').click();
    await page.getByRole('button', { name: /not interested/i }).click();
    await expect(items).toHaveCount(6);
    const recorded = await page.evaluate(async () =>
      (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export()).events.map((e) => e.type),
    );
    expect(recorded).toContain('impression');
    expect(recorded).toContain('dismiss');
    await page.waitForTimeout(500);

    const seenByBrowser = requestSet(shopServer.browser, shopServer.origin);
    expect(requestSet(shopServer.server, shopServer.origin)).toEqual(seenByBrowser);
    // Beyond Vitrine's own files and the bundle: only GETs of product images the widgets show.
    const images = seenByBrowser.filter((entry) => entry.startsWith('GET /images/'));
    expect(images.length).toBeGreaterThan(0);
    for (const entry of images) expect(entry).toMatch(/^GET \/images\/\d+\.svg$/);
    expectOnlyStatic(seenByBrowser.filter((entry) => !images.includes(entry)));
    // Images go without the page's address, and nothing has a body or a query string.
    for (const request of shopServer.server.filter((r) => r.url.startsWith('/images/')))
      expect(request.headers.referer, request.url).toBeUndefined();
    expect(shopServer.server.every((request) => request.body === '' && !request.url.includes('?'))).toBe(true);
    // No consent: still nothing stored.
    expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
    await context.close();
  });
});
