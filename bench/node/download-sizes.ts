/**
 * What a visitor downloads, gzip-compressed as a web server sends it (zlib's default level 6):
 * `dist/vitrine.js` (the loader with Preact and the widgets) and the engine (the worker script with
 * every chunk it imports statically, and the one `.wasm` it picks; counted as the larger of the two
 * builds). Issue 5's budgets: 20 KB and 40 KB. Parts of the worker that only some pages need load
 * lazily (`import()`) as chunks named for what they hold, each with a budget of its own.
 * `npm run bench` prints these and a test holds them.
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
/** Scripts of their own next to vitrine.js, which it adds to a page only when the page needs them. */
export const PAGE_SCRIPT_BUDGETS: Readonly<Record<string, { budget: number; what: string }>> = {
  'vitrine-slots.js': { budget: 3_000, what: 'experiments: content slots and placeholder variants (pages with one)' },
  'vitrine-privacy.js': { budget: 4_000, what: 'the privacy panel (pages that show it, or a "Manage my data" click)' },
  'vitrine-templates.js': { budget: 1_500, what: 'placeholder templates (pages whose placeholders hold a <template>)' },
};
/** Lazily loaded worker chunks, by the name of their module. */
export const LAZY_BUDGETS: Readonly<Record<string, { budget: number; what: string }>> = {
  rights: { budget: 3_000, what: 'visitor rights: profile export and summary (the privacy panel)' },
  'reference-kernels': { budget: 2_000, what: 'JavaScript kernels (only where the page refuses WebAssembly or lacks its .wasm files)' },
  integrity: { budget: 1_000, what: 'the bundle integrity check (only where the shop declares a hash)' },
  measurement: { budget: 1_500, what: 'aggregate measurement (only where the shop configures an endpoint)' },
  'statistics-post': {
    budget: 500,
    what: 'sending aggregate statistics, shared by measurement and the arm counts (only with an endpoint and measurement consent)',
  },
  'bandit-kernels': { budget: 2_700, what: 'bandit kernels loader and TypeScript policies (only where a page runs a bandit)' },
  'bandit.wasm': { budget: 2_800, what: 'bandit kernels wasm, the larger build (only where a page runs a bandit)' },
  'rest-download': {
    budget: 600,
    what: 'the full bundle after its head part: Save-Data, data-max-download, swap and cache (only first visits that found a head part)',
  },
  'stored-profile': {
    budget: 3_500,
    what: 'the stored profile: IndexedDB, its transactions and idb (only once a visitor grants personalization consent)',
  },
  'cors-check': { budget: 500, what: 'naming CORS as the cause of a failed cross-origin bundle fetch (only after such a failure)' },
  'legacy-reader': {
    budget: 1_500,
    what: 'bundle layouts older than format 4, kind 12 sessions, f32 graphs, product-quantised vectors (only bundles not rebuilt since, or built with those options)',
  },
  bandits: {
    budget: 7_000,
    what: 'bandits: on-device experiments, the priors file, the arm counts (only pages with experiments or content slots)',
  },
};

export interface DistSizes {
  metric: 'gzip_bytes';
  script: number;
  /** Each page-side script vitrine.js adds when needed (`PAGE_SCRIPT_BUDGETS`), by file name; absent when not built. */
  pageScripts: Record<string, number>;
  worker: number;
  wasm: number;
  /** Worker plus the larger wasm: what one visitor downloads for the engine. */
  engine: number;
  scriptBudget: number;
  engineBudget: number;
  /** Each lazily loaded worker chunk by module name (`worker-chunk-<name>-<hash>.js`). */
  lazy: Record<string, number>;
}

const gzipped = (file: string): number => gzipSync(readFileSync(file)).byteLength;

