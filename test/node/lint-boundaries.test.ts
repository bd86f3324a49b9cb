/**
 * The runtime boundaries in eslint.config.js really fire: each snippet is linted as if it were a
 * file at the given path (nothing is written), and must fail or pass exactly as the rules say.
 * `npm test` lints the real files (`npm run lint`); this proves the rules are not silently empty.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rules that draw the boundaries; the general ones (an unused import in a snippet) are not the point here. */
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', '@typescript-eslint/no-import-type-side-effects']);

/** The boundary rules `code` breaks when it is the file at `path` (relative to the repository root). */
async function broken(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: `${ROOT}${path}` });
  expect(result?.messages.filter((message) => message.fatal)).toEqual([]);
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'fatal').filter((rule) => BOUNDARY_RULES.has(rule));
}

describe('the page/worker boundary (eslint.config.js)', () => {
  it('should let page code take only the engine API type from the worker, and nothing from its other modules', async () => {
    expect(await broken('src/embed/example.ts', "import type { EngineApi } from '../worker/index.ts';")).toEqual([]);
    expect(await broken('src/embed/example.ts', "import { api } from '../worker/index.ts';")).toEqual(['no-restricted-imports']);
    expect(await broken('src/embed/example.ts', "import { ConsentGate } from '../worker/consent-gate.ts';")).toEqual([
      'no-restricted-imports',
    ]);
    // A type the page needs from another worker module belongs in src/shared/.
    expect(await broken('src/embed/example.ts', "import type { ConsentGate } from '../worker/consent-gate.ts';")).toEqual([
      'no-restricted-imports',
    ]);
  });

  it('should fail inline type specifiers, which keep a side-effect import of the worker module', async () => {
    expect(await broken('src/embed/example.ts', "import { type EngineApi } from '../worker/index.ts';")).toEqual([
      '@typescript-eslint/no-import-type-side-effects',
    ]);
  });

  it('should hold for widgets, nested embed folders and the library entry, re-exports and dynamic imports included', async () => {
    expect(await broken('widgets/Example/index.tsx', "import { Engine } from '../../src/worker/engine.ts';")).toEqual([
      'no-restricted-imports',
    ]);
    expect(await broken('src/embed/consent-signals/example.ts', "export { ConsentGate } from '../../worker/consent-gate.ts';")).toEqual([
      'no-restricted-imports',
    ]);
    expect(await broken('src/index.ts', "export { Engine } from './worker/engine.ts';")).toEqual(['no-restricted-imports']);
    expect(await broken('src/index.ts', "export type { EngineApi } from './worker/index.ts';")).toEqual([]);
    expect(await broken('src/embed/example.ts', "export const engine = () => import('../worker/engine.ts');")).toEqual([
      'no-restricted-syntax',
    ]);
  });

  it('should allow the worker URL import in the bridge only', async () => {
    const url = "import engineWorkerUrl from '../worker/index.ts?worker&url';";
    expect(await broken('src/embed/bridge.ts', url)).toEqual([]);
    expect(await broken('src/embed/script-tag.ts', url)).toEqual(['no-restricted-imports']);
    expect(await broken('src/embed/bridge.ts', "import { Engine } from '../worker/engine.ts';")).toEqual(['no-restricted-imports']);
  });

  it('should keep src/shared free of worker, page and CLI code, types included', async () => {
    for (const from of ['../worker/index.ts', '../embed/bridge.ts', '../cli/main.ts', '../../widgets/index.ts']) {
      expect(await broken('src/shared/example.ts', `import type { X } from '${from}';`), from).toEqual(['no-restricted-imports']);
    }
    expect(await broken('src/shared/bundle/example.ts', "import { Engine } from '../../worker/engine.ts';")).toEqual([
      'no-restricted-imports',
    ]);
    expect(await broken('src/shared/example.ts', "import { VitrineError } from './errors.ts';")).toEqual([]);
  });

  it('should keep page and CLI code out of the worker', async () => {
    for (const from of ['../embed/bridge.ts', '../cli/main.ts', '../../widgets/index.ts']) {
      expect(await broken('src/worker/example.ts', `import { X } from '${from}';`), from).toEqual(['no-restricted-imports']);
    }
    expect(await broken('src/worker/profile/example.ts', "import type { X } from '../../embed/bridge.ts';")).toEqual([
      'no-restricted-imports',
    ]);
    expect(await broken('src/worker/example.ts', "import { VitrineError } from '../shared/errors.ts';")).toEqual([]);
  });
});

describe('errors across boundaries (eslint.config.js)', () => {
  it('should refuse `instanceof VitrineError` on either side, and accept isVitrineError', async () => {
    const check = (test: string) =>
      `import { VitrineError, isVitrineError } from '../shared/errors.ts';\nexport const f = (error: unknown) => ${test} || isVitrineError(error) || VitrineError;`;
    for (const path of ['src/embed/example.ts', 'src/worker/example.ts', 'src/cli/example.ts']) {
      expect(await broken(path, check('error instanceof VitrineError')), path).toEqual(['no-restricted-syntax']);
      expect(await broken(path, check("isVitrineError(error) && error.code === 'NOT_READY'")), path).toEqual([]);
    }
  });
});
