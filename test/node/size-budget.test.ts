/**
 * Issue 5's download budgets on the built dist/ (`npm test` builds first): the script tag with
 * Preact and the widgets at most 20 KB gzip, the engine worker with its wasm at most 40 KB, and each
 * part of the worker that loads only when a page needs it within a budget of its own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distSizes, ENGINE_BUDGET, LAZY_BUDGETS, SCRIPT_BUDGET, SLOTS_BUDGET, TEMPLATES_BUDGET } from '../../bench/node/download-sizes.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The bandit kernels (loader chunk and bandit.wasm) are built only once worker code imports the loader (issue 13's bandit engine). */
const BANDIT_PARTS = ['bandit-kernels', 'bandit.wasm'];

function workerImportsBanditKernels(): boolean {
  const folder = fileURLToPath(new URL('../../src/worker/', import.meta.url));
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).some(
    (name) => name.endsWith('.ts') && /import\(\s*['"][./\w-]*bandit-kernels\.ts['"]/.test(readFileSync(join(folder, name), 'utf8')),
  );
}

function expectedLazyParts(): string[] {
  const all = Object.keys(LAZY_BUDGETS);
  return workerImportsBanditKernels() ? all : all.filter((name) => !BANDIT_PARTS.includes(name));
}

describe('download budgets', () => {
  const sizes = () => {
    expect(existsSync(`${DIST}vitrine.js`), 'dist/ is missing: run `npm run build` (npm test does it first)').toBe(true);
    return distSizes(DIST);
  };

  it('should keep vitrine.js (loader, Preact and widgets) within 20 KB gzip', () => {
    const { script } = sizes();
    // A real script: an empty or truncated build must not pass as "small".
    expect(script).toBeGreaterThan(10_000);
    expect(script).toBeLessThanOrEqual(SCRIPT_BUDGET);
  });

  it('should keep the experiments script (loaded only by pages with a slot or variants) within its own budget', () => {
    const { slots } = sizes();
    expect(slots).toBeGreaterThan(500);
    expect(slots).toBeLessThanOrEqual(SLOTS_BUDGET);
  });

  it('should keep the placeholder templates script (loaded only by pages whose placeholders hold a <template>) within its own budget', () => {
    const { templates } = sizes();
    expect(templates).toBeGreaterThan(300);
    expect(templates).toBeLessThanOrEqual(TEMPLATES_BUDGET);
  });

  it('should keep the engine worker and its wasm within 40 KB gzip', () => {
    const { worker, wasm, engine } = sizes();
    expect(worker).toBeGreaterThan(10_000);
    expect(wasm).toBeGreaterThan(1_000);
    expect(engine).toBeLessThanOrEqual(ENGINE_BUDGET);
  });

  it("should load the privacy panel's profile export and the JavaScript kernels lazily, each within its own budget", () => {
    const { lazy } = sizes();
    // Both are split off the worker every page loads, and nothing else is (an unbudgeted chunk fails here).
    expect(Object.keys(lazy).sort()).toEqual(expectedLazyParts().sort());
    for (const [name, bytes] of Object.entries(lazy)) {
      expect(bytes, name).toBeGreaterThan(300);
      expect(bytes, name).toBeLessThanOrEqual(LAZY_BUDGETS[name]!.budget);
    }
  });
});
