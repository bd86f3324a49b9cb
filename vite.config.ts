/**
 * The builds from one config, one per mode (`npm run build` runs them all):
 * - `vite build --mode script-tag`    → `dist/vitrine.js`, an IIFE for `<script src>`;
 * - `vite build --mode slots`         → `dist/vitrine-slots.js`, which `vitrine.js` adds to pages with a slot;
 * - `vite build --mode privacy-panel` → `dist/vitrine-privacy.js`, which `vitrine.js` adds to pages showing the panel;
 * - `vite build --mode templates`     → `dist/vitrine-templates.js`, which `vitrine.js` adds to pages with placeholder templates;
 * - `vite build` (mode `lib`)         → `dist/lib/vitrine.mjs` and `dist/lib/widgets.mjs`, the ES
 *   modules behind `import 'vitrine'` and `import 'vitrine/widgets'` (Preact left to the app);
 * - `vite build --mode cli`           → `dist/cli/main.js`, the `vitrine` command for Node.
 * The browser builds emit the engine worker and the `.wasm` kernels as separate hash-named files in
 * `dist/assets/` (one copy for all), resolved relative to the file that references them, so `dist/`
 * works from any path.
 */
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type BuildOptions } from 'vite';
import { PANEL_GLOBAL } from './src/embed/privacy-panel-global.ts';

/** Runtime variable of the IIFE holding its own script URL (see `intro` below). */
const SCRIPT_URL = '__vitrineScriptUrl';

type Rolldown = NonNullable<BuildOptions['rolldownOptions']>;

const SCRIPT_TAG_BUILD: Rolldown = {
  input: { vitrine: 'src/embed/script-tag.ts' },
  transform: { define: { 'import.meta.url': SCRIPT_URL } },
  output: {
    format: 'iife',
    entryFileNames: '[name].js',
    // Guarded so that even a misuse (loaded in a worker, no document) cannot throw here.
    intro: `var ${SCRIPT_URL} = typeof document != 'undefined' && (document.currentScript && document.currentScript.src || document.baseURI) || '';`,
  },
};

/** `dist/vitrine-slots.js`: the content-slot code, which `vitrine.js` adds only to pages with a slot. */
const SLOTS_BUILD: Rolldown = {
  input: { 'vitrine-slots': 'src/embed/slots-script.ts' },
  output: { format: 'iife', entryFileNames: '[name].js' },
};

/**
 * `dist/vitrine-privacy.js`: the privacy panel, which `vitrine.js` adds only to pages that show it
 * (src/embed/privacy-panel-loader.tsx). It renders with vitrine.js's Preact, handed over in a global.
 */
const PANEL_BUILD: Rolldown = {
  input: { 'vitrine-privacy': 'src/embed/privacy-panel-script.ts' },
  external: ['preact', 'preact/hooks'],
  output: {
    format: 'iife',
    entryFileNames: '[name].js',
    globals: { preact: `${PANEL_GLOBAL}.preact`, 'preact/hooks': `${PANEL_GLOBAL}.preact` },
  },
};

/** In the script tag, the privacy panel's module is the loader of that script. */
const PANEL_LOADER = {
  find: /^\.\.?\/PrivacyPanel\/index\.tsx$/,
  replacement: fileURLToPath(new URL('src/embed/privacy-panel-loader.tsx', import.meta.url)),
};

/**
 * `dist/cli/main.js`: the `vitrine` command, compiled for Node so the published package runs without a
 * TypeScript runner. One file plus the chunks of its lazily imported parts, next to it. An SSR build
 * keeps `new URL('../../wasm/build/…', import.meta.url)` as written: dist/cli/ sits two folders below
 * the package root as src/cli/ does, so the CLI reads the kernels from the package's wasm/build/.
 */
const CLI_BUILD: Rolldown = {
  input: { main: 'src/cli/main.ts' },
  output: { format: 'es', entryFileNames: 'cli/[name].js', chunkFileNames: 'cli/[name]-[hash].js' },
};

