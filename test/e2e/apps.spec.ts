/**
 * Issue 14's "Done when": the fixture apps of test/apps/, built from Vitrine's packed tarball by
 * `npm run test:apps` (scripts/build-test-apps.ts; `npm test` runs it before Playwright), each
 * served as its production build is: widgets render recommendations, the engine runs the SIMD
 * WebAssembly kernels (the app's bundler emitted the .wasm files), no console error, and the same
 * again after a reload. Files the app's build lacks answer 404 here, so a missing .wasm shows as
 * the JavaScript kernels and fails the test.
 *
 * - preact-ts: Vite + Preact 10 + TypeScript strict, `import 'vitrine'` and `vitrine/widgets` as
 *   README "2. npm, in an app" says;
 * - webpack-ts: the same code built by webpack 5 (babel-loader for the TypeScript, checked by `tsc`),
 *   which finds the worker and its .wasm files through its own `new URL(…, import.meta.url)` handling;
 * - rollup-ts: the same code built by Rollup 4 (node-resolve, Babel, terser, plugin-html), which emits
 *   them through @web/rollup-plugin-import-meta-assets, the plugin Rollup's users add for such URLs;
 * - react-script-tag: Vite + React, Vitrine's script tag (dist/ from the tarball) and its
 *   `data-vitrine` placeholders rendered by React.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startStaticServer } from '../../demo/serve.ts';
import type { EngineStatus } from '../../src/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface TestApp {
  name: string;
  /** The widgets the app renders, by placement. */
  placements: string[];
  /** The engine's status, as the page can ask for it. */
  status: (page: Page) => Promise<EngineStatus>;
  /**
   * The kernels when every .wasm URL answers a web page: the JavaScript ones, except where the
   * app's Vite inlined the plain build (3 KB, under its 4 KB `assetsInlineLimit`) as a data: URL
   * (webpack and Rollup's import-meta-assets plugin emit every `new URL(…, import.meta.url)` file as a file).
   */
  withoutWasmFiles: 'js' | 'wasm';
}

const APPS: TestApp[] = [
  {
    name: 'preact-ts',
    placements: ['similar', 'for_you'],
    withoutWasmFiles: 'wasm',
    status: (page) => page.evaluate(() => (window as unknown as { vitrineStatus: () => Promise<EngineStatus> }).vitrineStatus()),
  },
  {
    name: 'webpack-ts',
    placements: ['similar', 'for_you'],
    withoutWasmFiles: 'js',
    status: (page) => page.evaluate(() => (window as unknown as { vitrineStatus: () => Promise<EngineStatus> }).vitrineStatus()),
  },
  {
    name: 'rollup-ts',
    placements: ['similar', 'for_you'],
    withoutWasmFiles: 'js',
    status: (page) => page.evaluate(() => (window as unknown as { vitrineStatus: () => Promise<EngineStatus> }).vitrineStatus()),
  },
  {
    name: 'react-script-tag',
    placements: ['similar', 'trending'],
    withoutWasmFiles: 'js',
    status: (page) => page.evaluate(() => (window as unknown as { vitrine: { status: () => Promise<EngineStatus> } }).vitrine.status()),
  },
];

/** Page errors, console errors, and any console warning from Vitrine (e.g. the JavaScript-kernels fallback). */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || (message.type() === 'warning' && /vitrine/i.test(message.text())))
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  return problems;
}

for (const app of APPS) {
  test.describe(`test/apps/${app.name}, built from the packed tarball`, () => {
    const built = join(ROOT, 'test/apps', app.name, 'dist');
    let server: Server;
    let origin: string;

    test.beforeAll(async () => {
      expect(existsSync(join(built, 'index.html')), `${built} is missing: run \`npm run test:apps\` (npm test does it first)`).toBe(true);
      server = await startStaticServer(
        [
          // The demo's bundle (Playwright's web server builds it) and its product images.
          ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
          ['/images/', join(ROOT, 'demo/build/images')],
          ['/', built],
        ],
        0,
      );
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    test.afterAll(async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    });

    test('should render recommendations on the SIMD WebAssembly kernels, with no console error, and again after a reload', async ({
      page,
    }) => {
      const problems = watchConsole(page);
      await page.goto(`${origin}/`);
      for (const round of ['first visit', 'reload']) {
        for (const placement of app.placements) {
          // Locators pierce the widgets' open shadow roots.
          const items = page.locator(`[data-vitrine-placement="${placement}"] [data-vitrine-item]`);
          await expect(items.first(), `${placement} (${round})`).toBeVisible({ timeout: 15_000 });
        }
        const status = await app.status(page);
        expect(status.state, round).toBe('ready');
        expect(status.kernels, round).toBe('wasm-simd');
        expect(status.kernelsFallback, round).toBeNull();
        if (round == 'first visit') await page.reload();
      }
      expect(problems).toEqual([]);
    });

    test('should carry no path of the machine that built it (webpack writes a bare import.meta.url as one)', () => {
      const scripts = readdirSync(built, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      for (const file of scripts) expect(readFileSync(join(built, file), 'utf8'), file).not.toContain('file://');
    });

    test('should say once on the console which .wasm it could not use, when the server answers it with a web page', async ({ page }) => {
      // What a single-page app's server (vite preview, most hosts) answers for a file the build lacks.
      await page.route('**/*.wasm', (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>App</title>' }),
      );
      const warnings: string[] = [];
      page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
      await page.goto(`${origin}/`);
      await expect(page.locator(`[data-vitrine-placement="${app.placements[0]}"] [data-vitrine-item]`).first()).toBeVisible({
        timeout: 15_000,
      });
      const status = await app.status(page);
      expect(status.kernels).toBe(app.withoutWasmFiles);
      const said = warnings.filter((text) => text.includes('README "WebAssembly files"'));
      if (app.withoutWasmFiles == 'js') {
        expect(status.kernelsFallback?.message).toContain('found 3c 21 64 6f');
        expect(said).toHaveLength(1);
        expect(said[0]).toMatch(/found 3c 21 64 6f .*\(http:\/\/127\.0\.0\.1:\d+\/.*\.wasm\)/);
      } else {
        expect(said).toEqual([]);
      }
    });
  });
}
