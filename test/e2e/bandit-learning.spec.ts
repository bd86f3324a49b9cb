/**
 * Learning across visitors through the real script tag (dist/) and a loopback server that sees
 * every request: the priors file named by `data-bandit-priors` is fetched without cookie or
 * referrer, kept in Cache Storage and revalidated with a conditional request on the next page
 * load (304 keeps it, a new file replaces it); arm counting is active only with `measurement`
 * consent, and a malformed `data-bandit-epsilon` turns it off entirely. The batches' contents and
 * flip rate are checked in test/browser/bandit-learning.test.ts; the whole loop (clicks → receiver
 * → fold → priors) needs the experiment API.
 */
import { expect, test, type Page } from '@playwright/test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { BanditLearningStatus } from '../../src/shared/bandit/learning-status.ts';
import type { PriorsFile } from '../../src/shared/bandit/counts.ts';
import { startStaticServer, type ReceivedRequest } from '../../demo/serve.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Shop {
  origin: string;
  requests: ReceivedRequest[];
  /** The priors file the server answers with, and its ETag (changes with it). */
  priors: { file: PriorsFile; etag: string };
  close(): Promise<void>;
}

function priorsFile(updatedAt: string): PriorsFile {
  return { version: 1, updatedAt, experiments: { hero: { all: { a: { alpha: 2, beta: 30 }, b: { alpha: 20, beta: 30 } } } } };
}

async function startShop(): Promise<Shop> {
  const requests: ReceivedRequest[] = [];
  const priors = { file: priorsFile('2026-01-01T00:00:00.000Z'), etag: '"v1"' };
  const http: Server = await startStaticServer(
    [
      ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
      ['/vitrine/', join(ROOT, 'dist')],
      ['/', join(ROOT, 'test/e2e/pages')],
    ],
    0,
    '127.0.0.1',
    {
      onRequest(request): { status: number; body?: string; headers?: Record<string, string> } | undefined {
        requests.push(request);
        if (request.method === 'POST') return { status: 204 };
        if (request.url !== '/bandit/priors.json') return;
        if (request.headers['if-none-match'] === priors.etag) return { status: 304, headers: { etag: priors.etag } };
        return { status: 200, body: JSON.stringify(priors.file), headers: { 'content-type': 'application/json', etag: priors.etag } };
      },
    },
  );
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    requests,
    priors,
    close: () => {
      const closed = new Promise<void>((done) => http.close(() => done()));
      http.closeAllConnections();
      return closed;
    },
  };
}

/** `vitrine.bandits()` once the page's own configuration ran (it is queued before this call). */
function learningStatus(page: Page): Promise<BanditLearningStatus> {
  return page.evaluate(async () => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    await vitrine.ready;
    return vitrine.bandits();
  });
}

let shop: Shop;
test.afterEach(() => shop?.close());

test('should fetch the priors file anonymously, revalidate it on the next page load and take a new one', async ({ browser }) => {
  shop = await startShop();
  const context = await browser.newContext();
  await context.addCookies([{ name: 'shop-session', value: 'visitor-42', url: shop.origin }]);
  const page = await context.newPage();
  await page.goto(`${shop.origin}/bandit-learning.html`);
  await expect.poll(async () => (await learningStatus(page)).priors.source).toBe('network');
  expect((await learningStatus(page)).priors).toMatchObject({ updatedAt: '2026-01-01T00:00:00.000Z', experiments: 1, lastError: null });
  const first = shop.requests.filter((r) => r.url === '/bandit/priors.json');
  expect(first).toHaveLength(1);
  expect(first[0]!.headers.cookie).toBeUndefined();
  expect(first[0]!.headers.referer).toBeUndefined();

  // Next page load: the cached copy, confirmed by a conditional request answered 304.
  await page.reload();
  await expect.poll(async () => (await learningStatus(page)).priors.source).toBe('cache');
  const second = shop.requests.filter((r) => r.url === '/bandit/priors.json');
  expect(second).toHaveLength(2);
  expect(second[1]!.headers['if-none-match']).toBe('"v1"');

  // A new fold was published: the next load takes it.
  shop.priors.file = priorsFile('2026-01-02T00:00:00.000Z');
  shop.priors.etag = '"v2"';
  await page.reload();
  await expect.poll(async () => (await learningStatus(page)).priors.updatedAt).toBe('2026-01-02T00:00:00.000Z');
  expect((await learningStatus(page)).priors.source).toBe('network');
  await context.close();
});

test('should count arms only with measurement consent, and not at all after a malformed epsilon', async ({ browser }) => {
  shop = await startShop();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${shop.origin}/bandit-learning.html`);
  // On-device default: nothing counted, nothing sent.
  expect((await learningStatus(page)).counts).toMatchObject({ active: false, epsilon: 1, endpoint: null });
  await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ measurement: true }));
  expect((await learningStatus(page)).counts).toMatchObject({ active: true, epsilon: 1, endpoint: `${shop.origin}/bandit/counts` });
  await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ measurement: false }));
  expect((await learningStatus(page)).counts.active).toBe(false);
  await page.waitForTimeout(700);
  expect(shop.requests.filter((r) => r.method === 'POST')).toEqual([]);

  await page.goto(`${shop.origin}/bandit-learning-bad-epsilon.html`);
  await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ measurement: true }));
  expect((await learningStatus(page)).counts).toMatchObject({ active: false, epsilon: null });
  await context.close();
});
