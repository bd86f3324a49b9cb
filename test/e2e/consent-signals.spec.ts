/**
 * Consent signals reaching the worker through the real script tag: a scripted IAB TCF v2.2 CMP
 * (installed before the page's scripts, as a CMP stub is) and Google Consent Mode v2 commands in
 * `dataLayer`. What decides is observable storage: the profile database exists only after a grant.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { startWitnessedShop, type Witnesses } from './privacy-harness.ts';

const DB = 'vitrine-profile';

interface CmpSetup {
  /** First TC data handed to each listener. */
  initial: Record<string, unknown>;
  success?: boolean;
}

/** A scripted CMP: `window.__cmp.emit(partialTcData, success)` notifies every listener. */
function installCmp({ initial, success = true }: CmpSetup): void {
  type Listener = (data: unknown, ok: boolean) => void;
  const listeners = new Map<number, Listener>();
  let state: Record<string, unknown> = { ...initial };
  let next = 1;
  const win = window as unknown as Record<string, unknown>;
  win.__tcfapi = (command: string, _version: number, callback: Listener, parameter?: unknown) => {
    if (command === 'addEventListener') {
      const listenerId = next++;
      listeners.set(listenerId, callback);
      callback({ ...state, listenerId }, success);
    } else if (command === 'removeEventListener') listeners.delete(parameter as number);
  };
  win.__cmp = {
    emit(partial: Record<string, unknown>, ok = true) {
      state = { ...state, ...partial };
      for (const [listenerId, callback] of listeners) callback({ ...state, listenerId }, ok);
    },
  };
}

const consents = (...purposes: number[]) => ({ consents: Object.fromEntries(purposes.map((p) => [String(p), true])) });

async function databaseNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));
}

async function trackViews(page: Page, products: string[]): Promise<void> {
  await page.evaluate(async (ids) => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    if (!(await vitrine.ready)) throw new Error('Vitrine did not start');
    await Promise.all(ids.map((product) => vitrine.track({ type: 'view', product, price: 2 })));
  }, products);
}

function consentOf(page: Page) {
  return page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.get());
}

let shopServer: Witnesses;
test.afterEach(async () => {
  await shopServer?.close();
});

