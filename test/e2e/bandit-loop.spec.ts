/**
 * Learning across visitors, end to end, through the real script tag (dist/) and the real network:
 * a content slot with four variants (test/e2e/pages/bandit-loop.html), visitors in fresh browser
 * contexts, the reference receiver (`receiveBatch()`, as the demo server runs it at
 * /bandit/counts) appending to a JSONL file in a temp dir, the real `vitrine bandit fold` command
 * writing the priors file the page's `data-bandit-priors` points to, and the next page loads.
 *
 * - With `measurement` consent (Google Consent Mode's `analytics_storage`), exactly the arm counts
 *   leave the device, once, when the page is hidden (closed or navigated away): one POST, body
 *   `{ v, counts: [{ experiment, arm, segment, trials, successes }] }` (+ `epsilon` with randomised
 *   response), without cookie or referrer. Without it, or with `personalization` only, nothing is
 *   posted.
 * - The loop: visitors click only variant B → receiver → fold → fresh visitors get B.
 * - A second fold is picked up by a returning visitor on reload (conditional request).
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { demoEndpoints, DEMO_COUNTS_PATH, startStaticServer, type ReceivedRequest } from '../../demo/serve.ts';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { ArmCountBatch, PriorsFile, ReceivedCount } from '../../src/shared/bandit/counts.ts';
import type { BanditLearningStatus } from '../../src/shared/bandit/learning-status.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PRIORS_PATH = '/bandit/priors.json';
const EXPERIMENT = 'hero-loop';
const ARMS = ['A', 'B', 'C', 'D'];
/** The variant the scripted visitors click. */
const WINNER = 'B';

interface LoopShop {
  origin: string;
  /** The receiver's JSONL file and the priors file `data-bandit-priors` serves (both in a temp dir). */
  countsFile: string;
  priorsFile: string;
  /** Every request the server received, bodies included. */
  requests: ReceivedRequest[];
  posts(): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * The test pages and dist/ on a loopback server; the demo's endpoints (the reference receiver at
 * /bandit/counts, appending to `countsFile`); the priors file served with a content ETag and 304
 * for a matching `If-None-Match`, as a static file server or CDN does (404 before the first fold).
 */
async function startLoopShop(): Promise<LoopShop> {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-bandit-loop-'));
  const countsFile = join(dir, 'counts.jsonl');
  const priorsFile = join(dir, 'priors.json');
  const requests: ReceivedRequest[] = [];
  const endpoints = demoEndpoints(countsFile)!;
  const http: Server = await startStaticServer(
    [
      ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
      ['/vitrine/', join(ROOT, 'dist')],
      ['/', join(ROOT, 'test/e2e/pages')],
    ],
    0,
    '127.0.0.1',
    {
      onRequest(request) {
        requests.push(request);
        if (request.url !== PRIORS_PATH) return endpoints(request);
        if (!existsSync(priorsFile)) return { status: 404, body: 'not folded yet' };
        const text = readFileSync(priorsFile, 'utf8');
        const etag = `"${createHash('sha256').update(text).digest('hex').slice(0, 16)}"`;
        if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
        return { status: 200, body: text, headers: { 'content-type': 'application/json', etag } };
      },
    },
  );
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    countsFile,
    priorsFile,
    requests,
    posts: () => requests.filter((r) => r.method !== 'GET'),
    close: () => {
      const closed = new Promise<void>((done) => http.close(() => done()));
      http.closeAllConnections();
      return closed.finally(() => rmSync(dir, { recursive: true, force: true }));
    },
  };
}

/** A visitor's consent as a shop's CMP gives it before Vitrine loads (Google Consent Mode v2). */
async function withConsent(context: BrowserContext, consent: Record<string, 'granted' | 'denied'>): Promise<void> {
  await context.addInitScript((params) => {
    const win = window as unknown as { dataLayer: unknown[] };
    win.dataLayer = [];
    // gtag() pushes its `arguments` object, as Google's snippet does.
    function gtag(..._args: unknown[]): void {
      // eslint-disable-next-line prefer-rest-params
      win.dataLayer.push(arguments);
    }
    gtag('consent', 'default', params);
  }, consent);
}

