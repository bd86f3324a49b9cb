/**
 * Checks what `npm run build` leaves in dist/ (`npm test` builds first). Without a build the tests
 * fail with a hint rather than skip: a missing dist/ is exactly what they exist to catch.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const HINT = 'dist/ is missing or stale: run `npm run build` (npm test does it first)';

function assetsIn(dir: string): string[] {
  expect(existsSync(dir), HINT).toBe(true);
  return readdirSync(dir);
}

function only(files: string[], pattern: RegExp): string {
  const matches = files.filter((file) => pattern.test(file));
  expect(matches, `${HINT}; expected one file matching ${pattern}`).toHaveLength(1);
  return matches[0]!;
}

/** The hash-named files each build emits next to its entry: the worker, its lazy chunks, the two wasm builds. */
function hashedAssets(dir: string): { worker: string; chunks: string[]; simd: string; plain: string } {
  const files = assetsIn(dir);
  return {
    worker: only(files, /^worker-(?!chunk-)[\w-]{6,}\.js$/),
    chunks: files.filter((file) => /^worker-chunk-[\w-]+\.js$/.test(file)),
    simd: only(files, /^kernels\.simd-[\w-]{6,}\.wasm$/),
    plain: only(files, /^kernels-[\w-]{6,}\.wasm$/),
  };
}

