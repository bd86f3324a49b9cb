/**
 * A flaky network between the shop and its bundle, provoked for real: a loopback server that sends
 * the response headers and then stalls, or trickles the body in small pieces (RELIABILITY.md V13,
 * issue 12 failure 4). The server itself is the witness that the worker's download was aborted:
 * it sees the connection closed.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { Vitrine } from '../../src/index.ts';
import { startShop, type Shop } from './shop-harness.ts';

const BUNDLE = readFileSync('demo/build/shop.vtb');

interface SlowServer {
  origin: string;
  /** Requests for the stalling bundle whose connection is closed by now (the client gave up on it). */
  closed: number;
  /** Requests received, by path. */
  received: string[];
  close(): Promise<void>;
}

/**
 * `/stall.vtb`: headers and 100 bytes, then nothing (so does `/once.vtb` after its first answer). `/trickle.vtb?ms=N`: the demo bundle in 4 KB
 * pieces spread over about N ms. `/good.vtb`: the demo bundle at once. All with CORS, as a CDN.
 */
async function startSlowServer(): Promise<SlowServer> {
  const state = { closed: 0, received: [] as string[] };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://slow');
    state.received.push(url.pathname);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(BUNDLE.length),
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
    });
    const times = state.received.filter((path) => path === url.pathname).length;
    if (url.pathname === '/good.vtb' || (url.pathname === '/once.vtb' && times === 1)) return void res.end(BUNDLE);
    if (url.pathname === '/stall.vtb' || url.pathname === '/once.vtb') {
      res.write(BUNDLE.subarray(0, 100));
      res.on('close', () => state.closed++);
      return;
    }
    const piece = 4096;
    const pieces = Math.ceil(BUNDLE.length / piece);
    const every = Number(url.searchParams.get('ms') ?? 5000) / pieces;
    let at = 0;
    const timer = setInterval(() => {
      res.write(BUNDLE.subarray(at, (at += piece)));
      if (at >= BUNDLE.length) {
        clearInterval(timer);
        res.end();
      }
    }, every);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get closed() {
      return state.closed;
    },
    received: state.received,
    close: () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return done;
    },
  };
}

/** Runs a `load` on the page's engine and describes how it settled. */
function settle(page: Page, url: string, options: { timeoutMs?: number; abortAfterMs?: number } = {}): Promise<string> {
  return page.evaluate(
    async ({ url, timeoutMs, abortAfterMs }) => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      const controller = new AbortController();
      if (abortAfterMs !== undefined) setTimeout(() => controller.abort(), abortAfterMs);
      return vitrine.load(url, { timeoutMs, signal: controller.signal }).then(
        (status) => `loaded ${status.bundle?.products}`,
        // A DOMException has a numeric `code` too: only a VitrineError's code is a name.
        (error: { code?: string; name?: string }) => String(error.name === 'VitrineError' ? error.code : error.name),
      );
    },
    { url, ...options },
  );
}

const statusOf = (page: Page) => page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.status());

let shop: Shop;
let slow: SlowServer;
test.beforeEach(async () => {
  shop = await startShop();
  slow = await startSlowServer();
});
test.afterEach(async () => {
  await shop.close();
  await slow.close();
});

