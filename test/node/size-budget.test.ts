/**
 * Issue 5's download budgets on the built dist/ (`npm test` builds first): the script tag with
 * Preact and the widgets at most 20 KB gzip, the engine worker with its wasm at most 40 KB, and each
 * part of the worker that loads only when a page needs it within a budget of its own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distSizes, ENGINE_BUDGET, LAZY_BUDGETS, PAGE_SCRIPT_BUDGETS, SCRIPT_BUDGET } from '../../bench/node/download-sizes.ts';

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

  it('should keep each script vitrine.js adds only when a page needs it (experiments, privacy panel, templates) within its own budget', () => {
    const { pageScripts } = sizes();
    expect(Object.keys(pageScripts).sort()).toEqual(Object.keys(PAGE_SCRIPT_BUDGETS).sort());
    for (const [name, bytes] of Object.entries(pageScripts)) {
      expect(bytes, name).toBeGreaterThan(500);
      expect(bytes, name).toBeLessThanOrEqual(PAGE_SCRIPT_BUDGETS[name]!.budget);
    }
  });

  it('should keep the engine worker and its wasm within 40 KB gzip', () => {
    const { worker, wasm, engine } = sizes();
    expect(worker).toBeGreaterThan(10_000);
    expect(wasm).toBeGreaterThan(1_000);
    expect(engine).toBeLessThanOrEqual(ENGINE_BUDGET);
  });

  it("should load the privacy panel's profile export, the stored profile, the JavaScript kernels and the other rare parts lazily, each within its own budget", () => {
    const { lazy } = sizes();
    // Both are split off the worker every page loads, and nothing else is (an unbudgeted chunk fails here).
    expect(Object.keys(lazy).sort()).toEqual(expectedLazyParts().sort());
    for (const [name, bytes] of Object.entries(lazy)) {
      // A real chunk, not an empty stub: the smallest part (cors-check) is about 290 bytes.
      expect(bytes, name).toBeGreaterThan(200);
      expect(bytes, name).toBeLessThanOrEqual(LAZY_BUDGETS[name]!.budget);
    }
  });
});
