/**
 * What a visitor downloads, gzip-compressed as a web server sends it (zlib's default level 6):
 * `dist/vitrine.js` (the loader with Preact and the widgets) and the engine (the worker script and
 * the one `.wasm` it picks; counted as the larger of the two builds). Issue 5's budgets: 20 KB and
 * 40 KB; `npm run bench` prints these and a test holds them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Printer } from './printer.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Budgets in bytes (1 KB = 1000 bytes, the stricter reading). */
export const SCRIPT_BUDGET = 20_000;
export const ENGINE_BUDGET = 40_000;

export interface DistSizes {
  metric: 'gzip_bytes';
  script: number;
  worker: number;
  wasm: number;
  /** Worker plus the larger wasm: what one visitor downloads for the engine. */
  engine: number;
  scriptBudget: number;
  engineBudget: number;
}

const gzipped = (file: string): number => gzipSync(readFileSync(file)).byteLength;

/** Sizes of a built `dist/` (`npm run build`). */
export function distSizes(dist: string): DistSizes {
  const assets = readdirSync(join(dist, 'assets'));
  const worker = assets.filter((name) => /^worker-.*\.js$/.test(name)).reduce((sum, name) => sum + gzipped(join(dist, 'assets', name)), 0);
  const wasm = Math.max(0, ...assets.filter((name) => name.endsWith('.wasm')).map((name) => gzipped(join(dist, 'assets', name))));
  return {
    metric: 'gzip_bytes',
    script: gzipped(join(dist, 'vitrine.js')),
    worker,
    wasm,
    engine: worker + wasm,
    scriptBudget: SCRIPT_BUDGET,
    engineBudget: ENGINE_BUDGET,
  };
}

export function sizeLines(sizes: DistSizes): string[] {
  const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;
  const mark = (ok: boolean): string => (ok ? 'ok  ' : 'MISS');
  return [
    '\nDownload sizes (gzip):',
    `  ${mark(sizes.script <= sizes.scriptBudget)} vitrine.js (loader + Preact + widgets): ${kb(sizes.script)} (budget ${kb(sizes.scriptBudget)})`,
    `  ${mark(sizes.engine <= sizes.engineBudget)} engine worker ${kb(sizes.worker)} + wasm ${kb(sizes.wasm)} = ${kb(sizes.engine)} (budget ${kb(sizes.engineBudget)})`,
  ];
}

/** The download sizes of the built dist/, or a note that there is none to measure. */
export function printSizes(out: Printer): void {
  if (!existsSync(`${DIST}vitrine.js`)) return out.note('note: download sizes skipped: no dist/ (run `npm run build`)', { note: 'sizes skipped' });
  const sizes = distSizes(DIST);
  out.note(sizeLines(sizes).join('\n'), sizes);
}
