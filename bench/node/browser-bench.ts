/**
 * `npm run bench:browser`, the Playwright driver: serves bench/browser/ with Vite on loopback, opens it in headless
 * Chromium (Playwright, Debian's binary) and prints what the page's worker measures: the kernel
 * scans, the time to load a 100k bundle, full recommendation requests on a realistic one,
 * bursts of `track()` on the built script tag (./burst-bench.ts), and first visits with the head
 * part under throttled 4G (./first-visit-bench.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.ts';
import { VitrineError } from '../../src/shared/errors.ts';
import type { BrowserBenchOptions, BenchMessage } from '../browser/bench-protocol.ts';
import type { BenchRow } from '../cases/kernel-scan.ts';
import type { RecommendRow } from '../cases/recommend-requests.ts';
import { minimalBundle, syntheticBundle } from '../cases/synthetic-bundle.ts';
import { recommendTargetLine, targetLines } from '../cases/targets.ts';
import { burstText, measureBursts } from './burst-bench.ts';
import { firstVisitText, measureFirstVisits } from './first-visit-bench.ts';
import { printSizes } from './download-sizes.ts';
import type { BenchOptions } from './options.ts';
import { printer } from './printer.ts';
import { firstRequestText, profileLines, recommendHeader, recommendJson, recommendTableRow } from './row-format.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE_PATH = '/__bench/bundle-100000x64.vtb';
const CATALOG_PATH = '/__bench/catalog-100000x64.vtb';
/** Where the built dist/ and bench/browser/embed.html are served raw. */
const EMBED_PATH = '/__embed';
/** Bench pages served from bench/browser/ next to dist/. */
const EMBED_PAGES = ['embed.html', 'burst.html'];
const EMBED_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
/** Timed requests per recommendation case, after warm-up. */
const RECOMMEND_RUNS = 250;

export async function runBrowserBench(options: BenchOptions): Promise<number> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright');
  const out = printer(options.json);
  if (options.c || options.recall) out.note('note: the C baseline and int8 recall run in Node only (`npm run bench`)');
  const bundles: Record<string, Uint8Array> = { [BUNDLE_PATH]: minimalBundle(100_000, 64), [CATALOG_PATH]: syntheticBundle(100_000, 64) };
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    // Cross-origin isolation lifts Chromium's 100 µs timer clamp to 5 µs: sub-millisecond medians need it.
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
    plugins: [
      {
        name: 'vitrine-bench-bundle',
        configureServer(s) {
          for (const [path, bundle] of Object.entries(bundles)) {
            s.middlewares.use(path, (_req, res) => {
              res.setHeader('content-type', 'application/octet-stream');
              res.end(Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength));
            });
          }
          // The built script tag and its page as a shop serves them: untouched by Vite's dev
          // transforms and without its client script, so every main-thread task is the page's or Vitrine's.
          s.middlewares.use(EMBED_PATH, (req, res) => {
            const name = (req.url ?? '/').split('?')[0]!.slice(1);
            const page = EMBED_PAGES.includes(name);
            const file = page ? join(ROOT, 'bench/browser', name) : join(ROOT, 'dist', normalize(name));
            if (!(page || file.startsWith(join(ROOT, 'dist'))) || !existsSync(file)) {
              res.statusCode = 404;
              return res.end();
            }
            res.setHeader('content-type', EMBED_TYPES[extname(file)] ?? 'application/octet-stream');
            res.end(readFileSync(file));
          });
        },
      },
    ],
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new VitrineError('INPUT_BAD_OPTION', 'bench server did not get a port');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const rows: BenchRow[] = [];
  const recommendRows: RecommendRow[] = [];
  try {
    const page = await browser.newPage();
    const finished = new Promise<void>((resolve, reject) => {
      void page.exposeFunction('benchReport', (message: BenchMessage) => {
        if (message.type === 'row') {
          const row = { ...message.row, impl: message.row.impl };
          rows.push(row);
          out.row(row);
        } else if (message.type === 'load') {
          const m = message.metric;
          const what = m.bundle === 'minimal' ? 'bundle' : 'realistic bundle (graphs, sessions)';
          out.note(
            `\nload a ${m.n} x ${m.d} ${what} (${(m.bytes / 1e6).toFixed(1)} MB) into the worker: decodeBundle + setMatrix ` +
              `median ${m.median_ms.toFixed(1)} ms (decode ${m.decode_median_ms.toFixed(1)} ms, setMatrix ${m.set_matrix_median_ms.toFixed(1)} ms), ` +
              `p99 ${m.p99_ms.toFixed(1)} ms; target < 100 ms: ${m.median_ms < 100 ? 'ok' : 'MISS'}`,
            m,
          );
        } else if (message.type === 'recommend') {
          if (recommendRows.length === 0)
            out.note(
              `\nfull requests through the engine (visitor: 10 views + 1 cart item), ${RECOMMEND_RUNS} runs after warm-up:\n${recommendHeader()}`,
            );
          recommendRows.push(message.row);
          out.note(recommendTableRow(message.row), recommendJson(message.row));
        } else if (message.type === 'profile') {
          if (message.steps[0]?.case === recommendRows[0]?.case)
            out.note(
              '\nwhere one request goes (medians of each traced step of the real request; "for_you: …" = a fallback strategy; rest = after the last step):',
            );
          // JSON mode prints a note's data only: one line per step.
          if (options.json) for (const step of message.steps) out.note('', recommendJson(step));
          else out.note(profileLines(message.steps).join('\n'));
        } else if (message.type === 'first') {
          out.note(firstRequestText(message.metric), recommendJson(message.metric));
        } else if (message.type === 'done') resolve();
        else reject(new VitrineError('WORKER_CRASHED', `browser bench failed: ${message.message}`));
      });
    });
    const browserOptions: BrowserBenchOptions = {
      ns: options.ns,
      ds: options.ds,
      dtypes: options.dtypes,
      impls: options.impls,
      budgetMs: options.budgetMs,
      bundleUrl: BUNDLE_PATH,
      catalogUrl: CATALOG_PATH,
      recommendRuns: RECOMMEND_RUNS,
    };
    page.on('pageerror', (error) => out.note(`page error: ${error.message}`));
    await page.goto(
      `http://127.0.0.1:${address.port}/bench/browser/index.html?options=${encodeURIComponent(JSON.stringify(browserOptions))}`,
    );
    await finished;
    if (options.ns.includes(100_000) && options.ds.includes(64)) {
      const metric = await measureLongTasks(browser, `http://127.0.0.1:${address.port}`);
      out.note(longTaskText(metric), metric);
    }
    out.note('\nbursts of track() on the script tag (issue 12, RELIABILITY S13):');
    for (const metric of await measureBursts(browser, `http://127.0.0.1:${address.port}${EMBED_PATH}/burst.html`))
      out.note(burstText(metric), metric);
    out.note('\nfirst visit and warm cache on throttled 4G (9 Mbit/s, 170 ms RTT), realistic bundles and their head parts (issue 16):');
    for (const metric of await measureFirstVisits(browser)) out.note(firstVisitText(metric), metric);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const line of targetLines(rows, undefined)) out.note(line.text, line.data);
  const recommendTarget = recommendTargetLine(recommendRows);
  if (recommendTarget) out.note(`\n${recommendTarget.text}`, recommendTarget.data);
  printSizes(out);
  return 0;
}

