/**
 * Vitrine on a second origin, as a shop puts it on a CDN (issue 14, finding 5): two real loopback
 * servers on different ports, the shop's pages on one, `dist/` and the bundle on the other. The CDN
 * server keeps a log of every request it receives (method, path, conditional headers, status): it
 * is the witness that no CORS preflight (`OPTIONS`) was needed, that the browser revalidated the
 * bundle itself, and what was served.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import type { Server as ShopServer } from 'node:http';
import { startStaticServer } from '../../demo/serve.ts';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { hostileInput } from '../fixtures/hostile-bundle.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

/** dist's engine worker file, `assets/worker-<hash>.js`. */
const workerFile = (): string => `assets/${readdirSync(join(DIST, 'assets')).find((name) => /^worker-(?!chunk-)[\w-]+\.js$/.test(name))}`;

/** A 60-product bundle whose every title ends in `edition` and whose prices start at `price`. */
function bundleOf(edition: string, price: number): Buffer {
  return Buffer.from(encodeBundle(hostileInput(60, 4, (i) => ({ id: String(i + 1), title: `Mug ${i + 1} ${edition}`, price: price + i }))));
}

interface Logged {
  method: string;
  path: string;
  ifNoneMatch: string | null;
  status: number;
}

interface Cdn {
  origin: string;
  /** Every request received, in order. */
  log: Logged[];
  /** Replaces the bundle file (a new ETag and Last-Modified), as a deploy would. */
  publish(bytes: Buffer): void;
  /** From now on the bundle answers 503 (the CDN's origin is down). */
  fail(): void;
  /** From now on paths matching `pattern` answer 404 (a deploy removed them). */
  hide(pattern: RegExp): void;
  close(): Promise<void>;
}

/**
 * A CDN: `/vitrine/*` from dist/, `/shop.vtb` from memory with an ETag, Last-Modified and a
 * `max-age` (so only a real revalidation sees a new file), answering `If-None-Match` with 304.
 * With `cors`, every answer carries `Access-Control-Allow-Origin: *` and nothing else CORS: an
 * `OPTIONS` preflight gets no `Access-Control-Allow-Headers`, so a request that needs one fails.
 */
