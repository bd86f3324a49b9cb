/**
 * Two builds from one config (`npm run build` runs both):
 * - `vite build --mode script-tag` → `dist/vitrine.js`, an IIFE for `<script src>`;
 * - `vite build` (mode `lib`)      → `dist/lib/vitrine.mjs` and `dist/lib/widgets.mjs`, the ES
 *   modules behind `import 'vitrine'` and `import 'vitrine/widgets'` (Preact left to the app).
 * Each emits the engine worker and the `.wasm` kernels as separate hash-named files in its
 * `assets/`, resolved relative to the file that references them, so `dist/` works from any path.
 */
import { defineConfig, type BuildOptions } from 'vite';

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
  output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'assets/[name]-[hash].mjs' },
};

export default defineConfig(({ mode }) => {
  const scriptTag = mode === 'script-tag';
  const slots = mode === 'slots';
  const templates = mode === 'templates';
  return {
    base: './',
    // Widgets are Preact components, in Preact's classic JSX form (`h`): smaller than the automatic runtime's.
    oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } },
    publicDir: false,
    // The worker is a module worker (`type: 'module'`), so `import.meta.url` works inside it.
    worker: {
      format: 'es',
      // Lazily loaded parts (`import()` in the worker) are named for what they hold: their own budgets.
      // The worker is a final file, never bundled again: its `@__PURE__` annotations are dead weight (~100 bytes gzip).
      rolldownOptions: {
        output: {
          entryFileNames: 'assets/worker-[hash].js',
          chunkFileNames: 'assets/worker-chunk-[name]-[hash].js',
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
        return { relative: true };
      },
    },
    build: {
      outDir: scriptTag || slots || templates ? 'dist' : 'dist/lib',
      // The script-tag build runs first and clears all of dist/; the slots and templates builds add their file; the lib build clears only its own folder.
      emptyOutDir: !slots && !templates,
      // Never inline the wasm or the worker as data: URLs (CSPs block those, and they defeat caching).
      assetsInlineLimit: 0,
      rolldownOptions: scriptTag ? SCRIPT_TAG_BUILD : slots ? SLOTS_BUILD : templates ? TEMPLATES_BUILD : LIBRARY_BUILD,
    },
  };
});