/** Sizes of a built `dist/` (`npm run build`). */
export function distSizes(dist: string): DistSizes {
  const folder = join(dist, 'assets');
  const assets = readdirSync(folder);
  const entry = assets.find((name) => /^worker-(?!chunk-).*\.js$/.test(name));
  const loaded = entry ? staticClosure(folder, entry) : new Set<string>();
  const worker = [...loaded].reduce((sum, name) => sum + gzipped(join(folder, name)), 0);
  const lazy: Record<string, number> = {};
  for (const name of assets) {
    // The hash is 8 characters and may itself hold a '-' (rolldown's base64url): `rights-7Q-7DrEB`.
    const chunk = /^worker-chunk-(.+)-[\w-]{8}\.js$/.exec(name);
    if (chunk && !loaded.has(name)) lazy[chunk[1]!] = (lazy[chunk[1]!] ?? 0) + gzipped(join(folder, name));
  }
  // The engine's wasm is the scoring kernels; other modules (bandit.wasm) load lazily, the larger build counted.
  // `kernels.simd-<hash>.wasm`, `kernels-<hash>.wasm`: the module name is what precedes the first '.' or '-'.
  const wasmFiles = assets.filter((name) => name.endsWith('.wasm'));
  const moduleOf = (name: string): string => name.split(/[.-]/)[0]!;
  const wasmSize = (module: string): number =>
    Math.max(0, ...wasmFiles.filter((name) => moduleOf(name) === module).map((name) => gzipped(join(folder, name))));
  const wasm = wasmSize('kernels');
  for (const module of new Set(wasmFiles.map(moduleOf))) if (module !== 'kernels') lazy[`${module}.wasm`] = wasmSize(module);
  return {
    metric: 'gzip_bytes',
    script: gzipped(join(dist, 'vitrine.js')),
    pageScripts: Object.fromEntries(
      Object.keys(PAGE_SCRIPT_BUDGETS)
        .filter((name) => existsSync(join(dist, name)))
        .map((name) => [name, gzipped(join(dist, name))]),
    ),
    worker,
    wasm,
    engine: worker + wasm,
    scriptBudget: SCRIPT_BUDGET,
    engineBudget: ENGINE_BUDGET,
    lazy,
  };
}

/** `entry` and every file it imports statically (`import … from "./x.js"`, not `import("./x.js")`), transitively. */
function staticClosure(folder: string, entry: string): Set<string> {
  const found = new Set<string>();
  const visit = (name: string): void => {
    if (found.has(name)) return;
    found.add(name);
    const code = readFileSync(join(folder, name), 'utf8');
    for (const match of code.matchAll(/\bimport\s*(?:[^"'`()]*?\bfrom\s*)?["']\.\/([^"']+)["']/g)) visit(match[1]!);
  };
  visit(entry);
  return found;
}

export function sizeLines(sizes: DistSizes): string[] {
  const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;
  const mark = (ok: boolean): string => (ok ? 'ok  ' : 'MISS');
  return [
    '\nDownload sizes (gzip):',
    `  ${mark(sizes.script <= sizes.scriptBudget)} vitrine.js (loader + Preact + widgets): ${kb(sizes.script)} (budget ${kb(sizes.scriptBudget)})`,
    `  ${mark(sizes.engine <= sizes.engineBudget)} engine worker ${kb(sizes.worker)} + wasm ${kb(sizes.wasm)} = ${kb(sizes.engine)} (budget ${kb(sizes.engineBudget)})`,
    ...Object.entries(sizes.pageScripts).map(([name, bytes]) => {
      const { budget, what } = PAGE_SCRIPT_BUDGETS[name]!;
      return `  ${mark(bytes <= budget)} added when needed: ${name}, ${what}: ${kb(bytes)} (budget ${kb(budget)})`;
    }),
    ...Object.entries(sizes.lazy).map(([name, bytes]) => {
      const known = LAZY_BUDGETS[name];
      const line = `loaded lazily: ${name}, ${known?.what ?? 'no budget set'}: ${kb(bytes)}`;
      return `  ${mark(known !== undefined && bytes <= known.budget)} ${line}${known ? ` (budget ${kb(known.budget)})` : ''}`;
    }),
  ];
}

/** The download sizes of the built dist/, or a note that there is none to measure. */
export function printSizes(out: Printer): void {
  if (!existsSync(`${DIST}vitrine.js`))
    return out.note('note: download sizes skipped: no dist/ (run `npm run build`)', { note: 'sizes skipped' });
  const sizes = distSizes(DIST);
  out.note(sizeLines(sizes).join('\n'), sizes);
}
