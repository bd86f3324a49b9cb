/**
 * ESLint (flat config), run by `npm run lint` and `npm test` (Prettier's check runs beside it).
 * ESLint's and typescript-eslint's recommended rules, `isVitrineError` instead of `instanceof`, and
 * the boundaries between the runtimes (STYLE.md #1 and anti-pattern #1):
 *
 * - page code (src/embed/, src/index.ts, widgets/) takes from src/worker/ only the engine's API type
 *   (`import type { EngineApi } from '…/worker/index.ts'`) and, in the bridge, the worker's URL: a
 *   value import would bundle the engine, its wasm and IndexedDB code into the shop's page, and any
 *   other type the two sides share lives in src/shared/;
 * - src/shared/ is imported by every side, so it imports none of them;
 * - src/worker/ imports no page or CLI code.
 *
 * Import paths are matched as written (relative specifiers), so the patterns name the folder
 * wherever it sits in the path. test/node/lint-boundaries.test.ts proves each rule fires.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A path into a folder of this repository, as an import specifier spells it (`../worker/x.ts`, `../../src/worker/x.ts`). */
const into = (folder) => `(^|/)${folder}(/|$)`;

const PAGE = ['src/embed/**/*.{ts,tsx}', 'src/index.ts', 'widgets/**/*.{ts,tsx}'];

/** The worker's entry, whose API object's type is the page/worker contract. */
const ENGINE_API = '(^|/)worker/index\\.ts$';
/** Vite's URL of the worker script (a string, no code): the bridge starts the worker from it. */
const WORKER_URL = '(^|/)worker/index\\.ts\\?worker&url$';

/** What page code may take from the worker: the API's type, and the worker's URL where `withUrl`. */
const pageToWorker = (withUrl) => [
  {
    regex: '(^|/)worker/(?!index\\.ts(\\?worker&url)?$)',
    message: 'Page code takes no worker module: types the page and the worker share live in src/shared/.',
  },
  {
    regex: ENGINE_API,
    allowTypeImports: true,
    message: 'Page code may import the engine API only with `import type` (a value import would bundle the engine into the page).',
  },
  ...(withUrl ? [] : [{ regex: WORKER_URL, message: 'Only the bridge starts the worker.' }]),
];

/** `instanceof` fails for an error that crossed the worker boundary or came from another realm: branch on `code`. */
const NO_INSTANCEOF_ERROR = {
  selector: "BinaryExpression[operator='instanceof'][right.name='VitrineError']",
  message: 'Use isVitrineError(error) and error.code: instanceof is false for an error that crossed a worker or realm boundary.',
};

/** What a side must not import at all. */
const noneOf = (folders, why) => ({ regex: folders.map(into).join('|'), message: why });

export default defineConfig([
  globalIgnores([
    'dist/',
    '.tsbuild/',
    'wasm/build/',
    'demo/build/',
    // AssemblyScript: its decorators (`@inline`) are not TypeScript to ESLint's parser; the kernels are
    // checked by the AssemblyScript compiler and by their tests against the TypeScript reference.
    'wasm/',
    'test-results/',
    'playwright-report/',
    // The fixture apps' builds and the files copied into them (scripts/build-test-apps.ts).
    'test/apps/*/dist/',
    'test/apps/*/public/vitrine/',
    '.vitest-attachments/',
    '**/__screenshots__/',
  ]),
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
  },
  {
    name: 'vitrine/general',
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // `_name` marks a deliberately unused binding; a rest sibling leaves out what it names.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A callback declared before the timer or instance it reads is assigned (`let timer; … timer = setTimeout(…)`).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-restricted-syntax': ['error', NO_INSTANCEOF_ERROR],
    },
  },
  {
    name: 'vitrine/general/jsx',
    // The classic JSX transform calls `h` and `Fragment`, which the linter does not see as used.
    files: ['**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^(_|h$|Fragment$)', ignoreRestSiblings: true },
      ],
    },
  },
  {
    name: 'vitrine/general/browser-scripts',
    // Plain scripts that run in the page as they are (no build step, no TypeScript to know the globals).
    files: ['demo/**/*.js', 'test/e2e/pages/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'vitrine/general/node-scripts',
    files: ['scripts/**/*.mjs', 'bin/*.js', '*.config.{js,ts}', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'vitrine/page-boundary',
    files: PAGE,
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-restricted-imports': ['error', { patterns: pageToWorker(false) }],
      // `import { type X } from '../worker/…'` keeps a side-effect import under verbatimModuleSyntax.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-restricted-syntax': [
        'error',
        NO_INSTANCEOF_ERROR,
        {
          selector: `ImportExpression[source.value=/${into('worker').replaceAll('/', '\\/')}/]`,
          message: 'Page code must not load worker code; the bridge starts the worker from its URL.',
        },
      ],
    },
  },
  {
    name: 'vitrine/page-boundary/bridge',
    // The bridge starts the worker from the URL Vite gives for it (`?worker&url`: a string, no code).
    files: ['src/embed/bridge.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: pageToWorker(true) }] },
  },
  {
    name: 'vitrine/shared-boundary',
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noneOf(
              ['worker', 'embed', 'cli', 'widgets'],
              'src/shared/ is imported by the page, the worker and the CLI: it imports none of them.',
            ),
          ],
        },
      ],
    },
  },
  {
    name: 'vitrine/worker-boundary',
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noneOf(['embed', 'cli', 'widgets'], 'The worker imports no page or CLI code (shared code goes to src/shared/).')] },
      ],
    },
  },
]);
