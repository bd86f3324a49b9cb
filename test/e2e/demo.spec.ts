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
  category: string;
  price: number;
  discountPercentage: number;
}
const products = JSON.parse(readFileSync('demo/data/products.json', 'utf8')) as DemoProduct[];
const byId = new Map(products.map((p) => [String(p.id), p]));
const titles = new Map(products.map((p) => [String(p.id), p.title]));
const PLACEMENTS = ['goes_with', 'now_reduced', 'for_you', 'trending'];

type Vitrine = import('../../src/embed/script-tag.ts').VitrineGlobal;

const items = (page: Page, placement: string) => page.locator(`[data-vitrine="${placement}"] [data-vitrine-item]`);
const ids = (page: Page, placement: string) =>
  items(page, placement).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-vitrine-item')!));

/** The ids each placement on the page shows, once every one shows its full count. */
async function shownByPlacement(page: Page, counts: Record<string, number>): Promise<Record<string, string[]>> {
  const shown: Record<string, string[]> = {};
  for (const [placement, count] of Object.entries(counts)) {
    await expect(items(page, placement), placement).toHaveCount(count);
    shown[placement] = await ids(page, placement);
  }
  return shown;
}

/** The shop's consent banner said yes on every page: its choice is queued before vitrine.js loads. */
const grantPersonalization = (page: Page) =>
  page.addInitScript(() => {
    (window as unknown as { vitrine: unknown[] }).vitrine = [['consent.set', { personalization: true }]];
  });

const HOME_COUNTS = { goes_with: 4, now_reduced: 4, for_you: 6, trending: 6 };

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
    // The refreshed list is the cart's complements: the engine's own answer for this cart, leaving
    // out what the page's other placements show (it was added last).
    await expect
      .poll(async () => {
        const others = (
          await Promise.all(['similar', 'also_bought', 'now_reduced', 'for_you', 'trending'].map((p) => ids(page, p)))
        ).flat();
        const expected = await page.evaluate(async (exclude) => {
          const vitrine = (window as unknown as { vitrine: Vitrine }).vitrine;
          return (await vitrine.recommend({ placement: 'goes_with', limit: 4, locale: 'en', exclude })).items.map((item) => item.productId);
        }, others);
        return JSON.stringify(await ids(page, 'goes_with')) === JSON.stringify(expected) && !expected.includes('5');
      })
      .toBe(true);
  });

  test("should never show a product twice on a new visitor's home page, and fill each placement all the same", async ({ page }) => {
    await page.goto('/');
    const shown = await shownByPlacement(page, HOME_COUNTS);
    const all = Object.values(shown).flat();
    expect(new Set(all).size, JSON.stringify(shown)).toBe(all.length);
  });

  test('should never show a product twice on a product page either: its own lists come first', async ({ page }) => {
    await page.goto('/?product=5');
    const shown = await shownByPlacement(page, { similar: 6, also_bought: 6, ...HOME_COUNTS });
    const all = Object.values(shown).flat();
    expect(new Set(all).size, JSON.stringify(shown)).toBe(all.length);
    // The product page's own lists get the best of what is left after the product itself.
    const best = await page.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: Vitrine }).vitrine;
      return (await vitrine.recommend({ placement: 'similar', product: '5', limit: 6 })).items.map((item) => item.productId);
    });
    expect(shown.similar).toEqual(best);
  });

  test('should show only reduced products under "now reduced", and head a list of other products on sale "On sale"', async ({ page }) => {
    await grantPersonalization(page);
    // The visitor saw product 30 at its list price and product 5 at today's price: only 30 got cheaper since.
    await page.goto('/?product=5');
    await expect(items(page, 'similar')).toHaveCount(6);
    const list = byId.get('30')!;
    await page.evaluate((price) => (window as unknown as { vitrine: Vitrine }).vitrine.track('view', { product: '30', price }), list.price);

    await page.goto('/');
    const reduced = items(page, 'now_reduced');
    await expect(reduced).toHaveCount(4);
    const shown = await ids(page, 'now_reduced');
    // The real drop first, explained with the price the visitor saw; then products on sale, never 5 (no drop).
    expect(shown[0]).toBe('30');
    await expect(reduced.first().locator('.pop li').first()).toContainText(/^Was €[\d.,]+, now €[\d.,]+/);
    expect(shown).not.toContain('5');
    for (const [i, id] of shown.entries()) {
      expect(byId.get(id)!.discountPercentage, `${id} is on sale`).toBeGreaterThan(0);
      await expect(reduced.nth(i).locator('del'), `${id} shows its old price`).toHaveCount(1);
      if (i > 0) await expect(reduced.nth(i).locator('.pop'), `${id} is no price drop`).not.toContainText('Was ');
    }
    // Filled up from the bestsellers on sale, so the heading no longer promises "now reduced".
    await expect(page.locator('[data-vitrine="now_reduced"] h2')).toHaveText('On sale');
    // Never a copy of "recommended for you".
    const forYou = await ids(page, 'for_you');
    expect(shown.filter((id) => forYou.includes(id))).toEqual([]);
  });

  test('should turn "for you" to a category after three views of it, with a reason naming a viewed product', async ({ page }) => {
    await grantPersonalization(page);
    const viewed = products.filter((p) => p.category === 'smartphones').slice(0, 3);
    for (const product of viewed) {
      await page.goto(`/?product=${product.id}`);
      await expect(page.locator('#product-title')).toHaveText(product.title);
      await expect(items(page, 'similar')).toHaveCount(6);
    }
    await page.goto('/');
    await expect(items(page, 'for_you')).toHaveCount(6);
    const shown = await ids(page, 'for_you');
    const categories = shown.map((id) => byId.get(id)!.category);
    const reasons = await items(page, 'for_you').first().locator('.pop li').allTextContents();
    // Printed for the report: what the visitor sees.
    console.log(
      `for_you after ${viewed.map((p) => p.title).join(', ')}: ${categories.join(', ')}; first item's reasons: ${reasons.join(' | ')}`,
    );
    expect(categories.filter((category) => category === 'smartphones').length, categories.join(', ')).toBeGreaterThanOrEqual(3);
    expect(
      reasons.some((reason) => viewed.some((p) => reason.includes(p.title))),
      reasons.join(' | '),
    ).toBe(true);
  });

  test('should speak German with ?lang=de', async ({ page }) => {
    await page.goto('/?lang=de');
    await expect(page.locator('[data-vitrine="trending"] h2')).toHaveText('Gerade im Trend');
    await expect(page.locator('[data-vitrine="for_you"] h2')).toHaveText('Für dich empfohlen');
    await expect(page.locator('[data-vitrine="privacy-panel"] h2')).toHaveText('Deine Daten');
  });
});