/** Issue 5: no main-thread task over 50 ms while the script tag loads a 100k bundle and fills its widgets. */
export interface LongTaskMetric {
  metric: 'main_thread_long_tasks';
  n: number;
  /** From navigation until every placeholder showed its items, ms. */
  widgets_ready_ms: number;
  /** Long tasks (> 50 ms, the browser's own threshold) on the page's main thread, and the longest. */
  count: number;
  max_ms: number;
  ok: boolean;
}

/**
 * Opens bench/browser/embed.html (the built dist/vitrine.js, the realistic 100000-product bundle and
 * one placeholder per placement) with a buffered PerformanceObserver for \`longtask\` installed before
 * any script, waits until every widget shows items, then one more second.
 */
async function measureLongTasks(browser: Browser, origin: string): Promise<LongTaskMetric> {
  const page = await browser.newPage();
  // Page-side code as text: this file is type-checked for Node, without the DOM.
  await page.addInitScript({
    content: `window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });`,
  });
  const started = Date.now();
  await page.goto(`${origin}${EMBED_PATH}/embed.html`);
  await page.waitForFunction(
    `[...document.querySelectorAll('[data-vitrine]:not([data-vitrine="privacy-panel"])')]
      .every((host) => (host.shadowRoot?.querySelectorAll('[data-vitrine-item]').length ?? 0) > 0)`,
    undefined,
    { timeout: 120_000, polling: 20 },
  );
  const ready = Date.now() - started;
  await page.waitForTimeout(1_000);
  const tasks = (await page.evaluate('window.longTasks')) as { start: number; duration: number }[];
  await page.close();
  const durations = tasks.map((task) => task.duration);
  const max = Math.max(0, ...durations);
  return {
    metric: 'main_thread_long_tasks',
    n: 100_000,
    widgets_ready_ms: ready,
    count: durations.length,
    max_ms: +max.toFixed(1),
    ok: durations.length === 0,
  };
}

function longTaskText(m: LongTaskMetric): string {
  return (
    `\nscript tag + ${m.n}-product bundle + 6 widgets: all widgets filled ${m.widgets_ready_ms} ms after navigation; ` +
    `main-thread long tasks (> 50 ms): ${m.count}${m.count ? `, longest ${m.max_ms} ms` : ''} — target none: ${m.ok ? 'met' : 'NOT met'}`
  );
}
