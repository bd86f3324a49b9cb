/**
 * Issue 12 failure 9: the privacy panel must tell the truth the engine holds now, not what it held
 * when the panel first read it. A shop whose consent was queued before the script loads shows the
 * panel at load (test/e2e/pages/privacy-panel-live.html): the profile goes to IndexedDB while the
 * panel is already on screen, and events keep coming afterwards.
 */
import { expect, test, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startShop, type Shop } from './shop-harness.ts';

const panel = (page: Page) => page.locator('[data-vitrine="privacy-panel"] section');
const viewed = (page: Page) => panel(page).locator('dt', { hasText: 'Products viewed' }).locator('xpath=following-sibling::dd');

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('the privacy panel in view while the profile changes', () => {
  test('should follow the profile to IndexedDB when consent queued before the script is applied', async ({ page }) => {
    shop = await startShop();
    await page.goto(`${shop.origin}/privacy-panel-live.html`);
    await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toContain('vitrine-profile');
    // The database exists as soon as it is being opened; the profile moves there once the open completes.
    await expect
      .poll(async () => (await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.status())).profile?.mode)
      .toBe('persistent');
    // The panel, never scrolled or touched, says so too: not "In memory only".
    await expect(panel(page)).toContainText('Saved on this device only', { timeout: 5000 });
    await expect(panel(page)).not.toContainText('In memory only');
    await expect(panel(page).getByRole('checkbox', { name: /personal recommendations/i })).toBeChecked();
  });

  test('should update its counts live as events are recorded while it is in view', async ({ page }) => {
    shop = await startShop();
    await page.goto(`${shop.origin}/privacy-panel-live.html`);
    await expect(panel(page)).toContainText('Saved on this device only', { timeout: 5000 });
    await expect(panel(page)).toContainText('Nothing is stored');
    await page.evaluate(async () => {
      const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
      await vitrine.track({ type: 'view', product: '1' });
      await vitrine.track({ type: 'view', product: '2' });
    });
    await expect(viewed(page)).toHaveText('2', { timeout: 5000 });
    await expect(panel(page)).toContainText('Stored products');
    await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.track({ type: 'view', product: '3' }));
    await expect(viewed(page)).toHaveText('3', { timeout: 5000 });
  });
});
