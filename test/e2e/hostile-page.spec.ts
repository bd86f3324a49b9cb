/**
 * X2: a hostile (or merely careless) host page. Before Vitrine's script runs, the page replaces
 * built-ins the way old libraries and polyfills do (`Array.prototype.map`, `JSON.parse`,
 * `window.fetch`, `window.Promise`), and its stylesheet hides everything it can reach. The engine
 * lives in the worker, which the page's globals never reach (addInitScript does not run there
 * either); the widgets live in shadow roots, which the page's CSS does not reach. A failure stays
 * Vitrine's own: the page keeps its content and sees no error.
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startShop, type Shop } from './shop-harness.ts';

/** The page's own errors: none may come from Vitrine. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** CSS that hides every element it reaches, except the page skeleton and the placeholders themselves. */
const HIDE_EVERYTHING = `* { display: none !important; visibility: hidden !important; }
html, body, main, [data-vitrine] { display: block !important; visibility: visible !important; }`;

/**
 * Built-ins replaced the way polyfills and old libraries do: working, but not the engine's own
 * (a Zone.js-style Promise subclass, a hand-written `map`, a `JSON.parse` that logs, a `fetch` that
 * refuses every URL the shop did not allow).
 */
function replaceBuiltIns(): void {
  const w = window as unknown as Record<string, unknown> & { sabotaged: Record<string, number> };
  const calls = (w.sabotaged = { map: 0, parse: 0, fetch: 0, promise: 0 });
  Array.prototype.map = function map<T, U>(this: T[], fn: (value: T, index: number, array: T[]) => U, thisArg?: unknown): U[] {
    calls.map++;
    const out: U[] = [];
    for (let i = 0; i < this.length; i++) out.push(fn.call(thisArg, this[i]!, i, this));
    return out;
  };
  const parse = JSON.parse;
  JSON.parse = (text: string, reviver?: (key: string, value: unknown) => unknown) => {
    calls.parse++;
    return parse(text, reviver);
  };
  window.fetch = () => {
    calls.fetch++;
    return Promise.reject(new TypeError('blocked by the shop'));
  };
  const NativePromise = Promise;
  class ShopPromise<T> extends NativePromise<T> {
    constructor(executor: (resolve: (value: T) => void, reject: (reason?: unknown) => void) => void) {
      calls.promise++;
      super(executor);
    }
  }
  w.Promise = ShopPromise;
}

/** The same built-ins broken outright: every call throws. */
function breakBuiltIns(): void {
  const w = window as unknown as Record<string, unknown>;
  const broken = (name: string) =>
    function () {
      throw new Error(`${name} sabotaged by the page`);
    };
  Array.prototype.map = broken('Array.prototype.map') as never;
  JSON.parse = broken('JSON.parse') as never;
  w.fetch = broken('fetch');
  w.Promise = broken('Promise');
}

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('X2: a hostile host page', () => {
  test('should rank and render in full when the page replaced built-ins and hides everything with its CSS', async ({ page }) => {
    shop = await startShop();
    const errors = watchErrors(page);
    await page.addInitScript(replaceBuiltIns);
    await page.addInitScript((css) => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style');
        style.textContent = css;
        document.head.append(style);
      });
    }, HIDE_EVERYTHING);
    await page.goto(`${shop.origin}/widgets.html`);
    // The page's CSS hides its own heading and button; the widgets' insides keep their layout.
    await expect(page.locator('h1')).toBeHidden();
    const items = page.locator('[data-vitrine="trending"] [data-vitrine-item]');
    await expect(items).toHaveCount(6);
    await expect(items.first()).toBeVisible();
    const box = await items.first().boundingBox();
    expect(box!.width).toBeGreaterThan(50);
    expect(box!.height).toBeGreaterThan(50);
    await expect(page.locator('[data-vitrine="for_you"] [data-vitrine-item]')).toHaveCount(6);
    await expect(page.locator('[data-vitrine="privacy-panel"] section')).toBeVisible();
    // The engine answers the page API, and its bundle came in although the page's fetch refuses everything.
    const status = await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.status());
    expect(status.state).toBe('ready');
    expect(status.kernels).toBe('wasm-simd');
    const counts = await page.evaluate(
      () => (window as unknown as { sabotaged: { map: number; fetch: number; promise: number } }).sabotaged,
    );
    expect(counts.fetch).toBe(0);
    // Really installed before Vitrine ran: the page-side code went through the replacements.
    expect(counts.map + counts.promise).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test("should keep the failure its own when the page broke the built-ins outright: the shop's content stays, no error reaches the page", async ({
    page,
  }) => {
    shop = await startShop();
    const errors = watchErrors(page);
    await page.addInitScript(breakBuiltIns);
    await page.goto(`${shop.origin}/widgets.html`);
    await expect(page.locator('h1')).toHaveText('A plain shop page');
    // The shop's own fallback stays in place (the placeholder's light DOM is never touched).
    await expect(page.locator('[data-vitrine="trending"] .shop-fallback')).toHaveCount(1);
    await page.waitForTimeout(3000);
    // The shop's own button still works as the page made it.
    await page.evaluate(() => {
      document.querySelector('button')!.addEventListener('click', () => document.body.setAttribute('data-clicked', 'yes'));
    });
    await page.locator('button').first().click({ force: true });
    await expect(page.locator('body')).toHaveAttribute('data-clicked', 'yes');
    expect(errors).toEqual([]);
  });
});
