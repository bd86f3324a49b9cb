/**
 * `vitrine bench --browser`: serves bench/browser/ with Vite on loopback, opens it in headless
 * Chromium (Playwright, Debian's binary) and prints what the page's worker measures.
 */
import { fileURLToPath } from 'node:url';
import { VitrineError } from '../../shared/errors.ts';
import type { BrowserBenchOptions, BenchMessage } from './browser-protocol.ts';
import { printer, type BenchOptions } from './run.ts';
import type { BenchRow } from './scan-bench.ts';
import { syntheticBundle } from './synthetic-bundle.ts';
import { targetLines } from './targets.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Chromium's background services would try to reach Google; these machines have no network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const BUNDLE_PATH = '/__bench/bundle-100000x64.vtb';

export async function runBrowserBench(options: BenchOptions): Promise<number> {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright');
  const out = printer(options.json);
  if (options.c || options.recall) out.note('note: the C baseline and int8 recall run in Node only (`npm run bench`)');
  const bundle = syntheticBundle(100_000, 64);
  const server = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    // Cross-origin isolation lifts Chromium's 100 µs timer clamp to 5 µs: sub-millisecond medians need it.
    server: { host: '127.0.0.1', port: 0, strictPort: false, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
    plugins: [
      {
        name: 'vitrine-bench-bundle',
        configureServer(s) {
          s.middlewares.use(BUNDLE_PATH, (_req, res) => {
            res.setHeader('content-type', 'application/octet-stream');
            res.end(Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength));
          });
        },
      },
    ],
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new VitrineError('INPUT_BAD_OPTION', 'bench server did not get a port');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const rows: BenchRow[] = [];
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
          out.note(
            `\nload a ${m.n} x ${m.d} bundle (${(m.bytes / 1e6).toFixed(1)} MB) into the worker: decodeBundle + setMatrix ` +
              `median ${m.median_ms.toFixed(1)} ms (decode ${m.decode_median_ms.toFixed(1)} ms, setMatrix ${m.set_matrix_median_ms.toFixed(1)} ms), ` +
              `p99 ${m.p99_ms.toFixed(1)} ms; target < 100 ms: ${m.median_ms < 100 ? 'ok' : 'MISS'}`,
            m,
          );
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
    };
    page.on('pageerror', (error) => out.note(`page error: ${error.message}`));
    await page.goto(`http://127.0.0.1:${address.port}/bench/browser/index.html?options=${encodeURIComponent(JSON.stringify(browserOptions))}`);
    await finished;
  } finally {
    await browser.close();
    await server.close();
  }
  for (const line of targetLines(rows, undefined)) out.note(line.text, line.data);
  return 0;
}
