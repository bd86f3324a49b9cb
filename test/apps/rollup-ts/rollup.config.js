// A Rollup 4 production build as a shop's app has it: packages from node_modules, TypeScript through
// Babel (types only stripped; `npm run typecheck` checks them), minified, index.html generated. For
// Vitrine, one plugin: Rollup emits the files named by `new URL('…', import.meta.url)` (the engine's
// worker and .wasm files) only with one. README "2. npm, in an app" shows this file from its imports on.
import { babel } from '@rollup/plugin-babel';
import html from '@rollup/plugin-html';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';
import { indexHtml } from './index-html.js';

export default {
  input: 'src/main.tsx',
  output: { dir: 'dist', format: 'es' },
  plugins: [
    nodeResolve({ extensions: ['.tsx', '.ts', '.mjs', '.js'] }),
    babel({
      babelHelpers: 'bundled',
      extensions: ['.tsx', '.ts'],
      presets: ['@babel/preset-typescript'],
      plugins: [['@babel/plugin-transform-react-jsx', { runtime: 'automatic', importSource: 'preact' }]],
    }),
    // Emits the worker and .wasm files that `vitrine` names with new URL('…', import.meta.url).
    importMetaAssets(),
    terser(),
    html({ template: indexHtml }),
  ],
};
