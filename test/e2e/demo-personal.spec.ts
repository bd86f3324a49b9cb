/**
 * The demo shop's personal journeys, as a shopper makes them (consent given in the banner, products
 * viewed on their pages): "for you" turning to what they look at, a price drop they saw coming
 * back under "now reduced", and search results ordered by their price style, each explained.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  answerConsent,
  attachScreenshot,
  byId,
  cardIds,
  ids,
  items,
  PRODUCTS,
  rankedList,
  reasonsOf,
  recordRanked,
  salePrice,
  viewProduct,
  vitrine,
  type DemoProduct,
} from './demo-shop.ts';

const euro = (value: number) => new Intl.NumberFormat('de', { style: 'currency', currency: 'EUR' }).format(value);

test.describe('the demo shop, for a visitor who said yes', () => {
  test('should turn "for you" to a category after three views of it, the first item naming a viewed product', async ({ page }) => {
    await answerConsent(page, 'accept');
    const viewed = PRODUCTS.filter((p) => p.category === 'smartphones').slice(0, 3);
    for (const product of viewed) await viewProduct(page, String(product.id));

    await page.getByRole('link', { name: 'Vitrine Warenhaus' }).click();
    await expect(items(page, 'for_you')).toHaveCount(8);
    const shown = await ids(page, 'for_you');
    const categories = shown.map((id) => byId.get(id)!.category);
    const reasons = await reasonsOf(page, 'for_you', 0);
    // Printed for the report: what the visitor sees.
    console.log(
      `for_you after ${viewed.map((p) => p.title).join(', ')}: ${categories.join(', ')}; first item's reasons: ${reasons.join(' | ')}`,
    );
    expect(categories.filter((category) => category === 'smartphones').length, categories.join(', ')).toBeGreaterThanOrEqual(4);
    expect(
      reasons.some((reason) => viewed.some((p) => reason.includes(p.title))),
      reasons.join(' | '),
    ).toBe(true);
  });

  test('should show a product the visitor looked at under "now reduced" once the shop lowers its price, with both prices', async ({
    page,
    context,
  }, testInfo) => {
    const product = PRODUCTS.find((p) => p.category === 'furniture')!;
    const id = String(product.id);
    const seen = salePrice(product);
    // The price change: the shop's next bundle, built like the demo's, with 20 points more off this product.
    const catalog = JSON.parse(readFileSync('demo/build/catalog.json', 'utf8')) as DemoProduct[];
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-demo-'));
    const cheaper = { ...product, discountPercentage: product.discountPercentage + 20 };
    writeFileSync(
      join(dir, 'catalog.json'),
      JSON.stringify(catalog.map((p) => (String(p.id) === id ? { ...p, discountPercentage: cheaper.discountPercentage } : p))),
    );
    execFileSync('node', [
      'bin/vitrine.js',
      'bundle',
      'build',
      '--catalog',
      join(dir, 'catalog.json'),
      '--events',
      'demo/data/carts.json',
      '--out',
      join(dir, 'shop.vtb'),
    ]);
    const reduced = salePrice(cheaper);
    expect(reduced).toBeLessThan(seen);

    // The visitor looks at the product at today's price (tracked from the page's JSON-LD).
    await answerConsent(page, 'accept');
    await viewProduct(page, id);
    await expect(page.locator('.product .price ins')).toHaveText(euro(seen));
    expect(await ids(page, 'now_reduced').catch(() => [])).not.toContain(id);

    // Same bundle URL, new bytes: the cached bundle serves at once and revalidates in the background,
    // so a later page load has the new price.
    const next = readFileSync(join(dir, 'shop.vtb'));
    await context.route('**/vitrine/shop.vtb', (route) =>
      route.fulfill({ body: next, headers: { 'content-type': 'application/octet-stream' } }),
    );
    await expect
      .poll(
        async () => {
          await page.goto('/');
          await expect(items(page, 'now_reduced').first()).toBeVisible();
          return (await ids(page, 'now_reduced'))[0];
        },
        { timeout: 30_000 },
      )
      .toBe(id);
    const first = items(page, 'now_reduced').first();
    await expect(first.locator('del')).toContainText(euro(product.price));
    await expect(first).toContainText(euro(reduced));
    // Its "Why?" says what changed since the visitor looked (the price it was seen at, the price now).
    expect((await reasonsOf(page, 'now_reduced', 0)).join(' | ')).toContain(`Vorher ${euro(seen)}, jetzt ${euro(reduced)}`);
    await attachScreenshot(page, testInfo, 'home-reduced');
  });

  test('should order the same search differently for a premium and a bargain visitor, and say why', async ({ browser }, testInfo) => {
    const query = 'watch';
    const results: Record<string, { order: string[]; reasons: string[][]; traits: unknown }> = {};
    for (const [style, viewed] of Object.entries(VISITORS)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await recordRanked(page);
      await answerConsent(page, 'accept');
      for (const id of viewed) await viewProduct(page, id);
      await page.getByRole('searchbox', { name: 'Produkte suchen' }).fill(query);
      await page.getByRole('button', { name: 'Suchen' }).click();
      await expect(page).toHaveURL(/\/search\?q=watch$/);
      const ranked = await rankedList(page, 'search');
      await expect(page.getByText('Für dich sortiert')).toBeVisible();
      const order = await cardIds(page);
      expect(order).toEqual(ranked.map((item) => item.productId));
      // Each result's "Why?" shows Vitrine's reasons for it, and leads to the privacy page.
      const reasons: string[][] = [];
      for (const card of await page.locator('main .grid .card').all())
        reasons.push(await card.locator('.why li').evaluateAll((lines) => lines.map((line) => line.firstChild?.textContent ?? '')));
      expect(reasons.map((r) => r.length > 0)).toEqual(order.map(() => true));
      await page.locator('main .grid .card').first().getByText('Warum?').click();
      await expect(page.locator('main .grid .card').first().getByRole('link', { name: 'Meine Daten verwalten' })).toHaveAttribute(
        'href',
        '/privacy',
      );
      const handle = await vitrine(page);
      results[style] = { order, reasons, traits: await handle.evaluate((v) => v.traits()) };
      if (style === 'premium') await attachScreenshot(page, testInfo, 'search');
      await context.close();
    }
    const { premium, bargain } = results as Record<'premium' | 'bargain', (typeof results)[string]>;
    console.log(
      `search "${query}": premium ${premium.order.map(describe).join(', ')} (${premium.reasons[0]!.join(' | ')}); bargain ${bargain.order.map(describe).join(', ')} (${bargain.reasons[0]!.join(' | ')})`,
    );
    expect(premium.traits).toMatchObject({ price: { value: 'premium' } });
    expect(bargain.traits).toMatchObject({ price: { value: 'bargain' } });
    expect(premium.order).not.toEqual(bargain.order);
    // The top result says why it is on top for this visitor; no result gives the other visitor's reason.
    expect(premium.reasons[0]!.join(' ')).toContain('Premium-Wahl');
    expect(bargain.reasons[0]!.join(' ')).toMatch(/^\d+\s% reduziert – ein gutes Angebot/);
    expect(premium.reasons.flat().filter((reason) => reason.includes('gutes Angebot'))).toEqual([]);
    expect(bargain.reasons.flat().filter((reason) => reason.includes('Premium-Wahl'))).toEqual([]);
  });
});

/** A product, for the printed comparison: title, price, discount. */
function describe(id: string): string {
  const p = byId.get(id)!;
  return `${p.title} ${euro(salePrice(p))} (-${Math.round(p.discountPercentage)}%)`;
}

/** Of four categories without brands (so brand loyalty plays no part), the dearest product (premium) and the most reduced one (bargain). */
const LARGEST = ['kitchen-accessories', 'groceries', 'sports-accessories', 'home-decoration'];
const pick = (by: (p: DemoProduct) => number) =>
  LARGEST.map((category) => String(PRODUCTS.filter((p) => p.category === category).sort((a, b) => by(b) - by(a))[0]!.id));
const VISITORS = { premium: pick((p) => p.price), bargain: pick((p) => p.discountPercentage) };
