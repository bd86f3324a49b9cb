/**
 * What the demo shop's specs share: the catalog as the shop knows it, locators for Vitrine's widgets
 * and the shop's own lists, the consent banner's buttons, and the visitor's storage as a page sees it.
 * The shop is served by Playwright's web server (`npm run demo:build && tsx demo/serve.ts`).
 */
import { expect, type Page, type TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { ResultItem } from '../../src/shared/request.ts';

export interface DemoProduct {
  id: number;
  title: string;
  category: string;
  price: number;
  discountPercentage: number;
  brand?: string;
}

export const PRODUCTS = JSON.parse(readFileSync('demo/data/products.json', 'utf8')) as DemoProduct[];
export const byId = new Map(PRODUCTS.map((product) => [String(product.id), product]));
export const salePrice = (product: DemoProduct): number => Math.round(product.price * (100 - product.discountPercentage)) / 100;

/** Items of one of Vitrine's widgets (Playwright's locators pierce the widgets' shadow roots). */
export const items = (page: Page, placement: string) => page.locator(`[data-vitrine="${placement}"] [data-vitrine-item]`);

export const ids = (page: Page, placement: string): Promise<string[]> =>
  items(page, placement).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-vitrine-item')!));

/** The reasons in one widget item's "Why?" popover (in the DOM while closed), without their share of the score. */
export const reasonsOf = (page: Page, placement: string, index: number): Promise<string[]> =>
  items(page, placement)
    .nth(index)
    .locator('.pop li')
    .evaluateAll((reasons) => reasons.map((reason) => reason.firstChild?.textContent ?? ''));

/** The shop's own cards (category grid, search results), in the order shown. */
export const cards = (page: Page) => page.locator('main .grid .card');

export const cardIds = (page: Page): Promise<string[]> =>
  cards(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-product')!));

export const vitrine = (page: Page) => page.evaluateHandle(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine);

/** Records the shop's `demo:ranked` events on every page of `page` (read with `rankedLists`). */
export const recordRanked = (page: Page) =>
  page.addInitScript(() => {
    const lists: unknown[] = [];
    (window as unknown as { rankedLists: unknown[] }).rankedLists = lists;
    document.addEventListener('demo:ranked', (event) => lists.push((event as CustomEvent).detail));
  });

export async function rankedList(page: Page, list: string): Promise<ResultItem[]> {
  await expect
    .poll(() =>
      page.evaluate((name) => (window as unknown as { rankedLists: { list: string }[] }).rankedLists.some((l) => l.list === name), list),
    )
    .toBe(true);
  return page.evaluate(
    (name) =>
      (window as unknown as { rankedLists: { list: string; items: ResultItem[] }[] }).rankedLists.filter((l) => l.list === name).at(-1)!
        .items,
    list,
  );
}

/** Opens the home page and answers the consent banner ('accept' or 'reject'), as a visitor does. */
export async function answerConsent(page: Page, answer: 'accept' | 'reject'): Promise<void> {
  await page.goto('/');
  const banner = page.getByRole('dialog', { name: 'Deine Privatsphäre' });
  await banner.getByRole('button', { name: answer === 'accept' ? 'Alle akzeptieren' : 'Alle ablehnen' }).click();
  await expect(banner).toBeHidden();
}

/** Opens a product page and waits until Vitrine has mounted its lists there (the view is tracked by then). */
export async function viewProduct(page: Page, id: string): Promise<void> {
  await page.goto(`/p/${id}`);
  await expect(page.locator('#product-title')).toHaveText(byId.get(id)!.title);
  await expect(items(page, 'similar').first()).toBeVisible();
}

/** What the visitor's browser holds for this origin, as the page sees it. */
export function storageOf(page: Page) {
  return page.evaluate(async () => {
    const cached: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) cached.push(`${name} ${new URL(request.url).pathname}`);
    }
    return {
      databases: (await indexedDB.databases()).map((db) => db.name ?? ''),
      localStorage: Object.keys(localStorage).sort(),
      sessionStorage: sessionStorage.length,
      cookie: document.cookie,
      cached,
    };
  });
}

/** A full-page screenshot as a test artifact. */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
