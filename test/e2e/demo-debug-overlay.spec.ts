/**
 * The demo shop's `?debug=1` overlay, read as a shop owner reads it: for every list on the page
 * the items shown, each with score components that add up to its score; the visitor's intent and
 * buyer type as `vitrine.traits()` gives them; a posterior chart per experiment. Screenshots of
 * the overlay (desktop and phone) are test artifacts.
 */
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { answerConsent, attachScreenshot, cardIds, ids, rankedList, recordRanked, viewProduct, vitrine } from './demo-shop.ts';

const overlay = (page: Page) => page.locator('[data-debug-overlay]');

/** The overlay alone, as a test artifact (the full-page screenshots show it over the page). */
async function attachOverlay(part: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await part.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Each item row of one list in the overlay: its id, score, and components. */
function overlayItems(list: Locator) {
  return list.locator('li[data-debug-item]').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-debug-item')!,
      score: Number(row.getAttribute('data-score')),
      components: [...row.querySelectorAll('[data-component]')].map((part) => Number(part.getAttribute('data-value'))),
    })),
  );
}

async function expectComponentsSumToScores(list: Locator, shownIds: string[]): Promise<void> {
  // The overlay follows the widgets as they render.
  await expect.poll(async () => (await overlayItems(list)).map((row) => row.id)).toEqual(shownIds);
  const rows = await overlayItems(list);
  for (const row of rows) {
    expect(row.components.length, `components of ${row.id}`).toBeGreaterThan(0);
    expect(row.components.reduce((sum, value) => sum + value, 0)).toBeCloseTo(row.score, 6);
  }
}

async function expectTraits(page: Page): Promise<void> {
  const traits = await (await vitrine(page)).evaluate((v) => v.traits());
  await expect(overlay(page).locator('[data-trait="intent"] dd')).toHaveText(new RegExp(`^${traits.intent.value} \\(`));
  await expect(overlay(page).locator('[data-trait="buyer"] dd')).toHaveText(new RegExp(`^${traits.price.value} \\(`));
}

test('home: every widget item with components that sum to its score, intent and buyer type, the slot as a chart', async ({
  page,
}, testInfo) => {
  await answerConsent(page, 'accept');
  for (const id of ['1', '2', '3']) await viewProduct(page, id);
  await page.goto('/?debug=1');
  const shownForYou = await expect
    .poll(() => ids(page, 'for_you'))
    .toHaveLength(8)
    .then(() => ids(page, 'for_you'));
  const shownReduced = await ids(page, 'now_reduced');
  expect(shownReduced.length).toBeGreaterThan(0);

  const forYou = overlay(page).locator('[data-debug-list="for_you"]');
  await expect(forYou.locator('li[data-score]')).toHaveCount(8);
  await expectComponentsSumToScores(forYou, shownForYou);
  await expectComponentsSumToScores(overlay(page).locator('[data-debug-list="now_reduced"]'), shownReduced);
  await expectTraits(page);

  // The content slot: one row per banner, the one shown marked; flat priors (no priors file served, none in the bundle).
  const arm = await page.locator('[data-vitrine-slot="home-hero"]').getAttribute('data-vitrine-arm');
  const experiment = overlay(page).locator('[data-debug-experiment="home-hero"]');
  await expect(experiment.locator('svg.posterior-chart g.arm')).toHaveCount(3);
  await expect(experiment.locator('svg.posterior-chart g.arm.shown')).toHaveAttribute('data-arm', arm!);
  await expect(experiment).toHaveAttribute('data-prior-source', 'flat');
  // Accepted: this visitor's tallies are stored, and the banner's viewable impression (one second on screen) is one of them.
  await expect(async () => {
    await overlay(page).getByRole('button', { name: 'Aktualisieren' }).click();
    await expect(experiment.locator('.debug-note').first()).toContainText(/deine Zählung: [1-9]\d* Ansicht/, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await attachScreenshot(page, testInfo, 'debug-overlay-home');
  await attachOverlay(overlay(page), testInfo, 'debug-overlay-home-panel');
  await attachOverlay(experiment, testInfo, 'debug-overlay-home-experiment');
});

test('search: the ranked results with their components and reasons, in English', async ({ page }, testInfo) => {
  await recordRanked(page);
  await answerConsent(page, 'accept');
  await viewProduct(page, '5');
  await page.goto('/search?q=phone&lang=en&debug=1');
  const ranked = await rankedList(page, 'search');
  const shown = await cardIds(page);
  expect(shown.length).toBeGreaterThan(1);

  const list = overlay(page).locator('[data-debug-list="search"]');
  await expect(list.locator('li[data-score]')).toHaveCount(ranked.length);
  await expectComponentsSumToScores(list, shown);
  // The scores are the page's own: what `demo:ranked` carried for these items.
  const rows = await overlayItems(list);
  expect(rows.map((row) => row.score)).toEqual(shown.map((id) => ranked.find((item) => item.productId === id)!.score));
  await expectTraits(page);
  await expect(overlay(page).locator('summary')).toHaveText('Vitrine debug');
  await expect(overlay(page).getByText('Experiments').locator('xpath=..')).toContainText('none on this page');
  await attachScreenshot(page, testInfo, 'debug-overlay-search');
  await attachOverlay(overlay(page), testInfo, 'debug-overlay-search-panel');
});

test('on a phone the overlay starts closed, as a small bar that leaves the page readable, and opens on a tap', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await answerConsent(page, 'reject');
  await page.goto('/?debug=1');
  const details = overlay(page).locator('details');
  await expect(details).not.toHaveAttribute('open');
  const closed = (await overlay(page).boundingBox())!;
  expect(closed.height).toBeLessThan(60);
  expect(closed.y).toBeGreaterThan(844 / 2);
  await overlay(page).locator('summary').click();
  await expect(details).toHaveAttribute('open');
  await expect(overlay(page).locator('[data-debug-experiment="home-hero"] svg')).toBeVisible();
  const open = (await overlay(page).boundingBox())!;
  expect(open.height).toBeLessThanOrEqual(844 / 2 + 1);
  // Rejected: nothing of this visitor is stored, so the chart is the prior alone, and says so.
  await expect(overlay(page).locator('[data-debug-experiment="home-hero"] .debug-note').first()).toContainText('keine eigene Zählung');
  const path = testInfo.outputPath('debug-overlay-phone.png');
  await page.screenshot({ path });
  await testInfo.attach('debug-overlay-phone', { path, contentType: 'image/png' });
});
