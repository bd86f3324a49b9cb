/**
 * Placeholder templates through the real script tag (dist/vitrine.js) and the real demo bundle: the
 * template script (vitrine-templates.js) is loaded only by a page whose placeholders hold a
 * `<template>`, fills the shop's markup from the engine's items (prices rounded to cents), the shop
 * styles it through its part names, its words (`data-strings` on the body) head the lists, and a
 * click in a card is reported like a click in a built-in one.
 */
import { expect, test } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

let shop: Witnesses;

test.afterEach(async () => {
  await shop?.close();
});

test("a placeholder with templates renders the shop's cards, from a script only that page loads", async ({ browser }) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => ['warning', 'error'].includes(message.type()) && problems.push(message.text()));
  await page.goto(`${shop.origin}/templates.html`);
  const mine = page.locator('#mine');
  const cards = mine.locator('[data-vitrine-item]');
  await expect(cards).toHaveCount(3);
  await expect(mine.locator('h2.head')).toHaveText('Les plus vendus');
  // The built-in card is replaced; the shop's part name reaches into the shadow root.
  await expect(mine.locator('[data-vitrine-why]')).toHaveCount(0);
  await expect(cards.first().locator('a[part="card"]')).toHaveCSS('color', 'rgb(10, 20, 30)');
  for (const price of await mine.locator('.price').allTextContents()) expect(price).toMatch(/^\d+,\d{2}\s€$/);
  expect((await mine.locator('.where').allTextContents()).every((text) => text.length > 0)).toBe(true);
  const titles = await mine.locator('b').allTextContents();
  const items = await page.evaluate(async () => {
    const { items } = await (window as unknown as { vitrine: VitrineGlobal }).vitrine.recommend({ placement: 'trending', limit: 3 });
    return items.map(({ title, price, salePrice }) => ({ title, price, salePrice }));
  });
  expect(titles).toEqual(items.map((item) => item.title));
  for (const { price, salePrice } of items)
    for (const value of [price, salePrice]) if (value !== null) expect(Math.round(value * 100) / 100).toBe(value);
  // The placeholder without a template keeps the built-in cards, with the page's words.
  await expect(page.locator('#plain [data-vitrine-why]')).toHaveCount(2);
  await expect(page.locator('#plain h2')).toHaveText('Les plus vendus');

  // A click in the shop's card is the item's click.
  const clicked = (await cards.first().getAttribute('data-vitrine-item'))!;
  await cards
    .first()
    .locator('a')
    .evaluate((link) => link.addEventListener('click', (e) => e.preventDefault()));
  await cards.first().locator('a').click();
  await expect
    .poll(() =>
      page.evaluate(async () =>
        (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export()).events.filter((e) => e.type == 'click'),
      ),
    )
    .toEqual([expect.objectContaining({ product: clicked, placement: 'trending' })]);

  const urls = shop.browser.map(({ url }) => url);
  expect(urls.filter((url) => url.endsWith('/vitrine/vitrine-templates.js'))).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

test('a page without templates does not load the template script', async ({ browser }) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  const page = await context.newPage();
  await page.goto(`${shop.origin}/no-variants.html`);
  await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(3);
  await page.waitForTimeout(500);
  expect(shop.browser.some(({ url }) => url.includes('vitrine-templates'))).toBe(false);
  await context.close();
});