async function startCdn(cors: boolean): Promise<Cdn> {
  const log: Logged[] = [];
  let failing = false;
  let hidden: RegExp | null = null;
  let bundle: { bytes: Buffer; etag: string; modified: string } = { bytes: Buffer.alloc(0), etag: '', modified: '' };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://cdn').pathname;
    const header = req.headers['if-none-match'];
    const answer = (status: number, headers: Record<string, string>, body?: Buffer): void => {
      log.push({ method: req.method ?? 'GET', path, ifNoneMatch: typeof header === 'string' ? header : null, status });
      res.writeHead(status, { ...(cors && { 'access-control-allow-origin': '*' }), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method === 'OPTIONS') return answer(204, {});
    if (hidden?.test(path)) return answer(404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
    if (path === '/shop.vtb' && failing) return answer(503, { 'content-type': 'text/plain' }, Buffer.from('origin down'));
    if (path === '/shop.vtb') {
      const validators = { etag: bundle.etag, 'last-modified': bundle.modified, 'cache-control': 'public, max-age=3600' };
      if (header === bundle.etag) return answer(304, validators);
      return answer(200, { ...validators, 'content-type': 'application/octet-stream' }, bundle.bytes);
    }
    const file = normalize(join(DIST, path.replace(/^\/vitrine\//, '')));
    try {
      if (!path.startsWith('/vitrine/') || !file.startsWith(DIST)) throw new Error('not here');
      const type = { '.js': 'text/javascript', '.wasm': 'application/wasm' }[extname(file)] ?? 'application/octet-stream';
      answer(200, { 'content-type': type }, readFileSync(file));
    } catch {
      answer(404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  let version = 0;
  return {
    // `localhost`, not the shop's 127.0.0.1: another origin, as a CDN is.
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    log,
    publish(bytes) {
      version++;
      const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
      bundle = { bytes, etag, modified: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toUTCString() };
    },
    fail() {
      failing = true;
    },
    hide(pattern) {
      hidden = pattern;
    },
    close: () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return done;
    },
  };
}

/** The shop: one page loading `vitrine.js` from `script` with the bundle at `bundle`, warnings collected by message. */
async function startShopPage(script: string, bundle: string): Promise<{ origin: string; server: ShopServer }> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title>
<script>
  window.vitrineWarnings = [];
  window.vitrine = window.vitrine || [];
  vitrine.push(['onError', (error) => vitrineWarnings.push(error.message)]);
</script>
<script src="${script}" data-bundle="${bundle}" async></script></head>
<body><div data-vitrine="trending"><p class="shop-fallback">Our bestsellers</p></div></body></html>`;
  const server = await startStaticServer([['/vitrine/', DIST]], 0, '127.0.0.1', {
    onRequest: ({ url }) => (url === '/shop.html' ? { status: 200, body: html, headers: { 'content-type': 'text/html' } } : undefined),
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The status once the first load settled, and the trending titles then. */
async function firstLook(page: Page) {
  return page.evaluate(async () => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    const ready = await vitrine.ready;
    const items = ready ? (await vitrine.recommend({ placement: 'trending', limit: 3 })).items : [];
    return { source: ready?.bundle?.source, contentHash: ready?.bundle?.contentHash, titles: items.map((item) => item.title) };
  });
}

const statusOf = (page: Page) => page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.status());
const warnings = (page: Page) => page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings);

let cdn: Cdn;
let shop: { origin: string; server: ShopServer } | undefined;
test.afterEach(async () => {
  await cdn?.close();
  if (shop) await new Promise<void>((done) => (shop!.server.closeAllConnections(), shop!.server.close(() => done())));
  shop = undefined;
});

test.describe('Vitrine and its bundle on a CDN', () => {
  test('should give a returning visitor the bundle replaced on a CDN that sends only Access-Control-Allow-Origin, with no preflight', async ({
    browser,
  }) => {
    cdn = await startCdn(true);
    cdn.publish(bundleOf('v1', 10));
    shop = await startShopPage(`${cdn.origin}/vitrine/vitrine.js`, `${cdn.origin}/shop.vtb`);
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${shop.origin}/shop.html`);
    const before = await firstLook(first);
    expect(before.source).toBe('network');
    expect(before.titles.length).toBe(3);
    for (const title of before.titles) expect(title).toMatch(/ v1$/);
    await first.close();

    // A deploy replaces the file; the same visitor comes back (same profile: Cache Storage and HTTP cache).
    cdn.publish(bundleOf('v2', 20));
    const logged = cdn.log.length;
    const returning = await context.newPage();
    await returning.goto(`${shop.origin}/shop.html`);
    const cached = await firstLook(returning);
    // It starts at once from the copy it has, and revalidation swaps the new one in.
    expect(cached.source).toBe('cache');
    expect(cached.contentHash).toBe(before.contentHash);
    await expect.poll(async () => (await statusOf(returning)).bundle?.contentHash, { timeout: 10_000 }).not.toBe(before.contentHash);
    const after = await statusOf(returning);
    expect(after.bundle?.source).toBe('network');
    expect(after.lastError).toBeNull();
    const titles = await returning.evaluate(async () => {
      const result = await (window as unknown as { vitrine: VitrineGlobal }).vitrine.recommend({ placement: 'trending', limit: 3 });
      return result.items.map((item) => `${item.title} ${item.price}`);
    });
    expect(titles.length).toBe(3);
    for (const title of titles) expect(title).toMatch(/ v2 2\d$/);
    // The browser's HTTP cache revalidated with its own If-None-Match (the old ETag) and got the new file.
    const revalidations = cdn.log.slice(logged).filter((entry) => entry.path === '/shop.vtb');
    expect(revalidations).toEqual([{ method: 'GET', path: '/shop.vtb', ifNoneMatch: expect.stringMatching(/^"\w{16}"$/), status: 200 }]);

    // Unchanged on a third visit: a 304 from the CDN, nothing swapped, nothing failed.
    const third = await context.newPage();
    await third.goto(`${shop.origin}/shop.html`);
    const again = await firstLook(third);
    expect(again.source).toBe('cache');
    await expect.poll(() => cdn.log.filter((entry) => entry.path === '/shop.vtb').at(-1)?.status).toBe(304);
    await third.waitForTimeout(300);
    expect((await statusOf(third)).bundle).toMatchObject({ source: 'cache', contentHash: after.bundle?.contentHash });
    expect((await statusOf(third)).lastError).toBeNull();

    // Not one request needed a preflight, and nothing warned.
    expect(cdn.log.filter((entry) => entry.method === 'OPTIONS')).toEqual([]);
    expect(await warnings(third)).toEqual([]);
    await context.close();
  });

  test('should keep the cached bundle and say so on the console and in status when revalidation fails', async ({ browser }) => {
    cdn = await startCdn(true);
    cdn.publish(bundleOf('v1', 10));
    shop = await startShopPage(`${cdn.origin}/vitrine/vitrine.js`, `${cdn.origin}/shop.vtb`);
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${shop.origin}/shop.html`);
    const before = await firstLook(first);
    await first.close();
    cdn.fail();
    const returning = await context.newPage();
    const consoleLines: string[] = [];
    returning.on('console', (message) => consoleLines.push(`${message.type()} ${message.text()}`));
    await returning.goto(`${shop.origin}/shop.html`);
    expect(await firstLook(returning)).toEqual({ ...before, source: 'cache' });
    await expect.poll(async () => (await statusOf(returning)).lastError?.code).toBe('BUNDLE_FETCH_FAILED');
    const message = `BUNDLE_FETCH_FAILED: ${cdn.origin}/shop.vtb answered HTTP 503`;
    expect((await statusOf(returning)).lastError?.message).toBe(message);
    expect((await statusOf(returning)).bundle).toMatchObject({ source: 'cache', contentHash: before.contentHash });
    await expect.poll(() => consoleLines).toContain(`warning Vitrine: the cached bundle keeps serving: ${message}`);
    await context.close();
  });

  test('should name CORS when the bundle is on another origin that sends no CORS headers', async ({ page }) => {
    cdn = await startCdn(false);
    cdn.publish(bundleOf('v1', 10));
    shop = await startShopPage('/vitrine/vitrine.js', `${cdn.origin}/shop.vtb`);
    await page.goto(`${shop.origin}/shop.html`);
    expect(await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
    await expect(page.locator('.shop-fallback')).toBeVisible();
    const status = await statusOf(page);
    expect(status.lastError?.code).toBe('BUNDLE_FETCH_FAILED');
    expect(status.lastError?.message).toContain(`${cdn.origin}/shop.vtb is on another origin that does not let this page read it (CORS)`);
    expect(status.lastError?.message).toContain('Access-Control-Allow-Origin');
    expect(await warnings(page)).toEqual([status.lastError?.message]);
    // The diagnosis: the refused GET, then one no-cors HEAD that reached the file.
    expect(cdn.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['GET /shop.vtb', 'HEAD /shop.vtb']);
  });

  test('should name CORS when vitrine.js is on a CDN that sends no CORS headers (the worker cannot start)', async ({ page }) => {
    cdn = await startCdn(false);
    cdn.publish(bundleOf('v1', 10));
    shop = await startShopPage(`${cdn.origin}/vitrine/vitrine.js`, `${cdn.origin}/shop.vtb`);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${shop.origin}/shop.html`);
    expect(await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
    await expect(page.locator('.shop-fallback')).toBeVisible();
    const [warning] = await warnings(page);
    expect(warning).toBe(
      `WORKER_CRASHED: Uncaught Error: ${cdn.origin}/vitrine/${workerFile()} is blocked by CORS: its server must send Access-Control-Allow-Origin`,
    );
    // The classic script loaded without CORS; the worker module's import was refused, the probe reached it.
    expect(cdn.log.some((entry) => entry.method === 'GET' && /^\/vitrine\/assets\/worker-/.test(entry.path))).toBe(true);
    expect(errors).toEqual([]);
  });

  test('should not blame CORS when the CDN sends CORS headers but the worker file is gone', async ({ page }) => {
    cdn = await startCdn(true);
    cdn.publish(bundleOf('v1', 10));
    cdn.hide(/^\/vitrine\/assets\/worker-/);
    shop = await startShopPage(`${cdn.origin}/vitrine/vitrine.js`, `${cdn.origin}/shop.vtb`);
    await page.goto(`${shop.origin}/shop.html`);
    expect(await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
    const [warning] = await warnings(page);
    expect(warning).toMatch(/^WORKER_CRASHED: /);
    expect(warning).not.toMatch(/CORS/);
    // The import's 404, then the CORS check's GET that could read its (404) answer.
    expect(cdn.log.filter((entry) => /^\/vitrine\/assets\/worker-/.test(entry.path)).map((entry) => entry.status)).toEqual([404, 404]);
  });
});