test.describe('IAB TCF v2.2 through the script tag', () => {
  test('C2: should write nothing while the dialog is shown, and persist after useractioncomplete grants 1, 5, 6', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    await context.addInitScript(installCmp, {
      initial: { gdprApplies: true, cmpStatus: 'loaded', eventStatus: 'cmpuishown', purpose: consents() },
    });
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    await trackViews(page, ['1', '2']);
    await page.waitForTimeout(300);
    expect(await databaseNames(page)).toEqual([]);
    expect((await consentOf(page)).source).toBe('default');

    await page.evaluate(
      (purpose) => (window as unknown as { __cmp: { emit(p: unknown): void } }).__cmp.emit({ eventStatus: 'useractioncomplete', purpose }),
      consents(1, 5, 6),
    );
    await expect.poll(() => databaseNames(page)).toEqual([DB]);
    expect(await consentOf(page)).toMatchObject({ personalization: true, measurement: false, source: 'tcf' });
    await context.close();
  });

  const noDecision: [string, CmpSetup][] = [
    ['a CMP stub that never loads', { initial: { gdprApplies: true, cmpStatus: 'stub', purpose: consents(1, 5, 6) } }],
    ['a CMP in error', { initial: { gdprApplies: true, cmpStatus: 'error', eventStatus: 'tcloaded', purpose: consents(1, 5, 6) } }],
    [
      'success = false',
      { initial: { gdprApplies: true, cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 5, 6) }, success: false },
    ],
    ['gdprApplies unknown', { initial: { cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 5, 6) } }],
    ['gdprApplies false', { initial: { gdprApplies: false, cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 5, 6) } }],
    [
      'advertising purposes only (1, 3, 4)',
      { initial: { gdprApplies: true, cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 3, 4) } },
    ],
  ];
  for (const [name, setup] of noDecision) {
    test(`C1: should persist nothing with ${name}`, async ({ browser }) => {
      const context = await browser.newContext();
      shopServer = await startWitnessedShop(context);
      await context.addInitScript(installCmp, setup);
      const page = await context.newPage();
      await page.goto(`${shopServer.origin}/privacy.html`);
      await trackViews(page, ['1', '2', '3']);
      await page.waitForTimeout(300);
      expect(await databaseNames(page)).toEqual([]);
      expect((await consentOf(page)).personalization).toBe(false);
      const storage = await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
      expect(storage).toBe(0);
      await context.close();
    });
  }

  /** The consent source the worker reports, or the error code while a call hits the dying worker. */
  function sourceOf(page: Page): Promise<string> {
    return page.evaluate(() =>
      (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.get().then(
        (record) => record.source,
        (error: { code?: string }) => `error ${error.code}`,
      ),
    );
  }

  /** The first engine worker of `context` dies while it starts, with whatever was sent to it (the later ones are real). */
  async function firstWorkerDies(context: BrowserContext): Promise<void> {
    let first = true;
    await context.route(/\/assets\/worker-(?!chunk-)[^/]*\.js$/, (route) => {
      if (!first) return route.fallback();
      first = false;
      return route.fulfill({ contentType: 'text/javascript', body: "throw new Error('the engine worker died on start');" });
    });
  }

  test('should replay a CMP grant that was lost with a crashed worker into the restarted one', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    await context.addInitScript(installCmp, {
      initial: { gdprApplies: true, cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 5, 6) },
    });
    await firstWorkerDies(context);
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    // The next call starts a new worker, and the page session (the CMP's decision first) is replayed into it.
    await expect.poll(() => sourceOf(page)).toBe('tcf');
    expect(await consentOf(page)).toMatchObject({ personalization: true });
    await page.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.track({ type: 'view', product: '1' }));
    await expect.poll(() => databaseNames(page)).toEqual([DB]);
    await context.close();
  });

  test('should replay a CMP revocation that was lost with a crashed worker, deleting the stored profile', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    const granted = { gdprApplies: true, cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 5, 6) };
    await context.addInitScript(installCmp, { initial: granted });
    const earlier = await context.newPage();
    await earlier.goto(`${shopServer.origin}/privacy.html`);
    await trackViews(earlier, ['1', '2']);
    await expect.poll(() => databaseNames(earlier)).toEqual([DB]);
    await earlier.close();
    // The next visit: the CMP now says no, and the worker that was to hear it dies first.
    await context.addInitScript(() => {
      (window as unknown as { __cmp: { emit(p: unknown): void } }).__cmp.emit({ purpose: { consents: {} } });
    });
    await firstWorkerDies(context);
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    await expect.poll(() => sourceOf(page)).toBe('tcf');
    expect(await consentOf(page)).toMatchObject({ personalization: false });
    await expect.poll(() => databaseNames(page)).toEqual([]);
    await context.close();
  });

  test('C2, C3: should persist on a tcloaded grant, and let a later explicit revocation win over it', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    await context.addInitScript(installCmp, {
      initial: { gdprApplies: true, cmpStatus: 'loaded', eventStatus: 'tcloaded', purpose: consents(1, 5, 6, 8, 9) },
    });
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    await trackViews(page, ['1']);
    await expect.poll(() => databaseNames(page)).toEqual([DB]);
    const record = await page.evaluate(() =>
      (window as unknown as { vitrine: VitrineGlobal }).vitrine.consent.set({ personalization: false }),
    );
    expect(record).toMatchObject({ personalization: false, measurement: true, source: 'api' });
    expect(record.history[0]).toMatchObject({ personalization: true, measurement: true, source: 'tcf' });
    expect(await databaseNames(page)).toEqual([]);
    await context.close();
  });
});

test.describe('Google Consent Mode v2 through the script tag', () => {
  test('should follow personalization_storage from default denied to granted and back', async ({ browser }) => {
    const context = await browser.newContext();
    shopServer = await startWitnessedShop(context);
    await context.addInitScript(() => {
      const win = window as unknown as { dataLayer: unknown[]; gtag: (...args: unknown[]) => void };
      win.dataLayer = [];
      win.gtag = function gtag() {
        // eslint-disable-next-line prefer-rest-params
        win.dataLayer.push(arguments);
      };
      win.gtag('consent', 'default', { personalization_storage: 'denied', analytics_storage: 'denied', ad_storage: 'denied' });
    });
    const page = await context.newPage();
    await page.goto(`${shopServer.origin}/privacy.html`);
    await trackViews(page, ['1', '2']);
    await page.waitForTimeout(300);
    expect(await databaseNames(page)).toEqual([]);
    expect((await consentOf(page)).source).toBe('consent-mode');

    const gtag = (params: Record<string, string>) =>
      page.evaluate((p) => (window as unknown as { gtag: (...args: unknown[]) => void }).gtag('consent', 'update', p), params);
    await gtag({ personalization_storage: 'granted' });
    await expect.poll(() => databaseNames(page)).toEqual([DB]);
    expect(await consentOf(page)).toMatchObject({ personalization: true, measurement: false, source: 'consent-mode' });

    await gtag({ personalization_storage: 'denied' });
    await expect.poll(() => databaseNames(page)).toEqual([]);
    // The page's own dataLayer still works: every command is in it.
    expect(await page.evaluate(() => (window as unknown as { dataLayer: unknown[] }).dataLayer.length)).toBe(3);
    await context.close();
  });
});
