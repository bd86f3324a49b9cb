/**
 * Takes the README's screenshot of the widgets on the demo shop: `npm run build && npm run
 * demo:bundle && tsx scripts/screenshot.ts` writes docs/widgets.png (a product page with its
 * "similar" carousel and an open "Why?" popover) and docs/privacy-panel.png.
 */
import { chromium } from 'playwright';
import type { AddressInfo } from 'node:net';
import { DEMO_MOUNTS, startStaticServer } from '../demo/serve.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const server = await startStaticServer(DEMO_MOUNTS, 0);
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${origin}/?product=5`);
  const similar = page.locator('[data-vitrine="similar"]');
  await similar.locator('[data-vitrine-item]').nth(3).waitFor();
  await page.locator('#product').scrollIntoViewIfNeeded();
  await similar.locator('[data-vitrine-why]').nth(1).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/widgets.png', clip: { x: 0, y: 0, width: 1180, height: 900 } });
  await page.keyboard.press('Escape');
  // A visitor who looked at a few products and then allowed personal recommendations.
  await page.evaluate(async () => {
    const vitrine = (globalThis as unknown as { vitrine: { track: (event: object) => Promise<void> } }).vitrine;
    for (const product of ['12', '9', '27']) await vitrine.track({ type: 'view', product });
  });
  const panel = page.locator('.your-data');
  await panel.scrollIntoViewIfNeeded();
  await panel.getByRole('checkbox').check();
  await panel.getByText('Saved.').waitFor();
  await panel.screenshot({ path: 'docs/privacy-panel.png' });
  console.log('wrote docs/widgets.png and docs/privacy-panel.png');
} finally {
  await browser.close();
  server.close();
}
