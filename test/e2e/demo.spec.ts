/**
 * The demo shop (`npm run demo`) as a shopper uses it: real pages with real links (home, category,
 * product, search, cart, privacy), German first, Vitrine only through its script tag, placeholders
 * and page API. The personal journeys are in demo-personal.spec.ts, consent in demo-consent.spec.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  answerConsent,
  attachScreenshot,
  byId,
  cardIds,
  cards,
  ids,
  items,
  PRODUCTS,
  rankedList,
  reasonsOf,
  recordRanked,
  salePrice,
  vitrine,
} from './demo-shop.ts';

/** Page errors fail the test they happen in. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

test.describe('the demo shop', () => {
  test('should give a new visitor bestsellers, offers, a banner chosen by the bandit and a consent banner, in German', async ({
    page,
  }, testInfo) => {
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.goto('/');

    const banner = page.getByRole('dialog', { name: 'Deine Privatsphäre' });
    await expect(banner.getByRole('button', { name: 'Alle ablehnen' })).toBeVisible();
    await expect(banner.getByRole('button', { name: 'Alle akzeptieren' })).toBeVisible();
    await expect(page.locator('[data-vitrine="for_you"] h2')).toHaveText('Für dich empfohlen');

    await expect(items(page, 'for_you')).toHaveCount(8);
    for (let i = 0; i < 8; i++) expect(await reasonsOf(page, 'for_you', i), `for_you #${i}`).toContain('Ein Bestseller');
    for (const id of await ids(page, 'for_you')) expect(byId.has(id)).toBe(true);

    await expect(items(page, 'now_reduced')).toHaveCount(4);
    for (let i = 0; i < 4; i++) await expect(items(page, 'now_reduced').nth(i).locator('del')).toHaveCount(1);

    // The bandit chose one of the three banners; its link leads into the shop.
    const slot = page.locator('[data-vitrine-slot="home-hero"]');
    await expect(slot).toHaveAttribute('data-vitrine-arm', /^(sale|new-in|shipping)$/);
    await expect(slot.locator('a.hero')).toHaveCount(1);

    // The shop's own files and Vitrine's, nothing else: the worker and kernels next to vitrine.js, images local.
    expect(requests).toContain('/vitrine/vitrine.js');
    expect(requests.some((path) => /^\/vitrine\/assets\/worker-[\w-]+\.js$/.test(path))).toBe(true);
    expect(requests.some((path) => /^\/vitrine\/assets\/kernels[.\w-]*-[\w-]+\.wasm$/.test(path))).toBe(true);
    expect(requests.filter((path) => path.startsWith('/images/')).every((path) => /^\/images\/\d+\.svg$/.test(path))).toBe(true);
    await attachScreenshot(page, testInfo, 'home');
    expect(errors).toEqual([]);
  });

  test('should browse like a classic shop: a category re-ranked for the visitor, a product, its similar products', async ({
    page,
  }, testInfo) => {
    const errors = collectErrors(page);
    await recordRanked(page);
    await answerConsent(page, 'accept');
    await page.getByRole('navigation', { name: 'Kategorien' }).getByRole('link', { name: 'Smartphones' }).click();
    await expect(page).toHaveURL(/\/c\/smartphones$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Smartphones');
    const smartphones = PRODUCTS.filter((p) => p.category === 'smartphones').map((p) => String(p.id));
    await expect(cards(page)).toHaveCount(smartphones.length);

    // The grid shows the shop's products in Vitrine's order, and says so.
    const ranked = await rankedList(page, 'category');
    expect(ranked.map((item) => item.productId).sort()).toEqual([...smartphones].sort());
    await expect(page.getByText('Für dich sortiert')).toBeVisible();
    expect(await cardIds(page)).toEqual(ranked.map((item) => item.productId));
    await attachScreenshot(page, testInfo, 'category');

    const first = cards(page).first();
    const id = (await first.getAttribute('data-product'))!;
    await first.getByRole('heading').getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/p/${id}$`));
    await expect(page.locator('#product-title')).toHaveText(byId.get(id)!.title);
    await expect(items(page, 'similar')).toHaveCount(6);
    await expect(items(page, 'also_bought').first()).toBeVisible();
    expect(await ids(page, 'similar')).not.toContain(id);
    // The carousels' off-screen cards stay inside their scrollers: the page does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
    await attachScreenshot(page, testInfo, 'product');

    // A click on a recommendation is a full page load of that product's page.
    const next = items(page, 'similar').nth(1);
    const nextId = (await next.getAttribute('data-vitrine-item'))!;
    await next.getByRole('link').first().click();
    await expect(page).toHaveURL(new RegExp(`/p/${nextId}$`));
    await expect(page.locator('#product-title')).toHaveText(byId.get(nextId)!.title);
    expect(errors).toEqual([]);
  });

  test("should keep English once chosen, across the shop's links and the widgets' links", async ({ page }) => {
    await page.goto('/p/5');
    await page.getByRole('link', { name: 'EN', exact: true }).click();
    await expect(page).toHaveURL(/\/p\/5\?lang=en$/);
    await expect(page.getByRole('button', { name: 'Add to cart' })).toBeVisible();
    await expect(page.locator('[data-vitrine="similar"] h2')).toHaveText('Similar products');
    await page.getByRole('link', { name: 'Beauty' }).first().click();
    await expect(page).toHaveURL(/\/c\/beauty\?lang=en$/);
    await page.goto('/p/5?lang=en');
    const next = items(page, 'similar').first();
    await next.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/p\/\d+$/);
    await expect(page.locator('[data-vitrine="similar"] h2')).toHaveText('Similar products');
    await expect(page.getByRole('link', { name: /^Cart/ })).toBeVisible();
  });

  test('should fill the cart, show what goes with it, and check out with one purchase per line', async ({ page }, testInfo) => {
    await answerConsent(page, 'accept');
    for (const id of ['5', '30']) {
      await page.goto(`/p/${id}`);
      await page.getByRole('button', { name: 'In den Warenkorb' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Im Warenkorb.' })).toBeVisible();
    }
    await expect(page.locator('[data-cart-count]')).toHaveText('2');
    await page.getByRole('link', { name: /^Warenkorb/ }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.locator('.cart-line')).toHaveCount(2);
    await expect(items(page, 'goes_with').first()).toBeVisible();
    const goesWith = await ids(page, 'goes_with');
    expect(goesWith).not.toContain('5');
    expect(goesWith).not.toContain('30');
    await attachScreenshot(page, testInfo, 'cart');

    await page.getByRole('button', { name: 'Zur Kasse (Demo)' }).click();
    await expect(page.getByText('Danke für deine Bestellung!')).toBeVisible();
    await expect(page.locator('.cart-line')).toHaveCount(0);
    await expect(page.locator('[data-cart-count]')).toHaveText('0');
    const handle = await vitrine(page);
    await expect
      .poll(async () =>
        (await handle.evaluate(async (v) => (await v.profile.export()).events))
          .filter((event) => event.type === 'purchase')
          .map((event) => `${event.product} ${event.price}`)
          .sort(),
      )
      .toEqual([`30 ${salePrice(byId.get('30')!)}`, `5 ${salePrice(byId.get('5')!)}`]);
  });

  test('should show the embed alone on a plain page: the script tag and placeholders, no shop code', async ({ page }) => {
    await page.goto('/embed.html');
    await expect(items(page, 'for_you')).toHaveCount(6);
    // Red Nail Polish: its four fellow cosmetics, not padded with bestsellers from other aisles.
    await expect(items(page, 'similar')).toHaveCount(4);
    expect((await ids(page, 'similar')).map((id) => byId.get(id)!.category)).toEqual(Array(4).fill('beauty'));
    await expect(items(page, 'trending').first()).toBeVisible();
    expect(await page.locator('script').evaluateAll((scripts) => scripts.map((s) => s.getAttribute('src')))).toEqual([
      '/vitrine/vitrine.js',
    ]);
  });

  test('should mount the debug overlay only with ?debug=1', async ({ page }) => {
    await page.goto('/');
    await expect(items(page, 'for_you').first()).toBeVisible();
    await expect(page.getByRole('complementary', { name: 'Vitrine debug' })).toHaveCount(0);
    await page.goto('/?debug=1');
    await expect(page.getByRole('complementary', { name: 'Vitrine debug' })).toBeVisible();
  });
});