/** The arm the slot shows, once Vitrine chose it. */
async function shownArm(page: Page): Promise<string> {
  const slot = page.locator(`[data-vitrine-slot="${EXPERIMENT}"]`);
  await expect(slot).toHaveAttribute('data-vitrine-arm', /\S/);
  return (await slot.getAttribute('data-vitrine-arm'))!;
}

/**
 * One visitor: opens the page, lets the slot be viewable (half on screen for 1 s: the trial, which
 * the worker has counted when `counted`), clicks the variant when `click(arm)` says so (the
 * success), and leaves for another page, which hides this one: the page asks the worker to flush,
 * and its keepalive POST outlives the page. (Closing a visible tab outright is not used: there the
 * worker can be stopped before it sends, and about 1 batch in 5 was lost in our runs.)
 */
async function visit(page: Page, url: string, { click, counted }: { click: (arm: string) => boolean; counted: boolean }): Promise<string> {
  await page.goto(url);
  const arm = await shownArm(page);
  if (counted) await expect.poll(async () => (await learningStatus(page)).counts.pending, { timeout: 10_000 }).toBe(1);
  else await page.waitForTimeout(1_300);
  if (click(arm)) {
    await page.locator(`[data-vitrine-slot] > [data-variant="${arm}"]`).getByRole('button').click();
    await clickRecorded(page);
  }
  await page.goto('about:blank');
  return arm;
}

/**
 * Resolves once the worker took the slot's click: the worker handles feedback calls one at a time,
 * in order, so an empty one queued after it settles after it.
 */
function clickRecorded(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.reward([]));
}

/** Runs `task(i)` for i < n, at most `parallel` at once (2 cores: a few browser contexts at a time). */
async function inParallel<T>(n: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, parallel) }, worker));
  return results;
}

/** A fresh visitor without any consent: which arm the slot shows on the page load. */
async function freshLoad(browser: Browser, url: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    return await shownArm(page);
  } finally {
    await context.close();
  }
}

const run = promisify(execFile);

/**
 * The real CLI: `vitrine bandit fold --counts … --priors P --out P --json`; returns its summary.
 * The receiver stamps arrivals to the second, rounded up, and a fold leaves lines stamped after its
 * time to the next fold: so it runs once the second of the last arrival is over, as a nightly fold would.
 */
async function fold(shop: LoopShop): Promise<{ added: number; alreadyFolded: number; updatedAt: string }> {
  const last = Math.max(0, ...countLines(shop).map((line) => Date.parse(line.receivedAt)));
  if (last >= Date.now()) await new Promise((done) => setTimeout(done, last - Date.now() + 50));
  const { stdout } = await run(process.execPath, [
    join(ROOT, 'bin/vitrine.js'),
    'bandit',
    'fold',
    '--counts',
    shop.countsFile,
    '--priors',
    shop.priorsFile,
    '--out',
    shop.priorsFile,
    '--json',
  ]);
  return JSON.parse(stdout) as { added: number; alreadyFolded: number; updatedAt: string };
}

function countLines(shop: LoopShop): ReceivedCount[] {
  if (!existsSync(shop.countsFile)) return [];
  return readFileSync(shop.countsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReceivedCount);
}

