import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';

interface DemoProduct {
  id: number;
  title: string;
}
const catalog = (JSON.parse(readFileSync('demo/data/products.json', 'utf8')) as DemoProduct[]).map((p) => p.title);

test.describe('the demo page with only the script tag', () => {
  test('should load the bundle in the worker and show recommendations from it', async ({ page }) => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto('/');
    await expect(page.locator('#status')).toContainText('194 products');
    await expect(page.locator('#trending [data-vitrine-item]')).toHaveCount(6);
    await expect(page.locator('#similar [data-vitrine-item]')).toHaveCount(6);

    // Titles shown are the catalog's, rendered as text.
    const titles = await page.locator('#trending strong').allTextContents();
    for (const title of titles) expect(catalog).toContain(title);

    // The worker and the kernels are separate, hash-named files next to vitrine.js.
    expect(requests).toContain('/vitrine/vitrine.js');
    expect(requests.some((path) => /^\/vitrine\/assets\/worker-[\w-]+\.js$/.test(path))).toBe(true);
    expect(requests.some((path) => /^\/vitrine\/assets\/kernels[.\w-]*-[\w-]+\.wasm$/.test(path))).toBe(true);
    expect(errors).toEqual([]);
  });

  test('should recommend from the products the visitor opened', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('#similar [data-vitrine-item]')).toHaveCount(6);
    const second = page.locator('#similar [data-vitrine-item]').nth(1);
    const id = await second.getAttribute('data-vitrine-item');
    const title = await second.locator('strong').textContent();
    await second.click();
    await expect(page.locator('#current')).toHaveText(title ?? '');
    // A product is never recommended as similar to itself.
    await expect(page.locator(`#similar [data-vitrine-item="${id}"]`)).toHaveCount(0);
    await expect(page.locator('#for-you [data-vitrine-item]')).toHaveCount(6);
  });
});