describe('build output', () => {
  it('should emit dist/vitrine.js as a classic script referencing its worker by a URL relative to itself', () => {
    const { worker } = hashedAssets(`${DIST}assets`);
    const script = readFileSync(`${DIST}vitrine.js`, 'utf8');
    // A classic script: no module syntax, no import.meta (invalid outside modules).
    expect(script).not.toMatch(/\bimport\.meta\b|^\s*(import|export)\s/m);
    expect(script).toContain(`\`assets/${worker}\``);
    expect(script).not.toContain(`/assets/${worker}`);
    // ...resolved against the script's own URL, captured while it first runs.
    expect(script).toContain('document.currentScript');
  });

  it('should give the worker the wasm kernels as separate hashed files next to it', () => {
    const { worker, chunks, simd, plain } = hashedAssets(`${DIST}assets`);
    const code = readFileSync(`${DIST}assets/${worker}`, 'utf8');
    // Its lazily loaded parts sit next to it and are imported relative to it (or to the part that needs them, e.g. the bandit kernels by the bandits), when needed.
    expect(chunks.length).toBeGreaterThan(0);
    const importers = [code, ...chunks.map((chunk) => readFileSync(`${DIST}assets/${chunk}`, 'utf8'))];
    const lazyParts = importers.slice(1);
    for (const chunk of chunks) {
      const name = chunk.replace('.', '\\.');
      const imported = new RegExp(`import\\(\\s*["'\`]\\./${name}["'\`]\\s*\\)`);
      // Or code that lazy parts share (e.g. sending statistics): imported statically by them only, never by the worker itself.
      const shared = new RegExp(`from\\s*["'\`]\\./${name}["'\`]`);
      expect(
        importers.some((importer) => imported.test(importer)) || (!shared.test(code) && lazyParts.some((part) => shared.test(part))),
        chunk,
      ).toBe(true);
    }
    expect(code).toContain(`\`${simd}\``);
    expect(code).toContain(`\`${plain}\``);
    expect(code).toContain('import.meta.url');
    // Real wasm binaries, not inlined data URLs.
    expect(code).not.toContain('data:application/wasm');
    const magic = readFileSync(`${DIST}assets/${simd}`).subarray(0, 4);
    expect([...magic]).toEqual([0x00, 0x61, 0x73, 0x6d]);
  });

  it('should emit the library entry dist/lib/vitrine.mjs that package.json exports, starting a worker of its own that needs no chunks beside it', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: { '.': { import: string } };
    };
    expect(pkg.exports['.'].import).toBe('./dist/lib/vitrine.mjs');
    // The wasm ships once, in dist/assets/, for both; the library's worker is a file of its own there.
    const { simd, plain } = hashedAssets(`${DIST}assets`);
    expect(existsSync(`${DIST}lib/assets`)).toBe(false);
    const worker = only(assetsIn(`${DIST}assets`), /^library-worker-[\w-]{6,}\.js$/);
    const lib = readFileSync(`${DIST}lib/vitrine.mjs`, 'utf8');
    expect(lib).toMatch(/export\s*\{[^}]*\bcreateVitrine\b/);
    // The worker and its .wasm files, each named where an app's bundler reads it (`./` first: webpack
    // takes a bare `assets/…` for a package), so the app's build emits them (issue 14).
    for (const file of [worker, simd, plain]) expect(lib).toContain(`new URL(\`./../assets/${file}\`,import.meta.url)`);
    // And `import.meta.url` nowhere else: webpack writes a bare one into the app's bundle as the
    // build machine's file:// path (Vite's `new URL(…, '' + import.meta.url)` wrapper did that).
    const named = lib.match(/new URL\(`\.\/[^`]+`,import\.meta\.url\)/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    expect(lib.split('import.meta.url').length - 1).toBe(named.length);
    // The app's bundler copies the worker without reading it: it imports no chunk that would be missing.
    expect(readFileSync(`${DIST}assets/${worker}`, 'utf8')).not.toMatch(/import\(\s*["'`]\.\/worker-chunk-/);
    // Importable as a module in Node (no worker is started until a call is made).
    const mod = (await import(`${DIST}lib/vitrine.mjs`)) as Record<string, unknown>;
    expect(typeof mod.createVitrine).toBe('function');
    expect(typeof mod.VitrineError).toBe('function');
  });

  it('should emit dist/lib/widgets.mjs for `vitrine/widgets`, importing Preact from the app rather than bundling it', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, { import: string; types: string }>;
      peerDependencies: Record<string, string>;
    };
    expect(pkg.exports['./widgets']).toEqual({
      types: './dist/types/widgets/index.d.ts',
      import: './dist/lib/widgets.mjs',
      default: './dist/lib/widgets.mjs',
    });
    expect(pkg.peerDependencies.preact).toBe('^10.0.0 || ^11.0.0');
    const code = readFileSync(`${DIST}lib/widgets.mjs`, 'utf8');
    expect(code).toMatch(/from\s*["']preact["']/);
    expect(code).toMatch(/from\s*["']preact\/hooks["']/);
    // Preact's own source is not in it (it marks its vnodes with this symbol).
    expect(code).not.toMatch(/Symbol\.for\(["'`]pv["'`]\)/);
    const mod = (await import(`${DIST}lib/widgets.mjs`)) as Record<string, unknown>;
    for (const name of ['Recommendations', 'RecommendationList', 'WhyButton', 'PrivacyPanel', 'mountWidget'])
      expect(typeof mod[name], name).toBe('function');
  });

  it('should ship no test-only fault hooks (RELIABILITY.md "fault-injection surface": S5, S7, S8, W7)', () => {
    const files = [
      `${DIST}vitrine.js`,
      `${DIST}vitrine-slots.js`,
      `${DIST}vitrine-privacy.js`,
      `${DIST}vitrine-templates.js`,
      `${DIST}lib/vitrine.mjs`,
    ];
    for (const dir of [`${DIST}assets/`, `${DIST}lib/`, `${DIST}cli/`]) {
      for (const file of assetsIn(dir)) if (file.endsWith('.js') || file.endsWith('.mjs')) files.push(dir + file);
    }
    for (const file of new Set(files)) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toContain('__vitrineTest');
      // Test code is never bundled: the W7 test swaps kernel exports with a helper of this name.
      expect(code, file).not.toMatch(/\bsabotage\b/);
      for (const hook of [
        'openNeverSettles',
        'failMigration',
        'delayInsideTx',
        'terminateAfterPut',
        'injected migration fault',
        'advanceBanditClock',
      ]) {
        expect(code.includes(hook), `${hook} in ${file}`).toBe(false);
      }
    }
  });
});
