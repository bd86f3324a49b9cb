/**
 * Takes the README's screenshots of the demo shop: `npm run build && npm run demo:build && tsx
 * scripts/screenshot.ts` writes, for a visitor who accepted in the consent banner and looked at
 * three smartphones:
 * - docs/shop-home.png: the home page (the banner slot, "recommended for you", "now reduced");
 * - docs/shop-search.png: a search re-ranked for the visitor, one result's "Why?" open;
 * - docs/widgets.png: a product page with its "similar" carousel and an open "Why?" popover (before the views);
 * - docs/privacy-panel.png: the privacy panel on /privacy.
 */
import { chromium } from 'playwright';
import type { AddressInfo } from 'node:net';
import { DEMO_MOUNTS, startStaticServer } from '../demo/serve.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const server = await startStaticServer(DEMO_MOUNTS, 0);
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
const viewport = { width: 1180, height: 900 };
try {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  await page.goto(`${origin}/`);
  await page.getByRole('button', { name: 'Alle akzeptieren' }).click();

  // The product page first, before the visitor's history leans the lists.
  await page.goto(`${origin}/p/5`);
  const similar = page.locator('[data-vitrine="similar"]');
  await similar.locator('[data-vitrine-item]').nth(3).waitFor();
  await similar.scrollIntoViewIfNeeded();
  await similar.locator('[data-vitrine-why]').nth(1).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/widgets.png', clip: { x: 0, y: 0, ...viewport } });

  for (const id of ['121', '122', '123']) {
    await page.goto(`${origin}/p/${id}`);
    await page.locator('[data-vitrine="similar"] [data-vitrine-item]').first().waitFor();
  }

  await page.goto(`${origin}/`);
  await page.locator('[data-vitrine="now_reduced"] [data-vitrine-item]').first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/shop-home.png', clip: { x: 0, y: 0, ...viewport } });

  await page.goto(`${origin}/search?q=phone`);
  await page.getByText('Für dich sortiert').waitFor();
  await page.locator('main .grid .card').first().getByText('Warum?').click();
  await page.screenshot({ path: 'docs/shop-search.png', clip: { x: 0, y: 0, ...viewport } });

  await page.goto(`${origin}/privacy`);
  const panel = page.locator('[data-vitrine="privacy-panel"]');
  await panel.getByRole('checkbox').first().waitFor();
  await panel.screenshot({ path: 'docs/privacy-panel.png' });
  console.log('wrote docs/shop-home.png, docs/shop-search.png, docs/widgets.png and docs/privacy-panel.png');
} finally {
  await browser.close();
  server.close();
}
