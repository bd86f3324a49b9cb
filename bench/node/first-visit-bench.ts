/**
 * Issue 16, measured: the built script tag on a shop page with realistic bundles (graphs, sessions)
 * of 10k and 100k products and their head parts, served gzip-compressed by a loopback server (as a
 * CDN would) with cross-origin isolation. For each size:
 * - first visit under throttled 4G (9 Mbit/s down, 170 ms RTT, Chromium's network emulation through
 *   CDP `Network.emulateNetworkConditions`): time from the script tag's request until the first
 *   widget shows items, and bytes on the wire (encoded bodies) of the requests finished by then;
 * - warm cache (the full bundle in Cache Storage, Vitrine's files in the HTTP cache), same throttling:
 *   the head part serves first when it is in before the cached bundle has been read;
 * - the worker's memory once the full bundle serves (`performance.measureUserAgentSpecificMemory`,
 *   which cross-origin isolation allows: the dedicated worker's share).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright';
import { headBundleInput } from '../../src/cli/bundle-builder/head-part.ts';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { readHeader } from '../../src/shared/bundle/table.ts';
import { syntheticBundleInput } from '../cases/synthetic-bundle.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
export const FIRST_VISIT_SIZES = [10_000, 100_000];
/** Chromium's emulation takes bytes per second and a one-way latency added per request (the RTT). */
const THROTTLED_4G = { offline: false, latency: 170, downloadThroughput: (9e6 / 8) | 0, uploadThroughput: (9e6 / 8) | 0 };

export interface FirstVisitMetric {
  metric: 'first_visit';
  n: number;
  cache: 'cold' | 'warm';
  /** From the script tag's request until the first widget shows items, ms. */
  first_widget_ms: number;
  /** When the bundle part that served the first widget was in (its response's end), ms after the script tag's request: the rest is CPU. */
  bundle_received_ms: number;
  /** Encoded body bytes of the requests finished before the first widget filled (script, worker, wasm, bundle parts). */
  bytes_before_first_widget: number;
  /** Which part served the first widget, and the bundle files' wire sizes. */
  part: string;
  head_gzip_bytes: number;
  full_gzip_bytes: number;
  full_raw_bytes: number;
}

export interface WorkerMemoryMetric {
  metric: 'worker_memory';
  n: number;
  /** The dedicated worker's bytes from `performance.measureUserAgentSpecificMemory()` with the full bundle serving. */
  worker_bytes: number;
  ok: boolean;
}

interface Files {
  [path: string]: { body: Buffer; gzip: boolean; etag: string };
}