/** `dist/vitrine-templates.js`: placeholder templates, which `vitrine.js` adds only to pages whose placeholders hold a `<template>`. */
const TEMPLATES_BUILD: Rolldown = {
  input: { 'vitrine-templates': 'src/embed/templates-script.ts' },
  output: { format: 'iife', entryFileNames: '[name].js' },
};

const LIBRARY_BUILD: Rolldown = {
  input: { vitrine: 'src/index.ts', widgets: 'widgets/index.ts' },
  // The app brings its own Preact: one copy on the page, and hooks that work across both.
  external: (id) => /^preact(\/|$)/.test(id),
  // Keep the entries' exports: a non-library Vite build would otherwise drop them.
  preserveEntrySignatures: 'strict',
  // Into dist/ beside the script tag's build: the worker and its wasm are the same files for both, so they ship once, in dist/assets/.
  output: { format: 'es', entryFileNames: 'lib/[name].mjs', chunkFileNames: 'lib/[name]-[hash].mjs' },
};

const BUILDS: Record<string, Rolldown> = {
  'script-tag': SCRIPT_TAG_BUILD,
  slots: SLOTS_BUILD,
  'privacy-panel': PANEL_BUILD,
  templates: TEMPLATES_BUILD,
  cli: CLI_BUILD,
  production: LIBRARY_BUILD,
};

export default defineConfig(({ mode }) => {
  const scriptTag = mode === 'script-tag';
  const cli = mode === 'cli';
  const library = mode === 'production';
  const build = BUILDS[mode];
  if (!build) throw new Error(`vite.config.ts: no build for mode "${mode}"; modes: ${Object.keys(BUILDS).join(', ')}`);
  return {
    base: './',
    // Widgets are Preact components, in Preact's classic JSX form (`h`): smaller than the automatic runtime's.
    oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } },
    publicDir: false,
    resolve: { alias: scriptTag ? [PANEL_LOADER] : [] },
    // The worker is a module worker (`type: 'module'`), so `import.meta.url` works inside it.
    worker: {
      format: 'es',
      // Lazily loaded parts (`import()` in the worker) are named for what they hold: their own budgets.
      // The worker is a final file, never bundled again: its `@__PURE__` annotations are dead weight (~100 bytes gzip).
      rolldownOptions: {
        output: {
          chunkFileNames: 'assets/worker-chunk-[name]-[hash].js',
          // An app's bundler copies the library's worker without reading it, so chunks it imports would
          // be missing from the app's build: the library's worker is one file (its .wasm: library-worker.ts),
          // named apart from the script tag's (which loads its rarely used parts lazily).
          ...(library
            ? { codeSplitting: false, entryFileNames: 'assets/library-worker-[hash].js' }
            : { entryFileNames: 'assets/worker-[hash].js' }),
          comments: { legal: true, annotation: false, jsdoc: false },
        },
      },
    },
    experimental: {
      /**
       * An IIFE has no `import.meta.url`, and `document.currentScript` only exists while the script
       * first runs, but the worker starts lazily. So the IIFE captures its URL up front (`intro`)
       * and every asset URL in it is resolved against that.
       */
      renderBuiltUrl(filename, { hostType, hostId }) {
        if (scriptTag && hostType === 'js' && hostId === 'vitrine.js') {
          return { runtime: `new URL(${JSON.stringify(filename)}, ${SCRIPT_URL}).href` };
        }
        // `./` first: webpack reads `new URL('assets/x', import.meta.url)` as a package name, not a path.
        if (library && hostType === 'js')
          return { runtime: `new URL(${JSON.stringify(`./${posix.relative(posix.dirname(hostId), filename)}`)}, import.meta.url).href` };
        return { relative: true };
      },
    },
    // The CLI bundles everything it imports: the published package has no runtime dependencies.
    ssr: { noExternal: true },
    build: {
      ssr: cli,
      target: cli ? 'node20' : undefined,
      outDir: 'dist',
      // The script-tag build runs first and clears all of dist/; the others add their files.
      emptyOutDir: scriptTag,
      // Never inline the wasm or the worker as data: URLs (CSPs block those, and they defeat caching).
      assetsInlineLimit: 0,
      rolldownOptions: build,
    },
  };
});
