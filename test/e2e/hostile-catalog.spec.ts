/**
 * X1 / B7 / B8: a hostile catalog on a real page under the README's strict policy with Trusted
 * Types. Each OWASP-style payload goes into every string of a crafted bundle (titles, brands,
 * categories, attribute values, and so into the explanation templates' parameters) and into the
 * product and image URLs; the widgets must show it as text: no new element, no handler, no script
 * URL, no dialog, no CSP or Trusted Types violation.
 */
import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { hostileInput } from '../fixtures/hostile-bundle.ts';
import { CSP_REPORT_PATH, startShop, type Shop } from './shop-harness.ts';

const STRICT_CSP = `script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; require-trusted-types-for 'script'; report-uri ${CSP_REPORT_PATH}`;

const PAYLOADS = [
  '<svg onload=alert(1)>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '</style><script>alert(1)</script>',
  '<div style="background:url(javascript:alert(1));width:expression(alert(1))">x</div>',
  '{{constructor.constructor("alert(1)")()}}',
  '\u202Egnp.exe\u200B<b>bidi</b>',
];

const SCRIPT_URLS = ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', '//evil.example/p'];

/** 60 products ('1'..'60', so the page's product '5' is one, and enough for every placeholder) with `payload` in every string and hostile URLs. */
function craftedBundle(payload: string): Buffer {
  const input = hostileInput(60, 4, (i) => ({
    id: String(i + 1),
    title: `${payload} #${i + 1}`,
    brand: payload,
    category: [payload, `${payload} (${i % 3})`],
    url: i % 2 ? SCRIPT_URLS[i % SCRIPT_URLS.length]! : `/p/${i + 1}`,
    image: i % 3 ? `${payload}` : SCRIPT_URLS[(i + 1) % SCRIPT_URLS.length]!,
    salePrice: i % 2 ? 5 : null,
    attributes: { material: payload },
  }));
  // Look-alikes beyond chance (`similar` counts no chance overlap of random vectors): four groups,
  // each along its own axis with a little spread, so product '5' has a "Similar to …" reason to render.
  if (input.embeddings.dtype === 'pq') throw new Error('the fixture has f32 rows');
  const { data, dim } = input.embeddings;
  for (let i = 0; i < 60; i++) {
    const spread = [0.1, -0.05, 0.07, -0.08].map((x, j) => x * (((i + j) % 5) - 2));
    const row = spread.map((x, j) => x + (j === i % dim ? 1 : 0));
    const norm = Math.hypot(...row);
    row.forEach((x, j) => (data[i * dim + j] = x / norm));
  }
  return Buffer.from(encodeBundle(input));
}

/** What the page saw before any of its scripts ran: violations and dialogs. */
async function watch(page: Page) {
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  return { dialogs, errors, violations: () => page.evaluate(() => (window as unknown as { violations: string[] }).violations) };
}

/** Elements, handlers and URLs inside every widget's shadow root that bundle text must never create. */
function injected(page: Page) {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const host of document.querySelectorAll('[data-vitrine]')) {
      for (const element of host.shadowRoot?.querySelectorAll('*') ?? []) {
        // The payloads' own elements: Vitrine's widgets use none of these tags.
        if (/^(script|svg|iframe|object|embed|img|b)$/i.test(element.tagName) && !element.matches('.img > img'))
          found.push(element.tagName);
        if (element.tagName === 'DIV' && element.textContent === 'x') found.push('DIV from payload');
        for (const { name, value } of element.attributes) {
          if (/^on/i.test(name)) found.push(`${element.tagName}[${name}]`);
          if ((name === 'href' || name === 'src') && !/^(https?:\/\/|\/[^/])/.test(value))
            found.push(`${element.tagName}[${name}=${value}]`);
        }
      }
    }
    return found;
  });
}

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('X1, B7, B8: a hostile catalog under the strict CSP with Trusted Types', () => {
  for (const payload of PAYLOADS) {
    test(`should show ${JSON.stringify(payload)} as text only, with no script URL, dialog or violation`, async ({ page }) => {
      shop = await startShop({ headers: { 'content-security-policy': STRICT_CSP } });
      const bundle = craftedBundle(payload);
      await page.route('**/vitrine/shop.vtb', (route) => route.fulfill({ body: bundle, contentType: 'application/octet-stream' }));
      const seen = await watch(page);
      await page.goto(`${shop.origin}/widgets.html`);
      const similar = page.locator('[data-vitrine="similar"] [data-vitrine-item]');
      await expect(similar.first()).toBeVisible();
      await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]').first()).toBeVisible();
      // The explanation names the page's product by its (hostile) title.
      await similar.first().locator('[data-vitrine-why]').click();
      const popover = page.locator('[data-vitrine="similar"] .pop:popover-open');
      await expect(popover).toBeVisible();
      await expect(popover).toContainText(`${payload} #5`);
      await page.keyboard.press('Escape');
      // B8: a card whose URL is a script URL (even ids) gets no link: clicking it goes nowhere.
      const unlinked = page.locator('[data-vitrine-item] .a');
      await expect(unlinked.first()).toBeVisible();
      await unlinked.first().click();
      await expect(page.locator('[data-vitrine="trending"] .t').first()).toContainText(payload.slice(0, 8));
      expect(page.url()).toBe(`${shop.origin}/widgets.html`);
      expect(await injected(page)).toEqual([]);
      await page.waitForTimeout(300);
      expect(seen.dialogs).toEqual([]);
      expect(await seen.violations()).toEqual([]);
      expect(shop.cspReports).toEqual([]);
      expect(seen.errors).toEqual([]);
    });
  }
});

