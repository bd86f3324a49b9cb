/**
 * The custom-renderer example of widgets/README.md ("Your own renderer"), as written there, against
 * the real script tag and demo bundle: it renders the engine's items as text, and its impression and
 * click reports reach the visitor's profile like the widgets' own.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

const README = readFileSync(new URL('../../widgets/README.md', import.meta.url), 'utf8');
const PAGE = readFileSync(new URL('pages/custom-renderer.html', import.meta.url), 'utf8');

let shop: Witnesses;

test.afterEach(async () => {
  await shop?.close();
});

/** Lines without their indentation (the page nests the example deeper than the README). */
const lines = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');

test('the page is the README example, verbatim but for indentation', () => {
  const section = README.slice(README.indexOf('### Your own renderer'));
  const example = section.slice(section.indexOf('```html\n') + 8, section.indexOf('```\n', section.indexOf('```html\n') + 8));
  expect(example.length).toBeGreaterThan(500);
  expect(lines(PAGE)).toContain(lines(example));
});

test("the README's own renderer shows the items and reports their impressions and clicks", async ({ browser }) => {
  const context = await browser.newContext();
  shop = await startWitnessedShop(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => ['warning', 'error'].includes(message.type()) && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${shop.origin}/custom-renderer.html`);
  const cards = page.locator('#my-recs li');
  await expect(cards).toHaveCount(4);
  const expected = await page.evaluate(async () => {
    const { items } = await (window as unknown as { vitrine: VitrineGlobal }).vitrine.recommend({ placement: 'trending', limit: 4 });
    return items.map((item) => item.title);
  });
  expect(await page.locator('#my-recs a').allTextContents()).toEqual(expected);
  for (const text of await cards.allTextContents()) expect(text).toMatch(/\d,\d{2}\s€$/);

  const events = () =>
    page.evaluate(async () =>
      (await (window as unknown as { vitrine: VitrineGlobal }).vitrine.profile.export()).events
        .filter((e) => e.type == 'impression' || e.type == 'click')
        .map((e) => `${e.type} ${e.product} ${e.placement}`),
    );
  const ids = await cards.evaluateAll((elements) => elements.map((element) => (element as HTMLElement).dataset.product!));
  await expect.poll(async () => (await events()).sort(), { timeout: 5000 }).toEqual(ids.map((id) => `impression ${id} trending`).sort());
  await page
    .locator('#my-recs a')
    .first()
    .evaluate((link) => link.addEventListener('click', (e) => e.preventDefault()));
  await page.locator('#my-recs a').first().click();
  await expect.poll(events).toContain(`click ${ids[0]} trending`);
  expect(problems).toEqual([]);
  await context.close();
});
