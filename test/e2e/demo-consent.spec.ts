/**
 * The demo shop's consent, as a visitor uses it: the banner (reject, accept, customise) remembered
 * by the shop's CMP and signalled to Vitrine on every page; the privacy page to revoke and to
 * export; and a whole shopping journey that never leaves the shop's origin.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { ProfileExport } from '../../src/index.ts';
import { answerConsent, attachScreenshot, byId, items, storageOf, viewProduct, vitrine } from './demo-shop.ts';

/** The shop's own keys in its localStorage: the CMP's choice, the cart, the language. */
const SHOP_KEYS = /^demo-/;

test.describe('the demo shop, consent', () => {
  test('should keep nothing of a visitor who rejects: no database, no Vitrine storage, and not ask again', async ({ page }) => {
    await answerConsent(page, 'reject');
    await viewProduct(page, '5');
    await viewProduct(page, '30');
    await page.goto('/search?q=phone');
    await expect(page.locator('main .grid .card').first()).toBeVisible();
    await page.goto('/');
    // Remembered by the shop's CMP: no banner on the next pages, and Vitrine heard the rejection.
    await expect(page.getByRole('dialog', { name: 'Deine Privatsphäre' })).toHaveCount(0);
    await expect(items(page, 'for_you').first()).toBeVisible();
    const record = await (await vitrine(page)).evaluate((v) => v.consent.get());
    expect(record).toMatchObject({ personalization: false, measurement: false, source: 'api' });

    const storage = await storageOf(page);
    expect(storage.databases).toEqual([]);
    expect(storage.localStorage.filter((key) => !SHOP_KEYS.test(key))).toEqual([]);
    expect(storage.sessionStorage).toBe(0);
    expect(storage.cookie).toBe('');
    // Cache Storage holds the shop's bundle (the same for every visitor), nothing about the visitor.
    expect(storage.cached).toEqual(['vitrine-bundles-v1 /vitrine/shop.vtb']);
  });

  test('should delete everything when a visitor who accepted revokes on the privacy page, and remember it', async ({ page }, testInfo) => {
    await answerConsent(page, 'accept');
    for (const id of ['5', '30', '12']) await viewProduct(page, id);
    await expect.poll(async () => (await storageOf(page)).databases).toContain('vitrine-profile');

    await page.getByRole('link', { name: 'Datenschutz' }).first().click();
    await expect(page).toHaveURL(/\/privacy$/);
    const panel = page.locator('[data-vitrine="privacy-panel"]');
    await expect(panel.getByText(byId.get('30')!.title).first()).toBeVisible();
    await attachScreenshot(page, testInfo, 'privacy');

    await panel.getByRole('checkbox', { name: 'Persönliche Empfehlungen aus meiner Aktivität hier' }).uncheck();
    await expect.poll(async () => (await storageOf(page)).databases).toEqual([]);
    // The shop's CMP follows the choice made in the panel: the next page signals the revocation, not the old "yes".
    await expect
      .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('demo-cmp-choice') ?? 'null')))
      .toEqual({ personalization: false, measurement: true });
    await viewProduct(page, '40');
    await page.goto('/');
    await expect(items(page, 'for_you').first()).toBeVisible();
    expect(await (await vitrine(page)).evaluate((v) => v.consent.get())).toMatchObject({ personalization: false });
    expect((await storageOf(page)).databases).toEqual([]);
  });

  test("should download the visitor's data from the privacy page", async ({ page }) => {
    await answerConsent(page, 'accept');
    await viewProduct(page, '30');
    await page.goto('/privacy');
    const panel = page.locator('[data-vitrine="privacy-panel"]');
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Meine Daten herunterladen' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('vitrine-profile.json');
    const data = JSON.parse(readFileSync((await file.path())!, 'utf8')) as ProfileExport;
    expect(data.format).toBe('vitrine-profile');
    expect(data.events.filter((event) => event.type === 'view').map((event) => event.productTitle)).toContain(byId.get('30')!.title);
  });

  test('should let the visitor customise the purposes, and reopen the banner from the footer', async ({ page }) => {
    await page.goto('/');
    const banner = page.getByRole('dialog', { name: 'Deine Privatsphäre' });
    await banner.getByRole('button', { name: 'Anpassen' }).click();
    await banner.getByRole('checkbox', { name: /^Personalisierung/ }).check();
    await banner.getByRole('button', { name: 'Auswahl speichern' }).click();
    await expect(banner).toBeHidden();
    await expect
      .poll(async () => (await vitrine(page)).evaluate((v) => v.consent.get()))
      .toMatchObject({ personalization: true, measurement: false });

    await page.goto('/c/groceries');
    await page.getByRole('button', { name: 'Cookie-Einstellungen' }).click();
    await expect(banner.getByRole('checkbox', { name: /^Personalisierung/ })).toBeChecked();
    await expect(banner.getByRole('checkbox', { name: /^Messung/ })).not.toBeChecked();
    await banner.getByRole('button', { name: 'Alle ablehnen' }).click();
    await expect.poll(async () => (await storageOf(page)).databases).toEqual([]);
    expect(await (await vitrine(page)).evaluate((v) => v.consent.get())).toMatchObject({ personalization: false, measurement: false });
  });

  test("should make no request outside the shop's origin on a whole shopping journey", async ({ page, context }, testInfo) => {
    const origin = new URL(testInfo.project.use.baseURL!).origin;
    const outside: string[] = [];
    const inside: string[] = [];
    // Every request of the pages and of Vitrine's worker; one to another origin is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) {
        inside.push(new URL(url).pathname);
        return route.continue();
      }
      outside.push(url);
      return route.abort();
    });
    await answerConsent(page, 'accept');
    await page.getByRole('link', { name: 'Küche' }).first().click();
    await expect(page.getByText('Für dich sortiert')).toBeVisible();
    await page.locator('main .grid .card').first().getByRole('heading').getByRole('link').click();
    await expect(items(page, 'similar').first()).toBeVisible();
    await page.getByRole('button', { name: 'In den Warenkorb' }).first().click();
    await page.getByRole('searchbox', { name: 'Produkte suchen' }).fill('pan');
    await page.getByRole('searchbox', { name: 'Produkte suchen' }).press('Enter');
    await expect(page.getByText('Für dich sortiert')).toBeVisible();
    await page.getByRole('link', { name: /^Warenkorb/ }).click();
    await expect(items(page, 'goes_with').first()).toBeVisible();
    await page.getByRole('button', { name: 'Zur Kasse (Demo)' }).click();
    await page.getByRole('link', { name: 'Datenschutz' }).first().click();
    await expect(page.locator('[data-vitrine="privacy-panel"] h2')).toHaveText('Deine Daten');
    await page.goto('/embed.html');
    await expect(items(page, 'for_you').first()).toBeVisible();

    expect(outside).toEqual([]);
    // The witness saw the journey: pages, the shop's code, Vitrine's files, the bundle, images.
    for (const path of ['/', '/c/kitchen-accessories', '/search', '/cart', '/privacy', '/vitrine/vitrine.js', '/vitrine/shop.vtb']) {
      expect(inside, path).toContain(path);
    }
    expect(inside.some((path) => path.startsWith('/images/'))).toBe(true);
  });
});