test.describe('V13: a bundle download that stalls or trickles', () => {
  test('should abort the stalled download when load() times out, leave status() out of loading, and load a healthy URL next', async ({
    page,
  }) => {
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    expect(await settle(page, `${slow.origin}/stall.vtb`, { timeoutMs: 1000 })).toBe('TIMEOUT');
    // The page's deadline reached the worker's fetch: the server saw the connection closed.
    await expect.poll(() => slow.closed).toBe(1);
    const status = await statusOf(page);
    expect(status.state).toBe('ready');
    // The first bundle kept serving; a healthy URL loads at once afterwards.
    expect(await settle(page, `${slow.origin}/good.vtb`, { timeoutMs: 5000 })).toMatch(/^loaded \d+$/);
    expect((await statusOf(page)).bundle?.url).toBe(`${slow.origin}/good.vtb`);
  });

  test('should let a newer load() supersede an older one whose download stalls', async ({ page }) => {
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    const stalled = settle(page, `${slow.origin}/stall.vtb`);
    await expect.poll(() => slow.received).toContain('/stall.vtb');
    expect(await settle(page, `${slow.origin}/good.vtb`, { timeoutMs: 5000 })).toMatch(/^loaded \d+$/);
    // The older one is cancelled, not failed: an AbortError, and its download is closed.
    expect(await stalled).toBe('AbortError');
    await expect.poll(() => slow.closed).toBe(1);
    expect((await statusOf(page)).lastError).toBeNull();
  });

  test("should stop the worker's download when the caller aborts the load", async ({ page }) => {
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    expect(await settle(page, `${slow.origin}/stall.vtb`, { abortAfterMs: 500 })).toBe('AbortError');
    await expect.poll(() => slow.closed).toBe(1);
    expect((await statusOf(page)).state).toBe('ready');
    expect(await settle(page, `${slow.origin}/good.vtb`, { timeoutMs: 5000 })).toMatch(/^loaded \d+$/);
  });

  test('should start the kernels download again for the next load when the first one stalled', async ({ page }) => {
    // The shop's bundle fails at once, so only the loads below reach the kernels.
    await page.route('**/vitrine/shop.vtb', (route) => route.fulfill({ status: 404, body: 'gone' }));
    let wasmRequests = 0;
    await page.context().route(/\/assets\/kernels[^/]*\.wasm$/, (route) => {
      // The first .wasm request never gets an answer; later ones do.
      if (wasmRequests++ === 0) return;
      return route.continue();
    });
    await page.goto(`${shop.origin}/failures.html`);
    expect(await settle(page, `${slow.origin}/good.vtb`, { timeoutMs: 2000 })).toBe('TIMEOUT');
    expect(await settle(page, `${slow.origin}/good.vtb`, { timeoutMs: 10_000 })).toMatch(/^loaded \d+$/);
    // Not a fallback to the JavaScript kernels: the WebAssembly ones, fetched again.
    expect((await statusOf(page)).kernels).toBe('wasm-simd');
    expect(wasmRequests).toBe(2);
  });

  test('should not hold a restarted engine when reloading its bundle stalls: the replay gives up after loadTimeoutMs', async ({ page }) => {
    const workers: Worker[] = [];
    page.on('worker', (worker) => workers.push(worker));
    await page.goto(`${shop.origin}/library.html`);
    await page.waitForFunction(() => 'engine' in window);
    expect(
      await page.evaluate(
        async (url) => (await (window as unknown as { engine: Vitrine }).engine.load(url)).state,
        `${slow.origin}/once.vtb`,
      ),
    ).toBe('ready');
    // No cached copy to fall back on: the restart's replay must download it again, and that stalls.
    await page.evaluate(() => caches.delete('vitrine-bundles-v1'));
    await workers.at(-1)!.evaluate(() =>
      setTimeout(() => {
        throw new Error('engine crashed on purpose');
      }, 0),
    );
    const status = () =>
      page.evaluate(() =>
        (window as unknown as { engine: Vitrine }).engine.status().then(
          (answer) => answer.state,
          (error: { code?: string }) => error.code,
        ),
      );
    // The page starts a new worker on the first call after it heard of the crash (the worker's error
    // event), so a call made before that is answered by the old worker: ask until the new one answers.
    let after = await status();
    await expect.poll(async () => (workers.length < 2 && (after = await status()), workers.length), { timeout: 15_000 }).toBe(2);
    expect(after).not.toBe('TIMEOUT');
    await expect.poll(() => slow.closed).toBe(1);
    // The bundle is lost until load() again, which works at once.
    const query = await page.evaluate(() =>
      (window as unknown as { engine: Vitrine }).engine.recommend({ placement: 'trending' }).then(
        () => 'answered',
        (error: { code?: string; details?: { reason?: string } }) => `${error.code} ${error.details?.reason}`,
      ),
    );
    expect(query).toBe('NOT_READY restarted');
    expect(
      await page.evaluate(
        async (url) => (await (window as unknown as { engine: Vitrine }).engine.load(url)).state,
        `${slow.origin}/good.vtb`,
      ),
    ).toBe('ready');
    expect(
      (await page.evaluate(() => (window as unknown as { engine: Vitrine }).engine.recommend({ placement: 'trending' }))).items.length,
    ).toBeGreaterThan(0);
  });

  test('should not leave the first load stuck in loading when it stalls: the state goes back to idle', async ({ page }) => {
    // No data-bundle load reaches the shop's bundle: every load in this page goes to the stalling server.
    await page.route('**/vitrine/shop.vtb', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(`${shop.origin}/failures.html`);
    expect(await settle(page, `${slow.origin}/stall.vtb`, { timeoutMs: 1000 })).toBe('TIMEOUT');
    await expect.poll(async () => (await statusOf(page)).state).not.toBe('loading');
    await expect.poll(() => slow.closed).toBe(1);
    expect(await settle(page, `${slow.origin}/good.vtb`, { timeoutMs: 5000 })).toMatch(/^loaded \d+$/);
  });

  test("should show the shop's fallback while a trickling bundle downloads, then fill the widgets when it arrives", async ({ page }) => {
    const warnings: string[] = [];
    page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
    // The page's own bundle, trickled over about 8 s (the 1 byte/ms would take 100 s).
    await page.route('**/vitrine/shop.vtb', (route) => route.continue({ url: `${slow.origin}/trickle.vtb?ms=8000` }));
    const started = Date.now();
    await page.goto(`${shop.origin}/failures.html`);
    const similar = page.locator('[data-vitrine="similar"]');
    // The skeleton gives way to the shop's own content after a short deadline...
    await expect(similar.locator('.shop-fallback')).toBeVisible({ timeout: 5000 });
    await expect(similar.locator('section[aria-busy="true"]')).toHaveCount(0);
    expect(Date.now() - started).toBeLessThan(6000);
    expect((await statusOf(page)).state).toBe('loading');
    // ...and the widgets fill in once the bundle is in.
    // (Red Nail Polish: its four fellow cosmetics; `similar` is not padded beyond them.)
    await expect(similar.locator('[data-vitrine-item]')).toHaveCount(4, { timeout: 20_000 });
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    expect(await page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings)).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

test.describe('W5: the kernels served with the wrong content type, or not at all', () => {
  test('should still run the WebAssembly kernels when .wasm comes as application/octet-stream', async ({ page }) => {
    let served = 0;
    await page.context().route(/\/assets\/kernels[^/]*\.wasm$/, async (route) => {
      served++;
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
    });
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    const status = await statusOf(page);
    expect(served).toBeGreaterThan(0);
    expect(status.kernels).toBe('wasm-simd');
    expect(status.kernelsFallback).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings)).toEqual([]);
  });

  test('should fall back to the JavaScript kernels, once and without a retry loop, when .wasm answers 404 HTML', async ({ page }) => {
    const asked: string[] = [];
    await page.context().route(/\/assets\/kernels[^/]*\.wasm$/, (route) => {
      asked.push(route.request().url());
      return route.fulfill({ status: 404, contentType: 'text/html', body: '<h1>Not found</h1>' });
    });
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    const status = await statusOf(page);
    expect(status.kernels).toBe('js');
    expect(status.kernelsFallback?.code).toBe('WASM_UNAVAILABLE');
    await page.waitForTimeout(500);
    // The SIMD build, then the plain one: each asked once.
    expect(asked).toHaveLength(2);
    expect(new Set(asked).size).toBe(2);
  });
});
