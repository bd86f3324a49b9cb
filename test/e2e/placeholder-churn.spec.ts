/**
 * X3: placeholders as a single-page app treats them: added and removed again and again, removed
 * while their widget is still rendering, duplicated by cloning, or put on an element that cannot
 * hold a widget. Nothing may throw into the page, and nothing may pile up: the listeners on the
 * page's long-lived targets (window, document, <html>, <body>) and the live observers stay as many
 * as before the churn.
 */
import { expect, test, type Page } from '@playwright/test';
import { startShop, type Shop } from './shop-harness.ts';

interface Live {
  listeners: number;
  intersection: number;
  mutation: number;
  resize: number;
}

/** Counts listeners on long-lived targets and observers not disconnected, from before Vitrine runs. */
function countLive(): void {
  const live = { listeners: 0, intersection: 0, mutation: 0, resize: 0 };
  (window as unknown as { live: typeof live }).live = live;
  const longLived = (target: unknown) =>
    target === window || target === document || target === document.documentElement || target === document.body;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const registered = new Set<string>();
  let next = 0;
  const ids = new WeakMap<object, number>();
  /** A stable name per object, so one listener is counted once however often it is added. */
  const id = (object: unknown) => {
    if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return String(object);
    if (!ids.has(object as object)) ids.set(object as object, ++next);
    return String(ids.get(object as object));
  };
  const capture = (options: unknown) =>
    typeof options === 'object' && options ? Boolean((options as { capture?: boolean }).capture) : Boolean(options);
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const key = `${id(this)} ${type} ${id(listener)} ${capture(options)}`;
    if (longLived(this) && listener && !registered.has(key)) {
      registered.add(key);
      live.listeners++;
    }
    return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
  } as typeof add;
  EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const key = `${id(this)} ${type} ${id(listener)} ${capture(options)}`;
    if (registered.delete(key)) live.listeners--;
    return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
  } as typeof remove;
  for (const [name, field] of [
    ['IntersectionObserver', 'intersection'],
    ['MutationObserver', 'mutation'],
    ['ResizeObserver', 'resize'],
  ] as const) {
    const Native = (window as unknown as Record<string, { prototype: { observe: (...args: unknown[]) => void; disconnect: () => void } }>)[
      name
    ]!;
    const observe = Native.prototype.observe;
    const disconnect = Native.prototype.disconnect;
    const observing = new WeakSet<object>();
    Native.prototype.observe = function (this: object, ...args: unknown[]) {
      if (!observing.has(this)) {
        observing.add(this);
        live[field]++;
      }
      return observe.apply(this, args);
    };
    Native.prototype.disconnect = function (this: object) {
      if (observing.delete(this)) live[field]--;
      return disconnect.apply(this);
    };
  }
}

const liveCounts = (page: Page): Promise<Live> => page.evaluate(() => ({ ...(window as unknown as { live: Live }).live }));

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
  return errors;
}

let shop: Shop;
test.afterEach(async () => {
  await shop?.close();
});

test.describe('X3: placeholders added, removed, duplicated or misplaced', () => {
  test('should leave no listener or observer behind after 100 placeholders came and went, some while still rendering', async ({ page }) => {
    shop = await startShop();
    const errors = watchErrors(page);
    await page.addInitScript(countLive);
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    const churn = (rounds: number, from: number) =>
      page.evaluate(
        async ({ rounds, from }) => {
          const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
          for (let i = from; i < from + rounds; i++) {
            const div = document.createElement('div');
            div.dataset.vitrine = i % 3 ? 'similar' : 'trending';
            div.dataset.product = String(1 + (i % 90));
            document.body.append(div);
            // Every other one leaves before its widget had an answer.
            if (i % 2) {
              await settle();
              div.remove();
            } else {
              const start = Date.now();
              while (!div.shadowRoot?.querySelector('[data-vitrine-item]') && Date.now() - start < 3000) await settle();
              div.remove();
            }
          }
          await settle();
        },
        { rounds, from },
      );
    // Warm up: lazily created shared things (stylesheets, the popover's listeners) exist from here on.
    await churn(4, 0);
    await page.waitForTimeout(300);
    const before = await liveCounts(page);
    // The counting sees widgets: one more on the page holds more observers until it goes.
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.id = 'probe';
      div.dataset.vitrine = 'trending';
      document.body.append(div);
    });
    await expect(page.locator('#probe [data-vitrine-item]')).toHaveCount(6);
    // Polled: the items' impression observer starts in an effect Preact runs after the paint that
    // showed them (the clean-clone CI run once counted in between).
    const held = (live: Live) => live.intersection + live.resize + live.listeners;
    await expect.poll(async () => held(await liveCounts(page))).toBeGreaterThan(held(before));
    await page.evaluate(() => document.getElementById('probe')!.remove());
    await expect.poll(() => liveCounts(page)).toEqual(before);
    await churn(100, 4);
    await page.waitForTimeout(500);
    expect(await liveCounts(page)).toEqual(before);
    // The page still works: a new placeholder renders.
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.id = 'after-churn';
      div.dataset.vitrine = 'trending';
      document.body.append(div);
    });
    await expect(page.locator('#after-churn [data-vitrine-item]')).toHaveCount(6);
    expect(errors).toEqual([]);
  });

  test('should render a duplicated placeholder as its own widget, and warn (not throw) for one on an element that cannot hold a widget', async ({
    page,
  }) => {
    shop = await startShop();
    const errors = watchErrors(page);
    await page.goto(`${shop.origin}/failures.html`);
    await expect(page.locator('[data-vitrine="trending"] [data-vitrine-item]')).toHaveCount(6);
    await page.evaluate(() => {
      // A clone of a rendered placeholder (its shadow root is not cloned) and the same markup twice, with one id.
      const original = document.querySelector<HTMLElement>('[data-vitrine="trending"]')!;
      const clone = original.cloneNode(true) as HTMLElement;
      clone.id = 'twin';
      document.body.append(clone);
      document.body.insertAdjacentHTML(
        'beforeend',
        '<div id="same" data-vitrine="trending" data-repeat="allow"></div><div id="same" data-vitrine="trending" data-repeat="allow"></div>',
      );
      // A <ul> cannot have a shadow root.
      document.body.insertAdjacentHTML('beforeend', '<ul id="misplaced" data-vitrine="trending"><li>the shop\'s list</li></ul>');
    });
    await expect(page.locator('#twin [data-vitrine-item]')).toHaveCount(6);
    await expect(page.locator('[id="same"]').nth(0).locator('[data-vitrine-item]')).toHaveCount(6);
    await expect(page.locator('[id="same"]').nth(1).locator('[data-vitrine-item]')).toHaveCount(6);
    await expect(page.locator('#misplaced')).toHaveText("the shop's list");
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { vitrineWarnings: string[] }).vitrineWarnings))
      .toContain('INVALID_REQUEST');
    expect(errors).toEqual([]);
  });
});