/** Earlier visitors' batches, POSTed to the receiver over HTTP as a device would (text/plain JSON). */
async function postBatch(shop: LoopShop, batch: ArmCountBatch): Promise<void> {
  const response = await fetch(`${shop.origin}${DEMO_COUNTS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(204);
}

function learningStatus(page: Page): Promise<BanditLearningStatus> {
  return page.evaluate(async () => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    await vitrine.ready;
    return vitrine.bandits();
  });
}

let shop: LoopShop;
test.afterEach(() => shop?.close());

test.describe('arm counts leave the device only with measurement consent', () => {
  test('exactly the arm counts are sent, once, when the page is hidden: no cookie, no referrer', async ({ browser }) => {
    shop = await startLoopShop();
    const context = await browser.newContext();
    await context.addCookies([{ name: 'shop-session', value: 'visitor-42', url: shop.origin }]);
    await withConsent(context, { analytics_storage: 'granted' });
    // The browser's side too: the requests the page and its worker make while the page lives (the
    // request events stop with the page; interception, `route()`, would cut the keepalive POST short).
    const seen: { method: string; url: string; body: string | null }[] = [];
    context.on('request', (request) => seen.push({ method: request.method(), url: request.url(), body: request.postData() }));

    const page = await context.newPage();
    await page.goto(`${shop.origin}/bandit-loop.html?customer=42`);
    const arm = await shownArm(page);
    // Viewable (half on screen for 1 s): one trial, counted, not sent (the window is 60 s long).
    await expect.poll(async () => (await learningStatus(page)).counts).toMatchObject({ active: true, pending: 1, sent: 0 });
    await page.locator(`[data-vitrine-slot] > [data-variant="${arm}"]`).getByRole('button').click();
    await clickRecorded(page);
    await page.waitForTimeout(500);
    expect(shop.posts()).toEqual([]);

    // The visitor leaves for another page: this one is hidden, the worker flushes.
    await page.goto('about:blank');
    await expect.poll(() => shop.posts().length).toBe(1);
    const [post] = shop.posts();
    expect(post!.method).toBe('POST');
    expect(post!.url).toBe(DEMO_COUNTS_PATH);
    expect(post!.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(post!.headers.cookie).toBeUndefined();
    expect(post!.headers.referer).toBeUndefined();
    const body = JSON.parse(post!.body) as Record<string, unknown>;
    // Exactly these keys, in the body and in each count: no product id, event, time, page or identifier.
    expect(Object.keys(body).sort()).toEqual(['counts', 'v']);
    expect(body).toEqual({ v: 1, counts: [{ experiment: EXPERIMENT, arm, segment: 'all', trials: 1, successes: 1 }] });
    expect(Object.keys((body.counts as object[])[0]!).sort()).toEqual(['arm', 'experiment', 'segment', 'successes', 'trials']);
    expect(post!.body).not.toContain('42');

    // That one POST and nothing else: before it the browser made only GETs of the page, Vitrine's files, the bundle and the priors file.
    await page.waitForTimeout(500);
    expect(shop.posts()).toHaveLength(1);
    expect(seen.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(seen.map((r) => r.url)).toContain(`${shop.origin}${PRIORS_PATH}`);
    for (const { url } of seen)
      expect(url.slice(shop.origin.length)).toMatch(/^\/(bandit-loop\.html\?customer=42|vitrine\/[\w./-]+|bandit\/(priors\.json|counts))$/);

    // The reference receiver stored the count and its arrival time, nothing from the request.
    const lines = countLines(shop);
    expect(lines).toEqual([{ experiment: EXPERIMENT, arm, segment: 'all', trials: 1, successes: 1, receivedAt: expect.any(String) }]);
    expect(lines[0]!.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    await context.close();
  });

  test('with randomised response the batch carries epsilon, and the success bit may be flipped', async ({ browser }) => {
    shop = await startLoopShop();
    const context = await browser.newContext();
    await withConsent(context, { analytics_storage: 'granted' });
    const arm = await visit(await context.newPage(), `${shop.origin}/bandit-loop-epsilon.html`, { click: () => true, counted: true });
    await expect.poll(() => shop.posts().length).toBe(1);
    const body = JSON.parse(shop.posts()[0]!.body) as ArmCountBatch;
    expect(Object.keys(body).sort()).toEqual(['counts', 'epsilon', 'v']);
    expect(body).toEqual({
      v: 1,
      epsilon: 1,
      counts: [{ experiment: EXPERIMENT, arm, segment: 'all', trials: 1, successes: expect.any(Number) }],
    });
    expect([0, 1]).toContain(body.counts[0]!.successes);
    expect(countLines(shop)).toEqual([expect.objectContaining({ experiment: EXPERIMENT, arm, trials: 1, epsilon: 1 })]);
    await context.close();
  });

  for (const [who, consent] of [
    ['no consent', {}],
    ['personalization only', { personalization_storage: 'granted', analytics_storage: 'denied' }],
  ] as const) {
    test(`with ${who} nothing is posted: the slot works on the device alone`, async ({ browser }) => {
      shop = await startLoopShop();
      const context = await browser.newContext();
      if (Object.keys(consent).length) await withConsent(context, consent);
      const seen: string[] = [];
      context.on('request', (request) => seen.push(`${request.method()} ${request.url().slice(shop.origin.length)}`));
      const page = await context.newPage();
      const arm = await visit(page, `${shop.origin}/bandit-loop.html`, { click: () => true, counted: false });
      expect(ARMS).toContain(arm);
      // Back on the page: the trial was not counted, nothing is pending; then closing the tab.
      await page.goto(`${shop.origin}/bandit-loop.html`);
      await shownArm(page);
      await page.waitForTimeout(1_300);
      expect((await learningStatus(page)).counts).toMatchObject({ active: false, pending: 0, sent: 0 });
      await page.close();
      await new Promise((done) => setTimeout(done, 1_000));

      expect(shop.posts()).toEqual([]);
      expect(existsSync(shop.countsFile)).toBe(false);
      for (const entry of seen) expect(entry).toMatch(/^GET \/(bandit-loop\.html|vitrine\/[\w./-]+|bandit\/priors\.json)$/);
      await context.close();
    });
  }
});

test('the loop: visitors click only B → receiver → fold → the next visitors get B', async ({ browser }) => {
  test.setTimeout(90_000);
  shop = await startLoopShop();
  const page = `${shop.origin}/bandit-loop.html`;

  // Real visitors with measurement consent, each in a fresh context: they click the variant only
  // when it is B, then leave the page. Before any fold there is no priors file (404): flat priors.
  // Their browsers stay open until the batches are in (closing a context is closing the browser).
  const VISITORS = 8;
  const contexts: BrowserContext[] = [];
  const shown = await inParallel(VISITORS, 4, async () => {
    const context = await browser.newContext();
    contexts.push(context);
    await withConsent(context, { analytics_storage: 'granted' });
    return visit(await context.newPage(), page, { click: (arm) => arm === WINNER, counted: true });
  });
  await expect.poll(() => countLines(shop).length).toBe(VISITORS);
  await Promise.all(contexts.map((context) => context.close()));
  // Flat priors: B about a quarter of the time (7 or more of 8 at 1/4 each: P = 3.8e-4).
  expect(shown.filter((arm) => arm === WINNER).length).toBeLessThanOrEqual(6);
  // One batch per visitor went through the network into the receiver's file: one trial each, a success exactly for B.
  expect(shop.posts().every((r) => r.method === 'POST' && r.url === DEMO_COUNTS_PATH)).toBe(true);
  const real = countLines(shop);
  expect(real.map(({ arm }) => arm).sort()).toEqual([...shown].sort());
  for (const line of real)
    expect(line).toMatchObject({ experiment: EXPERIMENT, segment: 'all', trials: 1, successes: line.arm === WINNER ? 1 : 0 });

  // The rest of the population, to keep the test fast: 6 earlier visitors per variant who behaved
  // the same, their batches POSTed to the same receiver.
  const EARLIER = 6;
  for (const arm of ARMS)
    await postBatch(shop, {
      v: 1,
      counts: [{ experiment: EXPERIMENT, arm, segment: 'all', trials: EARLIER, successes: arm === WINNER ? EARLIER : 0 }],
    });

  // The real command folds the file into the priors file `data-bandit-priors` points to.
  const summary = await fold(shop);
  expect(summary).toMatchObject({ added: VISITORS + ARMS.length, alreadyFolded: 0 });
  const priors = JSON.parse(readFileSync(shop.priorsFile, 'utf8')) as PriorsFile;
  const times = (arm: string) => shown.filter((a) => a === arm).length;
  // Beta(1, 1) plus every visitor's trials and successes, the real visitors' included.
  expect(priors.experiments[EXPERIMENT]).toEqual({
    all: Object.fromEntries(
      ARMS.map((arm) =>
        arm === WINNER ? [arm, { alpha: 1 + EARLIER + times(arm), beta: 1 }] : [arm, { alpha: 1, beta: 1 + EARLIER + times(arm) }],
      ),
    ),
  });

  // New visitors, no consent at all, fresh contexts: their first page load uses the new priors.
  // B's prior is at least Beta(7, 1), every other's at most Beta(1, 7). For integer shapes,
  // P(Beta(1, c) > Beta(a, 1)) = 1 / C(a + c, a) (all a uniforms below all c), so a load shows
  // another arm with probability <= 3 / C(14, 7) < 8.8e-4, and 3 or more of 12 loads do with
  // probability < C(12, 3) · (8.8e-4)^3 < 1.6e-7. (Before the fold it was a quarter.)
  const after = await inParallel(12, 4, () => freshLoad(browser, page));
  expect(after.filter((arm) => arm === WINNER).length, `arms shown after the fold: ${after.join(' ')}`).toBeGreaterThanOrEqual(10);
});

test('a returning visitor picks up the next fold on reload (conditional request, then the new file)', async ({ browser }) => {
  shop = await startLoopShop();
  const url = `${shop.origin}/bandit-loop.html`;
  // First fold: B won.
  for (const arm of ARMS)
    await postBatch(shop, {
      v: 1,
      counts: [{ experiment: EXPERIMENT, arm, segment: 'all', trials: 10, successes: arm === WINNER ? 10 : 0 }],
    });
  const first = await fold(shop);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await expect.poll(async () => (await learningStatus(page)).priors).toMatchObject({ source: 'network', updatedAt: first.updatedAt });
  // Unchanged file: the cached copy, confirmed by a 304.
  await page.reload();
  await expect.poll(async () => (await learningStatus(page)).priors.source).toBe('cache');
  // The cached copy is in use before its revalidation reaches the server (the clean-clone run caught it in between).
  await expect.poll(() => shop.requests.filter((r) => r.url === PRIORS_PATH).length).toBe(2);
  const revalidations = shop.requests.filter((r) => r.url === PRIORS_PATH);
  expect(revalidations[1]!.headers['if-none-match']).toMatch(/^"[0-9a-f]{16}"$/);

  // New visitors find D far better than B (their counts arrive after the first fold); the second fold takes them in.
  for (const arm of ARMS)
    await postBatch(shop, {
      v: 1,
      counts: [{ experiment: EXPERIMENT, arm, segment: 'all', trials: 200, successes: arm === 'D' ? 200 : 0 }],
    });
  const second = await fold(shop);
  expect(second).toMatchObject({ added: ARMS.length, alreadyFolded: ARMS.length });
  expect(second.updatedAt > first.updatedAt).toBe(true);

  // The same visitor reloads: the worker revalidates with the old ETag, gets the new file and uses it.
  await page.reload();
  await expect.poll(async () => (await learningStatus(page)).priors).toMatchObject({ source: 'network', updatedAt: second.updatedAt });
  const all = shop.requests.filter((r) => r.url === PRIORS_PATH);
  expect(all).toHaveLength(3);
  expect(all[2]!.headers['if-none-match']).toBe(revalidations[1]!.headers['if-none-match']);
  // D: Beta(201, 11) against B's Beta(11, 201) and the others' Beta(1, 211): the page's choices are D.
  const choices = await page.evaluate(async (arms) => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    const picked: string[] = [];
    for (let i = 0; i < 20; i++) picked.push((await vitrine.experiment({ name: 'hero-loop', arms })).arms[0]!);
    return picked;
  }, ARMS);
  expect(choices).toEqual(Array(20).fill('D'));
  await context.close();
});
