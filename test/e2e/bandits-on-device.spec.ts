/**
 * On-device experiments through the real script tag (dist/vitrine.js): a content slot and
 * `vitrine.experiment()` / `reward()` in the default on-device mode make no request beyond
 * Vitrine's own files (the slot code is vitrine-slots.js, added only to pages with a slot; the
 * experiments engine is one more lazily loaded worker chunk), witnessed by
 * the browser and the server. With Vitrine off the slot shows the shop's first variant.
 */
import { expect, test } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

const ALLOWED = [
  /^GET \/bandits\.html$/,
  /^GET \/vitrine\/vitrine\.js$/,
  /^GET \/vitrine\/vitrine-slots\.js$/,
  /^GET \/vitrine\/assets\/worker-[\w-]+\.js$/,
  /^GET \/vitrine\/assets\/kernels(\.simd)?-[\w-]+\.wasm$/,
  /^GET \/vitrine\/assets\/bandit(\.simd)?-[\w-]+\.wasm$/,
  /^GET \/vitrine\/shop\.vtb$/,
];

let shop: Witnesses;

test.afterEach(async () => {
  await shop?.close();
});

test('a content slot and the experiments API make no request in on-device mode', async ({ browser }) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  const page = await context.newPage();
  await page.goto(`${shop.origin}/bandits.html`);
  const slot = page.locator('[data-vitrine-slot="home-hero"]');
  await expect(slot).toHaveAttribute('data-vitrine-arm', /\S/);
  const arm = await slot.getAttribute('data-vitrine-arm');
  // Only the chosen variant shows; the viewable impression (1 s) is sent, then a click inside.
  await expect(slot.locator(':scope > [data-variant]:not(template)')).toHaveCount(1);
  await expect(slot.locator(`:scope > [data-variant="${arm}"]:not(template)`)).toBeVisible();
  await page.waitForTimeout(1_500);
  await slot.locator(':scope > [data-variant]:not(template)').locator('a, button').click();
  const choice = await page.evaluate(async () => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    await vitrine.consent.set({ personalization: true });
    const spec = { name: 'banner-copy', arms: ['short', 'long', 'emoji'], slots: 2 };
    const chosen = await vitrine.experiment(spec);
    await vitrine.reward(chosen.arms.map((a) => ({ experiment: spec.name, arm: a, kind: 'impression' as const })));
    await vitrine.reward([{ experiment: spec.name, arm: chosen.arms[0]!, kind: 'purchase' }]);
    return { chosen, exported: (await vitrine.profile.export()).bandit };
  });
  expect(choice.chosen.arms).toHaveLength(2);
  expect(choice.exported.find((e) => e.experiment == 'banner-copy' && e.arm == choice.chosen.arms[0])).toMatchObject({
    trials: 1,
    successes: 1,
  });
  await page.waitForTimeout(1_000);

  const seen = [...new Set(shop.browser.map(({ method, url }) => `${method} ${url.slice(shop.origin.length)}`))].sort();
  for (const entry of seen)
    expect(
      ALLOWED.some((allowed) => allowed.test(entry)),
      `unexpected request: ${entry}`,
    ).toBe(true);
  // The slot code and the bandits chunk (experiments engine, with its kernels' wasm) came as files of their own, and nothing was posted anywhere.
  expect(seen).toContain('GET /vitrine/vitrine-slots.js');
  expect(seen.some((entry) => /worker-chunk-bandits-/.test(entry))).toBe(true);
  expect(shop.browser.every((request) => request.postData === null)).toBe(true);
  expect(shop.server.every((request) => request.method == 'GET' && request.body === '')).toBe(true);
  await context.close();
});

test("the slot shows the shop's first variant when Vitrine is off", async ({ browser }) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  // Blocked (an ad blocker, a CSP, a failed CDN): the script never runs.
  await context.route('**/vitrine/vitrine.js', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${shop.origin}/bandits.html`);
  await expect(page.getByRole('link', { name: 'Sale: 20% off' })).toBeVisible();
  await expect(page.getByText('New in this week')).toBeHidden();
  await expect(page.getByText('Free shipping today')).toBeHidden();
  await context.close();
});