const PAGE = (n: number) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/vitrine/vitrine.js" data-bundle="/b/shop-${n}.vtb" data-bundle-head="/b/shop-${n}.head.vtb" async></script></head><body>
<div data-vitrine="trending" data-limit="6"></div><div data-vitrine="for_you" data-limit="6"></div>
<div data-vitrine="now_reduced" data-limit="6"></div></body></html>`;

/** When the first placeholder shows items (Date.now()), set by a poll installed before any script. */
const WATCH_WIDGETS = `window.firstWidgetAt = 0;
  const poll = setInterval(() => {
    for (const host of document.querySelectorAll('[data-vitrine]'))
      if (host.shadowRoot && host.shadowRoot.querySelector('[data-vitrine-item]')) { window.firstWidgetAt = Date.now(); clearInterval(poll); return; }
  }, 5);`;

async function startServer(files: Files): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://bench').pathname;
    const page = /^\/page-(\d+)\.html$/.exec(path);
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    if (page) {
      res.writeHead(200, { ...isolation, 'content-type': 'text/html', 'cache-control': 'no-store' });
      return res.end(PAGE(Number(page[1])));
    }
    let file = files[path];
    if (!file && path.startsWith('/vitrine/')) {
      const name = join(DIST, normalize(path.slice('/vitrine/'.length)));
      if (name.startsWith(DIST) && existsSync(name)) {
        const body = readFileSync(name);
        file = files[path] = { body: gzipSync(body, { level: 9 }), gzip: true, etag: `"${body.length}"` };
      }
    }
    if (!file) {
      res.writeHead(404, isolation);
      return res.end();
    }
    const headers = {
      ...isolation,
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-encoding': 'gzip',
      etag: file.etag,
      // Vitrine's files: hashed names, cached an hour; bundles: revalidated on every use.
      'cache-control': path.startsWith('/b/') ? 'no-cache' : 'max-age=3600',
    };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      return res.end();
    }
    res.writeHead(200, { ...headers, 'content-length': String(file.body.length) });
    res.end(file.body);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

/** The full bundle and its head part for `n` products, gzipped once. */
function bundleFiles(n: number): { files: Files; headGzip: number; fullGzip: number; fullRaw: number } {
  const input = syntheticBundleInput(n, 64);
  const full = encodeBundle(input);
  const contentHash = readHeader(full).storedChecksum.toString(16).padStart(8, '0');
  const head = encodeBundle(headBundleInput(input, { contentHash, bytes: full.length }));
  const fullGzip = gzipSync(full, { level: 6 });
  const headGzip = gzipSync(head, { level: 9 });
  return {
    files: {
      [`/b/shop-${n}.vtb`]: { body: fullGzip, gzip: true, etag: `"${contentHash}"` },
      [`/b/shop-${n}.head.vtb`]: { body: headGzip, gzip: true, etag: `"head-${contentHash}"` },
    },
    headGzip: headGzip.length,
    fullGzip: fullGzip.length,
    fullRaw: full.length,
  };
}

/** Opens the page with throttled 4G and waits for the first widget; bytes of the requests finished by then. */
interface Visit {
  ms: number;
  bytes: number;
  part: string;
  /** See `bundle_received_ms` (-1: not fetched, e.g. from Cache Storage). */
  received: number;
  page: Page;
}

async function visit(context: BrowserContext, origin: string, n: number): Promise<Visit> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', THROTTLED_4G);
  const finished: { url: string; end: number; bytes: number }[] = [];
  // Vitrine's own requests (its files and the bundle parts): the page and the product images are the shop's.
  page.on('requestfinished', (request) => {
    if (!/\/(vitrine|b)\//.test(new URL(request.url()).pathname)) return;
    void Promise.all([request.sizes(), request.response()]).then(
      ([sizes, response]) => {
        // Negative: from the HTTP cache. A module worker's script reports 0: its Content-Length (absent on a 304) says it.
        const size = sizes.responseBodySize;
        const bytes = size < 0 ? 0 : size || Number(response?.headers()['content-length'] ?? 0);
        finished.push({ url: request.url(), end: request.timing().startTime + request.timing().responseEnd, bytes });
      },
      () => undefined,
    );
  });
  await page.addInitScript({ content: WATCH_WIDGETS });
  await page.goto(`${origin}/page-${n}.html`);
  await page.waitForFunction('window.firstWidgetAt > 0', undefined, { timeout: 120_000, polling: 20 });
  const { firstWidgetAt, scriptStart, part } = (await page.evaluate(`(async () => {
    const script = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('/vitrine.js'));
    const status = await window.vitrine.status();
    return { firstWidgetAt: window.firstWidgetAt, scriptStart: performance.timeOrigin + script.startTime, part: status.bundle.part };
  })()`)) as { firstWidgetAt: number; scriptStart: number; part: string };
  await page.waitForTimeout(200); // late requestfinished events
  const before = finished.filter((request) => request.end <= firstWidgetAt);
  const bytes = before.reduce((sum, request) => sum + request.bytes, 0);
  // The part that served: the head part's file, or the full bundle's (whose name the head part's also ends with).
  const bundle = before.filter((request) => request.url.endsWith(part === 'head' ? '.head.vtb' : `shop-${n}.vtb`)).at(-1);
  return { ms: Math.round(firstWidgetAt - scriptStart), bytes, part, page, received: bundle ? Math.round(bundle.end - scriptStart) : -1 };
}

/** Until the full bundle serves (status() is asynchronous: waitForFunction would take its promise for a truthy value). */
async function waitForFull(page: Page): Promise<void> {
  await page.evaluate(`(async () => {
    while ((await window.vitrine.status()).bundle?.part !== 'full') await new Promise((resolve) => setTimeout(resolve, 250));
  })()`);
}

export async function measureFirstVisits(browser: Browser, sizes = FIRST_VISIT_SIZES): Promise<(FirstVisitMetric | WorkerMemoryMetric)[]> {
  const metrics: (FirstVisitMetric | WorkerMemoryMetric)[] = [];
  for (const n of sizes) {
    const { files, headGzip, fullGzip, fullRaw } = bundleFiles(n);
    const server = await startServer(files);
    const context = await browser.newContext();
    try {
      const row = (cache: 'cold' | 'warm', measured: Visit): FirstVisitMetric => ({
        metric: 'first_visit',
        n,
        cache,
        first_widget_ms: measured.ms,
        bundle_received_ms: measured.received,
        bytes_before_first_widget: measured.bytes,
        part: measured.part,
        head_gzip_bytes: headGzip,
        full_gzip_bytes: fullGzip,
        full_raw_bytes: fullRaw,
      });
      const cold = await visit(context, server.origin, n);
      metrics.push(row('cold', cold));
      // The full bundle arrives (throttled: a while), is cached; then the worker's memory.
      await waitForFull(cold.page);
      const workerBytes = (await cold.page.evaluate(`(async () => {
        const result = await performance.measureUserAgentSpecificMemory();
        return result.breakdown
          .filter((entry) => entry.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
          .reduce((sum, entry) => sum + entry.bytes, 0);
      })()`)) as number;
      metrics.push({ metric: 'worker_memory', n, worker_bytes: workerBytes, ok: workerBytes <= 150e6 });
      await cold.page.close();
      const warm = await visit(context, server.origin, n);
      metrics.push(row('warm', warm));
      await warm.page.close();
    } finally {
      await context.close();
      await server.close();
    }
  }
  return metrics;
}

export function firstVisitText(m: FirstVisitMetric | WorkerMemoryMetric): string {
  if (m.metric === 'worker_memory')
    return `${String(m.n).padStart(7)} products: worker memory with the full bundle serving ${(m.worker_bytes / 1e6).toFixed(1)} MB — target ≤ 150 MB: ${m.ok ? 'met' : 'NOT met'}`;
  const kb = (bytes: number) => `${(bytes / 1e3).toFixed(0)} KB`;
  return (
    `${String(m.n).padStart(7)} products, ${m.cache.padEnd(4)} cache: first widget ${String(m.first_widget_ms).padStart(5)} ms after the script tag ` +
    `(${m.part}${m.bundle_received_ms >= 0 ? ` received at ${m.bundle_received_ms} ms` : ' from Cache Storage'}), ${kb(m.bytes_before_first_widget).padStart(8)} before it — head ${kb(m.head_gzip_bytes)} gzip, full ${kb(m.full_gzip_bytes)} gzip (${(m.full_raw_bytes / 1e6).toFixed(1)} MB raw)` +
    (m.cache === 'cold'
      ? `; targets ≤ 1500 ms: ${m.first_widget_ms <= 1500 ? 'met' : 'NOT met'}, ≤ 300 KB: ${m.bytes_before_first_widget <= 300e3 ? 'met' : 'NOT met'}`
      : '')
  );
}
