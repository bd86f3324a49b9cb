/**
 * What `npm pack` would publish (after `npm run build`; `npm test` builds first): only what runs,
 * compiled, once. Sources, debug builds, maps, `.wat` and images stay in the repository.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Packed {
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** The packed tarball's budget: ~310 KB at issue 14 (716 KB before, with the TypeScript sources, debug kernels and images). */
const PACKED_BUDGET = 400_000;

describe('the published package', () => {
  let packed: Packed;
  let paths: string[];

  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'dist/ is missing: run `npm run build` (npm test does it first)').toBe(true);
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT });
    packed = (JSON.parse(stdout) as Packed[])[0]!;
    paths = packed.files.map((file) => file.path);
  });

  it('should hold the entry points package.json names, and nothing outside bin/, dist/ and the CLI kernels', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    const named = [
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
    ];
    for (const target of named) expect(paths, target).toContain(target.replace(/^\.\//, ''));
    for (const path of [
      'dist/vitrine.js',
      'dist/vitrine-slots.js',
      'dist/cli/main.js',
      'wasm/build/kernels.simd.wasm',
      'wasm/build/kernels.wasm',
    ])
      expect(paths).toContain(path);
    const outside = paths.filter(
      (path) => !/^(bin\/|dist\/|wasm\/build\/kernels(\.simd)?\.wasm$|README\.md$|LICENSE$|package\.json$)/.test(path),
    );
    expect(outside).toEqual([]);
  });

  it('should hold no TypeScript sources (declarations only), no debug kernels, maps, .wat or images', () => {
    const unwanted = paths.filter(
      (path) => (/\.tsx?$/.test(path) && !path.endsWith('.d.ts')) || /\.debug\.|\.map$|\.wat$|\.(png|jpe?g|gif|webp|svg)$/.test(path),
    );
    expect(unwanted).toEqual([]);
    // Declarations: typed JavaScript for the two entries.
    expect(paths).toContain('dist/types/src/index.d.ts');
    expect(paths).toContain('dist/types/widgets/index.d.ts');
  });

  it('should ship the engine worker and each of its parts once', () => {
    expect(paths.filter((path) => /(^|\/)worker-(?!chunk-)[\w-]+\.js$/.test(path))).toHaveLength(1);
    // No two files with the same bytes, but the CLI's two kernels: it reads them by fixed names, the browser by hashed ones.
    const byContent = new Map<string, string[]>();
    for (const path of paths) {
      const hash = createHash('sha256')
        .update(readFileSync(join(ROOT, path)))
        .digest('hex');
      byContent.set(hash, [...(byContent.get(hash) ?? []), path]);
    }
    const duplicates = [...byContent.values()].filter((group) => group.length > 1);
    const cliKernels = (group: string[]) =>
      group.length === 2 &&
      group.some((path) => path.startsWith('wasm/build/')) &&
      group.some((path) => /^dist\/assets\/kernels/.test(path));
    expect(duplicates.filter((group) => !cliKernels(group))).toEqual([]);
    // Names are content hashes: one name in two folders would be a copy too.
    const names = paths.filter((path) => path.startsWith('dist/assets/')).map((path) => basename(path));
    expect(new Set(names).size).toBe(names.length);
  });

  it(`should weigh at most ${PACKED_BUDGET / 1000} KB packed`, () => {
    console.info(`packed: ${packed.size} B (${packed.unpackedSize} B unpacked, ${packed.files.length} files)`);
    // A real package: an empty or half-built dist/ must not pass as "small".
    expect(packed.size).toBeGreaterThan(100_000);
    expect(packed.size).toBeLessThanOrEqual(PACKED_BUDGET);
  });
});
