/**
 * The script-tag embed on a plain HTML page (test/e2e/pages/widgets.html: the tag, a JSON-LD
 * product, an add-to-cart button and one placeholder per placement, nothing else), in real
 * Chromium with the built dist/ and the demo bundle. Open shadow roots are pierced by Playwright's
 * CSS locators, so `[data-vitrine-item]` finds the items inside the widgets.
 */
import { expect, test, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { ExportedEvent } from '../../src/shared/profile-export.ts';
import { startShop, type Shop } from './shop-harness.ts';

const PLACEMENTS = ['similar', 'also_bought', 'goes_with', 'now_reduced', 'for_you', 'trending'] as const;
const catalog = new Map(
  (JSON.parse(readFileSync('demo/data/products.json', 'utf8')) as { id: number; title: string }[]).map((p) => [String(p.id), p.title]),
);

/** Page errors and console errors: a shop's page must show none because of Vitrine. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

function widget(page: Page, placement: string) {
  return page.locator(`[data-vitrine="${placement}"] [data-vitrine-placement="${placement}"]`);
}

async function events(page: Page): Promise<ExportedEvent[]> {
  return page.evaluate(async () => (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export()).events);
}

async function warnings(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings);
}

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('a plain page with only the script tag and placeholders', () => {
  test("should show every placement and the privacy panel, with the bundle's products", async ({ page }) => {
    shop = await startShop();
    const errors = watchErrors(page);
    await page.goto(`${shop.origin}/widgets.html`);
    await expect(widget(page, 'similar').locator('[data-vitrine-item]')).toHaveCount(4);
    for (const placement of PLACEMENTS.filter((p) => p !== 'similar')) {
      await expect(widget(page, placement).locator('[data-vitrine-item]'), placement).toHaveCount(6);
    }
    // Each item is a product of the bundle, shown with its catalog title as text.
    for (const placement of PLACEMENTS) {
      const items = widget(page, placement).locator('[data-vitrine-item]');
      for (const id of await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-vitrine-item')!))) {
        expect(catalog.has(id), `${placement}: ${id}`).toBe(true);
        await expect(items.and(page.locator(`[data-vitrine-item="${id}"]`)).first()).toContainText(catalog.get(id)!);
      }
    }
    // `similar` took its product from the page's JSON-LD, and never recommends the product itself.
    await expect(widget(page, 'similar').locator('[data-vitrine-item="5"]')).toHaveCount(0);
    await expect(page.locator('[data-vitrine-placement="privacy-panel"]').first()).toBeVisible();
    // The JSON-LD product was tracked as viewed, at its offer price.
    expect((await events(page)).filter((event) => event.type === 'view')).toMatchObject([{ product: '5', price: 8.99 }]);
    // The trending placeholder's own content (the shop's fallback) is not shown while Vitrine works.
    await expect(page.locator('.shop-fallback')).toBeHidden();
    expect(await warnings(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('should pass axe-core with every widget on the page', async ({ page }) => {
    shop = await startShop();
    await page.goto(`${shop.origin}/widgets.html`);
    for (const placement of PLACEMENTS) await expect(widget(page, placement).locator('[data-vitrine-item]').first()).toBeVisible();
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (context: Document) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }
      ).axe;
      const result = await axe.run(document);
      return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
    });
    expect(violations).toEqual([]);
  });

  test('should run the commands queued before the script loaded in order, then push at once', async ({ page }) => {
    shop = await startShop();
    await page.addInitScript(() => {
      const queue: unknown[] = [];
      (window as unknown as { vitrine: unknown[] }).vitrine = queue;
      queue.push(['track', 'view', { product: '7' }], ['track', { type: 'view', product: '9' }], ['no.such.method']);
    });
    await page.goto(`${shop.origin}/widgets.html`);
    await expect(widget(page, 'trending').locator('[data-vitrine-item]').first()).toBeVisible();
    const seen = async () => (await events(page)).filter((event) => event.type === 'view').map((event) => event.product);
    // Queued views first, in order; then the JSON-LD view of the page's product.
    await expect.poll(seen).toEqual(['7', '9', '5']);
    const results = await page.evaluate(() =>
      (window as unknown as { vitrine: VitrineGlobal }).vitrine.push(['track', 'view', { product: '11' }], ['status']),
    );
    expect((results[1] as { state: string }).state).toBe('ready');
    expect(await seen()).toEqual(['7', '9', '5', '11']);
    // The bad command became a warning, not an exception.
    expect(await warnings(page)).toEqual(['INVALID_REQUEST']);
  });

  test('X3: should mount placeholders added later, follow attribute changes and unmount removed ones', async ({ page }) => {
    shop = await startShop();
    await page.goto(`${shop.origin}/widgets.html`);
    await expect(widget(page, 'trending').locator('[data-vitrine-item]').first()).toBeVisible();
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.id = 'late';
      div.dataset.vitrine = 'similar';
      div.dataset.product = '20';
      div.dataset.limit = '5';
      document.body.append(div);
    });
    const late = page.locator('#late [data-vitrine-item]');
    await expect(late).toHaveCount(5);
    const before = await late.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-vitrine-item')));
    expect(before).not.toContain('20');
    await page.evaluate(() => document.getElementById('late')!.setAttribute('data-product', '120'));
    await expect.poll(() => late.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-vitrine-item')))).not.toEqual(before);
    await expect(page.locator('#late [data-vitrine-item="120"]')).toHaveCount(0);
    const emptied = await page.evaluate(async () => {
      const div = document.getElementById('late')!;
      div.remove();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return div.shadowRoot!.querySelectorAll('[data-vitrine-item]').length;
    });
    expect(emptied).toBe(0);
  });

  test('should track declared add-to-cart clicks, item clicks and "not interested"', async ({ page }) => {
    shop = await startShop();
    await page.goto(`${shop.origin}/widgets.html`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect
      .poll(async () => (await events(page)).filter((event) => event.type === 'add_to_cart'))
      .toMatchObject([{ product: '5', price: 8.99 }]);

    // A click on a recommended product is reported with its placement (navigation stopped here).
    await page.evaluate(() =>
      document.addEventListener('click', (event) => {
        if (event.composedPath().some((node) => node instanceof HTMLAnchorElement)) event.preventDefault();
      }),
    );
    const first = widget(page, 'trending').locator('[data-vitrine-item]').first();
    const clicked = await first.getAttribute('data-vitrine-item');
    await first.getByRole('link').first().click();
    await expect
      .poll(async () => (await events(page)).filter((event) => event.type === 'click'))
      .toMatchObject([{ product: clicked, placement: 'trending' }]);

    // "Not interested" in the Why popover: a dismiss event, and the item leaves the list.
    await first.locator('[data-vitrine-why]').click();
    await page.getByRole('button', { name: /not interested/i }).click();
    await expect
      .poll(async () => (await events(page)).filter((event) => event.type === 'dismiss'))
      .toMatchObject([{ product: clicked, placement: 'trending' }]);
    await expect(widget(page, 'trending').locator(`[data-vitrine-item="${clicked}"]`)).toHaveCount(0);
    await expect(widget(page, 'trending').locator('[data-vitrine-item]')).toHaveCount(6);
  });

  test('should report viewable impressions of what is on screen only', async ({ page }) => {
    shop = await startShop();
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.goto(`${shop.origin}/widgets.html`);
    await expect(widget(page, 'similar').locator('[data-vitrine-item]').first()).toBeVisible();
    await page.waitForTimeout(1_500);
    const impressions = (await events(page)).filter((event) => event.type === 'impression');
    const placements = new Set(impressions.map((event) => event.placement));
    expect(placements.has('similar')).toBe(true);
    // The privacy panel sits far below the fold behind six widgets: the lists near it were not seen.
    expect(placements.has('trending')).toBe(false);
  });
});