/** The page `failures.html` with its script tag changed by `edit`. */
async function editPage(page: Page, edit: (html: string) => string): Promise<void> {
  await page.route('**/failures.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: edit(await response.text()) });
  });
}

const sha384 = (bytes: Uint8Array): string => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

test.describe('B11: integrity of what the shop declared', () => {
  for (const served of ['genuine', 'tampered'] as const) {
    test(`should ${served === 'genuine' ? 'load a bundle matching' : 'refuse a bundle differing from'} data-bundle-integrity${served === 'tampered' ? ' with one BUNDLE_INTEGRITY_MISMATCH warning, keeping the shop content' : ''}`, async ({
      page,
    }) => {
      shop = await startShop();
      const genuine = craftedBundle('Genuine');
      const other = craftedBundle('Tampered');
      await page.route('**/vitrine/shop.vtb', (route) => route.fulfill({ body: served === 'genuine' ? genuine : other }));
      await editPage(page, (html) => html.replace('data-bundle=', `data-bundle-integrity="${sha384(genuine)}" data-bundle=`));
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${shop.origin}/failures.html`);
      const warnings = () => page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings);
      if (served === 'genuine') {
        await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]').first()).toBeVisible();
        await expect(page.locator('[data-vitrine="trending"] .t').first()).toContainText('Genuine');
        expect(await warnings()).toEqual([]);
      } else {
        await expect.poll(warnings).toEqual(['BUNDLE_INTEGRITY_MISMATCH']);
        await expect(page.locator('.shop-fallback')).toBeVisible();
        await expect(page.locator('[data-vitrine-item]')).toHaveCount(0);
        await page.waitForTimeout(300);
        expect(await warnings()).toEqual(['BUNDLE_INTEGRITY_MISMATCH']);
      }
      expect(errors).toEqual([]);
    });
  }

  test('should keep the page working when vitrine.js differs from its <script integrity> (the browser blocks it)', async ({ page }) => {
    shop = await startShop();
    // Not the hash of the file served: one changed byte in the file has the same effect.
    await editPage(page, (html) =>
      html.replace('<script src="/vitrine/vitrine.js"', `<script integrity="${sha384(new Uint8Array([1]))}" src="/vitrine/vitrine.js"`),
    );
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /integrity/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(`${shop.origin}/failures.html`);
    await expect.poll(() => blocked.length).toBe(1);
    await expect(page.locator('.shop-fallback')).toBeVisible();
    // Vitrine never ran: the shop's command queue is still the plain array it made.
    expect(await page.evaluate(() => Array.isArray((window as unknown as { vitrine: unknown }).vitrine))).toBe(true);
    expect(errors).toEqual([]);
  });
});

test.describe('B10: a bundle URL answering an HTML error page', () => {
  for (const [status, contentType] of [
    [500, 'text/html'],
    [200, 'text/html'],
  ] as const) {
    test(`should keep the shop's content and warn once, without a request storm, for HTTP ${status} ${contentType}`, async ({ page }) => {
      shop = await startShop();
      let requests = 0;
      await page.route('**/vitrine/shop.vtb', (route) => {
        requests++;
        return route.fulfill({ status, contentType, body: '<!doctype html><title>Oops</title><p>Something went wrong</p>' });
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${shop.origin}/failures.html`);
      const warnings = () => page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings);
      await expect.poll(warnings).toEqual([status === 200 ? 'BUNDLE_BAD_MAGIC' : 'BUNDLE_FETCH_FAILED']);
      await expect(page.locator('.shop-fallback')).toBeVisible();
      await page.waitForTimeout(2_000);
      expect(requests).toBeGreaterThanOrEqual(1);
      expect(requests).toBeLessThanOrEqual(2);
      expect(await warnings()).toHaveLength(1);
      expect(errors).toEqual([]);
    });
  }
});

test.describe('a bundle with exact (f32) graphs, as a writer in another language may emit it', () => {
  test('should load it through the lazily fetched legacy reader and fill the widgets', async ({ page }) => {
    shop = await startShop();
    const input = hostileInput(60, 4, (i) => ({ id: String(i + 1), title: `Exact ${i + 1}` }));
    const bytes = Buffer.from(encodeBundle(input, { graphs: 'f32' }));
    await page.route('**/vitrine/shop.vtb', (route) => route.fulfill({ body: bytes }));
    const chunks: string[] = [];
    page.context().on('request', (request) => void (request.url().includes('worker-chunk-legacy-reader') && chunks.push(request.url())));
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] .t').first()).toContainText('Exact');
    expect(chunks).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings)).toEqual([]);
  });
});
