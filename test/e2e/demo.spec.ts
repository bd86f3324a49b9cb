/**
 * The demo shop (`npm run demo`): the DummyJSON bundle built from demo/data, the page with every
 * placement and the privacy panel, driven only by the script tag, the placeholders and the shop's
 * markup (JSON-LD, `data-vitrine-track`).
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

interface DemoProduct {
  id: number;
  title: string;
}
const titles = new Map((JSON.parse(readFileSync('demo/data/products.json', 'utf8')) as DemoProduct[]).map((p) => [String(p.id), p.title]));
const PLACEMENTS = ['goes_with', 'now_reduced', 'for_you', 'trending'];

const items = (page: Page, placement: string) => page.locator(`[data-vitrine="${placement}"] [data-vitrine-item]`);
const ids = (page: Page, placement: string) =>
  items(page, placement).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-vitrine-item')!));

test.describe('the demo shop', () => {
  test('should show every placement and the privacy panel from the bundle, with the engine status', async ({ page }) => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto('/');
    await expect(page.locator('#status')).toContainText('194 products');
    for (const placement of PLACEMENTS)
      await expect(items(page, placement), placement).toHaveCount(placement === 'goes_with' || placement === 'now_reduced' ? 4 : 6);
    for (const id of await ids(page, 'trending')) expect(titles.has(id)).toBe(true);
    await expect(items(page, 'trending').first()).toContainText(titles.get((await ids(page, 'trending'))[0]!)!);
    await expect(page.locator('[data-vitrine="privacy-panel"] [data-vitrine-placement="privacy-panel"]')).toBeVisible();

    // Vitrine's worker and kernels are separate, hash-named files next to vitrine.js; images are the demo's own.
    expect(requests).toContain('/vitrine/vitrine.js');
    expect(requests.some((path) => /^\/vitrine\/assets\/worker-[\w-]+\.js$/.test(path))).toBe(true);
    expect(requests.some((path) => /^\/vitrine\/assets\/kernels[.\w-]*-[\w-]+\.wasm$/.test(path))).toBe(true);
    expect(requests.filter((path) => path.startsWith('/images/')).every((path) => /^\/images\/\d+\.svg$/.test(path))).toBe(true);
    expect(errors).toEqual([]);
  });

  test('should show a product page with similar and bought-together products, and follow a click to the next one', async ({ page }) => {
    await page.goto('/?product=5');
    await expect(page.locator('#product-title')).toHaveText(titles.get('5')!);
    await expect(items(page, 'similar')).toHaveCount(6);
    await expect(items(page, 'also_bought').first()).toBeVisible();
    // A product is never recommended as similar to itself.
    expect(await ids(page, 'similar')).not.toContain('5');

    const next = items(page, 'similar').nth(1);
    const id = await next.getAttribute('data-vitrine-item');
    await next.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`\\?product=${id}$`));
    await expect(page.locator('#product-title')).toHaveText(titles.get(id!)!);
    await expect(items(page, 'similar')).toHaveCount(6);
    expect(await ids(page, 'similar')).not.toContain(id);
  });

  test('should fill "goes with" from the cart once a product is added', async ({ page }) => {
    await page.goto('/?product=5');
    await expect(items(page, 'goes_with').first()).toBeVisible();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.locator('#cart-note')).toHaveText('Added to your cart.');
    // The refreshed list is the cart's complements: the engine's own answer for this cart.
    await expect
      .poll(async () => {
        const expected = await page.evaluate(async () => {
          const vitrine = (window as unknown as { vitrine: import('../../src/embed/script-tag.ts').VitrineGlobal }).vitrine;
          return (await vitrine.recommend({ placement: 'goes_with', limit: 4, locale: 'en' })).items.map((item) => item.productId);
        });
        return JSON.stringify(await ids(page, 'goes_with')) === JSON.stringify(expected) && !expected.includes('5');
      })
      .toBe(true);
  });

  test('should speak German with ?lang=de', async ({ page }) => {
    await page.goto('/?lang=de');
    await expect(page.locator('[data-vitrine="trending"] h2')).toHaveText('Gerade im Trend');
    await expect(page.locator('[data-vitrine="for_you"] h2')).toHaveText('Für dich empfohlen');
    await expect(page.locator('[data-vitrine="privacy-panel"] h2')).toHaveText('Deine Daten');
  });
});
