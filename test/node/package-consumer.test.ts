/**
 * The published package as an app gets it: `npm pack` (after `npm run build`; `npm test` builds
 * first), installed from the tarball into a fresh project next to Preact, then type-checked by the
 * app's own `tsc` under `strict` without `skipLibCheck` (bundler and nodenext resolution), imported
 * and required by Node, and its `vitrine` command run: compiled JavaScript, no TypeScript runner.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const run = promisify(execFile);

/** What an app writes: the engine API and a connected widget, typed; `@ts-expect-error` lines prove the types are not `any`. */
const APP = `
import { createVitrine, isVitrineError, type RecommendResult, type Vitrine } from 'vitrine';
import { Recommendations, RecommendationList } from 'vitrine/widgets';
import { h, render } from 'preact';

const vitrine: Vitrine = createVitrine({ timeoutMs: 10_000 });

export async function firstTitles(): Promise<string[]> {
  await vitrine.load('/vitrine/shop.vtb');
  const result: RecommendResult = await vitrine.recommend({ placement: 'similar', product: 'SKU-1', limit: 4 });
  // @ts-expect-error a placement that does not exist
  await vitrine.recommend({ placement: 'cheapest' });
  // @ts-expect-error an item's title is a string
  const wrong: number = result.items[0]!.title;
  void wrong;
  return result.items.map((item) => item.title);
}

export function mount(element: HTMLElement): void {
  render(
    h('div', null,
      h(Recommendations, { vitrine, placement: 'similar', product: 'SKU-1', limit: 4, onError: (e) => console.info(isVitrineError(e) && e.code) }),
      h(RecommendationList, { placement: 'for_you', items: null, onItemClick: (item) => console.info(item.productId) }),
    ),
    element,
  );
  // @ts-expect-error the widget needs its engine
  h(Recommendations, { placement: 'similar' });
}
`;

/** The Vite preact-ts template's compiler options, without its `skipLibCheck`. */
const BUNDLER = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  module: 'ESNext',
  moduleResolution: 'bundler',
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  moduleDetection: 'force',
  noEmit: true,
  jsx: 'react-jsx',
  jsxImportSource: 'preact',
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  erasableSyntaxOnly: true,
  noFallthroughCasesInSwitch: true,
  noUncheckedSideEffectImports: true,
  skipLibCheck: false,
  types: [],
};

const NODENEXT = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  noEmit: true,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  types: [],
};

describe('the packed package in an app', () => {
  let app = '';
  let tarball = '';
  let installLog = '';

  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'dist/ is missing: run `npm run build` (npm test does it first)').toBe(true);
    app = mkdtempSync(join(tmpdir(), 'vitrine-app-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', app], { cwd: ROOT });
    tarball = join(app, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    // The app's own Preact (the peer dependency): the copy this repository installed, packed, never
    // the network (`npm ci` caches tarballs, not the registry metadata an offline `preact@x` needs).
    const packedPreact = await run('npm', ['pack', '--json', '--pack-destination', app, join(ROOT, 'node_modules/preact')], { cwd: app });
    const preact = join(app, (JSON.parse(packedPreact.stdout) as { filename: string }[])[0]!.filename);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'shop-app',
        private: true,
        type: 'module',
        dependencies: { vitrine: `file:${tarball}`, preact: `file:${preact}` },
      }),
    );
    const { stderr } = await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: app });
    installLog = stderr;
    writeFileSync(join(app, 'app.ts'), APP);
  }, 120_000);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('should install no dependency of its own, no TypeScript runner and no install script', () => {
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/'));
    expect(installed.sort()).toEqual(['node_modules/preact', 'node_modules/vitrine']);
    // No lifecycle script of ours for npm to run or to warn about (`prepare` made npm warn in every app).
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/vitrine/package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[script], script).toBeUndefined();
    expect(installLog).not.toMatch(/vitrine@/);
  });

  for (const [name, options] of [
    ['bundler', BUNDLER],
    ['nodenext', NODENEXT],
  ] as const) {
    it(`should type-check in a strict app with moduleResolution ${name}, without skipLibCheck`, async () => {
      writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: options, files: ['app.ts'] }));
      const result = await run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd: app }).catch(
        (error: { stdout: string; code: number }) => error,
      );
      expect(result.stdout).toBe('');
    }, 120_000);
  }

  it('should import and require the library in Node (the worker starts only on a call)', async () => {
    const script = `
      const esm = await import('vitrine');
      const widgets = await import('vitrine/widgets');
      const { createRequire } = await import('node:module');
      const cjs = createRequire(import.meta.url)('vitrine');
      console.log(JSON.stringify([typeof esm.createVitrine, typeof widgets.Recommendations, typeof cjs.createVitrine, cjs.VitrineError === esm.VitrineError]));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    expect(JSON.parse(stdout)).toEqual(['function', 'function', 'function', true]);
  });

  it('should run the compiled `vitrine` command, finding its wasm kernels in the package', async () => {
    const bin = join(app, 'node_modules/.bin/vitrine');
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await run(bin, ['--version'], { cwd: app })).stdout.trim()).toBe(version);
    expect((await run(bin, ['-v'], { cwd: app })).stdout.trim()).toBe(version);
    // `eval similar` ranks with the engine on the wasm kernels: it fails with WASM_UNAVAILABLE when the package lacks them.
    const { stdout } = await run(bin, ['eval', 'similar', '--catalog', join(ROOT, 'demo/data/products.json')], { cwd: app });
    expect(stdout).toMatch(/similar lists of \d+ products/);
  });
});
