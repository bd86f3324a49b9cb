/**
 * The privacy panel is a script of its own (vitrine-privacy.js): a page that never shows it never
 * downloads it, and "Manage my data" fetches it once, rendered with vitrine.js's Preact (its hooks
 * work: the panel reads the engine and follows the consent toggle). When it cannot come, the dialog
 * still closes and the console says which file failed; the next attempt fetches it again.
 */
import { expect, test, type Page } from '@playwright/test';
import { startShop, type Shop } from './shop-harness.ts';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Lazy panel</title>
<script src="/vitrine/vitrine.js" data-bundle="/vitrine/shop.vtb" async></script></head>
<body><main><h1>A product page</h1><div data-vitrine="trending" data-limit="4"></div></main></body></html>`;

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

const panelRequests = (shop: Shop): number => shop.requests.filter((request) => request.url.endsWith('/vitrine-privacy.js')).length;

async function openPage(page: Page): Promise<void> {
  shop = await startShop();
  await page.route(`${shop.origin}/lazy-panel.html`, (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
  await page.goto(`${shop.origin}/lazy-panel.html`);
  await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(4);
}

async function manageData(page: Page): Promise<void> {
  await page.locator('[data-vitrine="trending"] [data-vitrine-why]').first().click();
  await page.getByRole('button', { name: 'Manage my data' }).click();
}

test('should fetch the privacy panel only when the visitor opens it, once, and render it with working hooks', async ({ page }) => {
  await openPage(page);
  expect(panelRequests(shop)).toBe(0);

  await manageData(page);
  const dialog = page.getByRole('dialog', { name: 'Your data' });
  await expect(dialog).toContainText('Nothing is stored', { timeout: 5000 });
  // State and effects run on vitrine.js's Preact: the toggle changes the consent the panel then reads back.
  const personal = dialog.getByRole('checkbox', { name: /personal recommendations/i });
  await expect(personal).not.toBeChecked();
  await personal.check();
  await expect(personal).toBeChecked();
  await expect(dialog).toContainText('Saved on this device only', { timeout: 5000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  await manageData(page);
  await expect(page.getByRole('dialog', { name: 'Your data' })).toContainText('Saved on this device only');
  expect(panelRequests(shop)).toBe(1);
});

test('should let the visitor close the dialog and say which file failed when the panel cannot be fetched, then try again', async ({
  page,
}) => {
  const warnings: string[] = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  await openPage(page);
  await page.route('**/vitrine-privacy.js', (route) => route.abort());

  await manageData(page);
  const dialog = page.getByRole('dialog', { name: 'Your data' });
  await expect.poll(() => warnings.join('\n')).toMatch(/privacy panel could not be loaded from .*vitrine-privacy\.js/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  await page.unroute('**/vitrine-privacy.js');
  await manageData(page);
  // The panel itself, whatever it lists: by now the widget's impressions may be in the in-memory
  // profile ("Nothing is stored" only held when the retry came before them).
  await expect(page.getByRole('dialog', { name: 'Your data' })).toContainText('Your choices', { timeout: 5000 });
  expect(panelRequests(shop)).toBe(1);
});
