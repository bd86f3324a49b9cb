/**
 * Recommendation variants on placeholders through the real script tag (dist/vitrine.js) and the
 * real demo bundle: the experiments script (vitrine-slots.js) is loaded only by a page with
 * `data-variants` (or a content slot), chooses the arm, the widget renders that arm's list, its
 * viewable impression and a click on an item reach the visitor's bandit state, and nothing leaves
 * the device. A malformed `data-variants` warns in the console and shows the placeholder's default.
 */
import { expect, test } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

const ALLOWED = [
  /^GET \/variants\.html$/,
  /^GET \/vitrine\/vitrine\.js$/,
  /^GET \/vitrine\/vitrine-slots\.js$/,
  /^GET \/vitrine\/assets\/worker-[\w-]+\.js$/,
  /^GET \/vitrine\/assets\/(bandit|kernels)(\.simd)?-[\w-]+\.wasm$/,
  /^GET \/vitrine\/shop\.vtb$/,
  /^GET \/images\//,
];

const ARMS: Record<string, { heading: string; count: number; grid: boolean }> = {
  hot: { heading: 'Hot right now', count: 3, grid: false },
  picks: { heading: 'Picked for you', count: 4, grid: true },
};

let shop: Witnesses;

test.afterEach(async () => {
  await shop?.close();
});

test("a placement with data-variants shows the chosen arm's list and learns from its impression and click, on the device", async ({
  browser,
}) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => message.type() == 'warning' && warnings.push(message.text()));
  await page.goto(`${shop.origin}/variants.html`);
  const placeholder = page.locator('[data-experiment="home-list"]');
  await expect(placeholder).toHaveAttribute('data-vitrine-arm', /^(hot|picks)$/);
  const arm = (await placeholder.getAttribute('data-vitrine-arm'))!;
  const expected = ARMS[arm]!;
  const section = placeholder.locator('section');
  await expect(section.locator('h2')).toHaveText(expected.heading);
  await expect(section.locator('[data-vitrine-item]')).toHaveCount(expected.count);
  await expect(section).toHaveClass(expected.grid ? /\bgrid\b/ : /\bcarousel\b/);
  // Exploration or not, the mark and the label agree with each other.
  const explored = await placeholder.getAttribute('data-vitrine-explore');
  await expect(placeholder.locator('[data-vitrine-explore-label]')).toHaveCount(explored === null ? 0 : 1);
  if (explored !== null) {
    expect(explored).toBe(arm);
    await expect(placeholder.locator('[data-vitrine-explore-label]')).toHaveText("We're trying something new here");
    await section.locator('[data-vitrine-why]').first().click();
    await expect(section.locator('[data-vitrine-explore-reason]')).toBeVisible();
    await page.keyboard.press('Escape');
  }
  // The viewable impression (half on screen for a second), then a click on an item's link.
  await page.waitForTimeout(1_500);
  const clicked = await section.locator('[data-vitrine-item]').first().getAttribute('data-vitrine-item');
  await section.locator('[data-vitrine-item] a').first().click();
  await expect
    .poll(() =>
      page.evaluate(async () =>
        (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export()).bandit.filter(
          (e) => e.experiment == 'home-list',
        ),
      ),
    )
    .toEqual([expect.objectContaining({ arm, trials: 1, successes: 1 })]);
  expect(clicked).toBeTruthy();

  // The malformed placeholder: a warning naming it, and its default (trending, 2 items).
  const malformed = page.locator('#malformed');
  await expect(malformed).toHaveAttribute('data-vitrine-arm', '');
  await expect(malformed.locator('[data-vitrine-item]')).toHaveCount(2);
  expect(warnings.some((w) => w.includes('data-variants on data-vitrine="trending"') && w.includes('data-variants[1].strategy'))).toBe(
    true,
  );

  await page.waitForTimeout(500);
  const seen = [...new Set(shop.browser.map(({ method, url }) => `${method} ${url.slice(shop.origin.length)}`))].sort();
  for (const entry of seen)
    expect(
      ALLOWED.some((allowed) => allowed.test(entry)),
      `unexpected request: ${entry}`,
    ).toBe(true);
  expect(seen).toContain('GET /vitrine/vitrine-slots.js');
  expect(shop.browser.every((request) => request.postData === null)).toBe(true);
  await context.close();
});

test('a page without variants or slots does not load the experiments script', async ({ browser }) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  const page = await context.newPage();
  await page.goto(`${shop.origin}/no-variants.html`);
  await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(3);
  await page.waitForTimeout(500);
  const urls = shop.browser.map(({ url }) => url);
  expect(urls.some((url) => url.endsWith('/vitrine/vitrine.js'))).toBe(true);
  expect(urls.some((url) => url.includes('vitrine-slots'))).toBe(false);
  await context.close();
});
