/**
 * The shop's Content-Security-Policy and Trusted Types, enforced by Chromium on every response
 * (page, script, worker, wasm): the README's policies must hold with zero violations while the
 * widgets load, rank, open their "Why?" popover and the privacy panel works. Two witnesses count
 * violations: the page's `securitypolicyviolation` events and the reports Chromium sends to the
 * policy's `report-uri` (the only place a violation inside the worker shows up).
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { CSP_REPORT_PATH, startShop, type Shop } from './shop-harness.ts';

/** The policy the README gives for Vitrine served from the shop's own origin. */
const SAME_ORIGIN_CSP = `script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; require-trusted-types-for 'script'; report-uri ${CSP_REPORT_PATH}`;
/** The same without 'wasm-unsafe-eval': WebAssembly is refused. */
const NO_WASM_CSP = `script-src 'self'; worker-src 'self'; connect-src 'self'; style-src 'self'; require-trusted-types-for 'script'; report-uri ${CSP_REPORT_PATH}`;
/** The README's policy, but no workers at all: the engine cannot start. */
const NO_WORKER_CSP = `script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'; connect-src 'self'; style-src 'self'; require-trusted-types-for 'script'; report-uri ${CSP_REPORT_PATH}`;
/** The CDN policy without `blob:` workers. */
const NO_BLOB_WORKER_CSP = `script-src 'self' %CDN% 'wasm-unsafe-eval'; worker-src 'self' %CDN%; connect-src 'self' %CDN%; style-src 'self'; require-trusted-types-for 'script'; report-uri ${CSP_REPORT_PATH}`;
/** The README's policy for Vitrine served from a CDN (`%CDN%` is its origin). */
const CDN_CSP = `script-src 'self' %CDN% 'wasm-unsafe-eval'; worker-src blob: %CDN%; connect-src 'self' %CDN%; style-src 'self'; require-trusted-types-for 'script'; report-uri ${CSP_REPORT_PATH}`;

const vitrineOf = (page: Page) => page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.status());

/** Records the page's violations from before its first script runs. */
async function countViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { violations: string[] }).violations);
}

/** Uses what the policy could break: rendering, the popover's position, the privacy panel's consent toggle. */
async function exercise(page: Page): Promise<void> {
  const trending = page.locator('[data-vitrine="trending"] [data-vitrine-item]');
  await expect(trending).toHaveCount(6);
  await expect(page.locator('[data-vitrine="for_you"] [data-vitrine-item]')).toHaveCount(6);
  await trending.first().locator('[data-vitrine-why]').click();
  await expect(page.getByRole('button', { name: /not interested/i })).toBeVisible();
  await page.keyboard.press('Escape');
  // The panel reads the profile once it is in view.
  const panel = page.locator('[data-vitrine="privacy-panel"]');
  await panel.scrollIntoViewIfNeeded();
  await panel.getByRole('checkbox').first().check();
  await expect
    .poll(async () => (await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.get())).personalization)
    .toBe(true);
}

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('Content-Security-Policy and Trusted Types', () => {
  test('W2: should cause zero violations under the README policy with Trusted Types required', async ({ page }) => {
    shop = await startShop({ headers: { 'content-security-policy': SAME_ORIGIN_CSP } });
    const violations = await countViolations(page);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${shop.origin}/widgets.html`);
    await exercise(page);
    expect((await vitrineOf(page)).kernels).toBe('wasm-simd');
    await page.waitForTimeout(500);
    expect(await violations()).toEqual([]);
    expect(shop.cspReports).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('W1: should report WASM_BLOCKED once and still recommend on the JS kernels without wasm-unsafe-eval', async ({ page }) => {
    shop = await startShop({ headers: { 'content-security-policy': NO_WASM_CSP } });
    const violations = await countViolations(page);
    await page.goto(`${shop.origin}/widgets.html`);
    await exercise(page);
    const status = await vitrineOf(page);
    expect(status.kernels).toBe('js');
    expect(status.kernelsFallback?.code).toBe('WASM_BLOCKED');
    expect(await page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings)).toEqual(['WASM_BLOCKED']);
    // The only thing refused was compiling WebAssembly (in the worker), nothing on the page.
    expect(await violations()).toEqual([]);
    await expect.poll(() => shop.cspReports.length).toBeGreaterThan(0);
    for (const report of shop.cspReports) expect(report).toMatch(/wasm-eval/);
  });

  test('W4: should run from another origin (a CDN) under the README policy for that case', async ({ page }) => {
    shop = await startShop({ cdn: true, headers: { 'content-security-policy': CDN_CSP } });
    expect(shop.vitrineBase).toMatch(/^http:\/\/localhost:\d+\/vitrine$/);
    const violations = await countViolations(page);
    // Every blob: URL made on the page (the worker's trampoline) must be released once the worker started.
    await page.addInitScript(() => {
      const live = new Set<string>();
      (window as unknown as { liveBlobUrls: Set<string> }).liveBlobUrls = live;
      const create = URL.createObjectURL.bind(URL);
      const revoke = URL.revokeObjectURL.bind(URL);
      URL.createObjectURL = (object) => {
        const url = create(object);
        live.add(url);
        return url;
      };
      URL.revokeObjectURL = (url) => {
        live.delete(url);
        revoke(url);
      };
    });
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (/\.(js|wasm)$/.test(request.url())) scripts.push(new URL(request.url()).origin);
    });
    await page.goto(`${shop.origin}/widgets.html`);
    await exercise(page);
    expect((await vitrineOf(page)).kernels).toBe('wasm-simd');
    // Vitrine's code came from the CDN; the profile lives with the shop's origin (consent was granted above).
    expect(scripts.filter((origin) => origin !== shop.origin).length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toContain('vitrine-profile');
    expect(await page.evaluate(() => (window as unknown as { liveBlobUrls: Set<string> }).liveBlobUrls.size)).toBe(0);
    await page.waitForTimeout(500);
    expect(await violations()).toEqual([]);
    expect(shop.cspReports).toEqual([]);
  });

  for (const [what, options] of [
    ["worker-src 'none'", { headers: { 'content-security-policy': NO_WORKER_CSP } }],
    // From a CDN the worker starts from a blob: URL, which `worker-src 'self'` forbids (an error event, V5).
    ["worker-src 'self' with Vitrine on a CDN", { cdn: true, headers: { 'content-security-policy': NO_BLOB_WORKER_CSP } }],
  ] as const) {
    test(`W3: should show the shop's own content and warn once when the policy forbids the worker (${what})`, async ({ page }) => {
      shop = await startShop(options);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on(
        'console',
        (message) => message.type() === 'error' && !/Content Security Policy/.test(message.text()) && errors.push(message.text()),
      );
      await page.goto(`${shop.origin}/failures.html`);
      expect(await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
      await expect(page.locator('.shop-fallback')).toBeVisible();
      await expect(page.locator('[data-vitrine] [data-vitrine-item]')).toHaveCount(0);
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings))
        .toEqual(['WORKER_CRASHED']);
      // A typed rejection for the shop's own calls, no retry storm, nothing uncaught.
      const code = await page.evaluate(() =>
        (window as unknown as { vitrine: VitrineGlobal }).vitrine.status().then(
          () => 'answered',
          (error: { code?: string }) => error.code,
        ),
      );
      expect(code).toBe('WORKER_CRASHED');
      await page.waitForTimeout(500);
      expect(shop.requests.filter((request) => /worker-/.test(request.url)).length).toBeLessThanOrEqual(4);
      expect(errors).toEqual([]);
    });
  }
});
