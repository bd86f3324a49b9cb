/**
 * The connected widget: RecommendationsView as the script tag mounts it (into a placeholder that
 * holds the shop's fallback) and Recommendations as an app renders it. Against a recording fake
 * engine for the request, retry and reporting rules, and against the real engine (worker + WASM)
 * for the answers and the fallbacks it really produces.
 */
import axe from 'axe-core';
import { h, render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackEvent } from '../../src/index.ts';
import type { RecommendRequest, RecommendResult, ResultItem } from '../../src/shared/request.ts';
import { mountWidget, Recommendations, RecommendationsView, type RecommendationsProps, type WidgetEngine } from '../../widgets/index.ts';
import { enginesClosedAfterEach, makeEngineBundle } from './engine-fixture.ts';

const createEngine = enginesClosedAfterEach();

let host: HTMLElement;
let unmount: () => void;
beforeEach(() => {
  host = document.createElement('div');
  host.innerHTML = '<p>Browse our categories</p>'; // the shop's own fallback
  document.body.append(host);
  unmount = () => {};
});
afterEach(() => {
  unmount();
  host.remove();
});

function item(id: string): ResultItem {
  return {
    productId: id,
    title: `Title ${id}`,
    url: `https://shop.example/p/${id}`,
    image: '',
    brand: 'Acme',
    category: [],
    inStock: true,
    attributes: {},
    price: 10,
    salePrice: null,
    currency: 'EUR',
    score: 1,
    components: {},
    why: [],
    strategy: 'similar',
    rating: null,
    bundleVersion: '0badf00d',
  };
}
const result = (placement: RecommendRequest['placement'], ids: string[]): RecommendResult => ({
  placement,
  items: ids.map(item),
  fallback: null,
  bundleVersion: '0badf00d',
  weights: {},
});
/** An engine error as it arrives from the worker: a plain Error carrying its code. */
const failure = (code: string): Error => Object.assign(new Error(code), { code });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A fake engine that records calls; `recommend` answers from `answer`. */
function fakeEngine(answer: (request: RecommendRequest, call: number) => Promise<RecommendResult>) {
  let calls = 0;
  const engine = {
    recommend: vi.fn((request: RecommendRequest, _options?: { signal?: AbortSignal }) => answer(request, calls++)),
    track: vi.fn(async (_event: TrackEvent) => {}),
    status: vi.fn(async () => ({ state: 'ready', profile: { mode: 'memory', reason: null } })),
    measurement: vi.fn(async () => ({ endpoint: null })),
    consent: {
      get: vi.fn(async () => ({ personalization: false, measurement: false, source: 'default', updatedAt: 0, history: [] })),
      set: vi.fn(async () => {}),
    },
    profile: {
      export: vi.fn(async () => ({ events: [], compacted: [], preferences: {}, status: { mode: 'memory', reason: null } })),
      delete: vi.fn(async () => {}),
      forget: vi.fn(async () => {}),
      summary: vi.fn(async () => {}),
    },
  };
  // Only the fields the widgets read are filled in.
  return engine as typeof engine & WidgetEngine;
}

function mountView(props: Partial<RecommendationsProps> & Pick<RecommendationsProps, 'vitrine'>): ShadowRoot {
  unmount = mountWidget(host, <RecommendationsView placement="similar" product="sku-9" {...props} />);
  return host.shadowRoot!;
}
/** Waits for `query` to find an element. */
const found = <T,>(query: () => T | null): Promise<T> =>
  vi.waitFor(() => {
    const element = query();
    expect(element).not.toBeNull();
    return element!;
  });
const shownIds = (root: ShadowRoot): string[] =>
  [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')].map((element) => element.dataset.vitrineItem!);

describe('RecommendationsView with a fake engine', () => {
  it('should ask for the placement with its options and show the skeleton until the answer', async () => {
    const answer = deferred<RecommendResult>();
    const vitrine = fakeEngine(() => answer.promise);
    const rules = { maxPerBrand: 2 };
    const root = mountView({ vitrine, locale: 'de', category: 'Dresses', rules });
    expect(root.querySelector('section')!.getAttribute('aria-busy')).toBe('true');
    await vi.waitFor(() => expect(vitrine.recommend).toHaveBeenCalledTimes(1));
    expect(vitrine.recommend.mock.calls[0]![0]).toEqual({
      placement: 'similar',
      product: 'sku-9',
      limit: 6,
      locale: 'de',
      category: 'Dresses',
      rules,
    });
    expect(vitrine.recommend.mock.calls[0]![1]!.signal).toBeInstanceOf(AbortSignal);
    answer.resolve(result('similar', ['sku-1', 'sku-2']));
    await vi.waitFor(() => expect(shownIds(root)).toEqual(['sku-1', 'sku-2']));
    expect(root.querySelector('section')!.getAttribute('aria-busy')).toBeNull();
    expect(root.querySelector('section')!.dataset.vitrinePlacement).toBe('similar');
  });

  it('should ask again when its props change, and drop the answer that came too late', async () => {
    const answers = [deferred<RecommendResult>(), deferred<RecommendResult>()];
    const vitrine = fakeEngine((_request, call) => answers[call]!.promise);
    mountView({ vitrine, product: 'sku-1', limit: 4 });
    await vi.waitFor(() => expect(vitrine.recommend).toHaveBeenCalledTimes(1));
    const root = mountView({ vitrine, product: 'sku-2', limit: 4 });
    await vi.waitFor(() => expect(vitrine.recommend).toHaveBeenCalledTimes(2));
    expect(vitrine.recommend.mock.calls[1]![0]).toMatchObject({ product: 'sku-2', limit: 4 });
    expect(vitrine.recommend.mock.calls[0]![1]!.signal!.aborted).toBe(true);
    answers[1]!.resolve(result('similar', ['sku-new']));
    await vi.waitFor(() => expect(shownIds(root)).toEqual(['sku-new']));
    answers[0]!.resolve(result('similar', ['sku-stale']));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shownIds(root)).toEqual(['sku-new']);
  });

  it('should not ask again when it is re-rendered with equal props', async () => {
    const vitrine = fakeEngine(async () => result('similar', ['sku-1']));
    mountView({ vitrine, rules: { maxPerBrand: 1 }, onError: () => {} });
    await vi.waitFor(() => expect(shownIds(host.shadowRoot!)).toEqual(['sku-1']));
    mountView({ vitrine, rules: { maxPerBrand: 1 }, onError: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(vitrine.recommend).toHaveBeenCalledTimes(1);
  });

  it('should report a product the bundle does not know and show the bestsellers under its own placement', async () => {
    const onError = vi.fn();
    const unknown = failure('UNKNOWN_PRODUCT');
    const vitrine = fakeEngine(async (request) => {
      if (request.placement == 'trending') return result('trending', ['sku-top1', 'sku-top2']);
      throw unknown;
    });
    const root = mountView({ vitrine, limit: 4, locale: 'en', onError });
    await vi.waitFor(() => expect(shownIds(root)).toEqual(['sku-top1', 'sku-top2']));
    expect(onError).toHaveBeenCalledExactlyOnceWith(unknown);
    expect(vitrine.recommend.mock.calls[1]![0]).toEqual({ placement: 'trending', limit: 4, locale: 'en' });
    expect(root.querySelector('section')!.dataset.vitrinePlacement).toBe('similar');
    expect(root.querySelector('h2')!.textContent).toBe('Trending now (Similar products)'); // the visible heading, and what it stands in for
  });

  it.each(['WORKER_CRASHED', 'NOT_READY', 'TIMEOUT', 'BUNDLE_CHECKSUM_MISMATCH'])(
    'should show the shop fallback through a slot on %s, without asking for bestsellers',
    async (code) => {
      const onError = vi.fn();
      const vitrine = fakeEngine(async () => {
        throw failure(code);
      });
      const root = mountView({ vitrine, onError });
      await vi.waitFor(() => expect(root.querySelector('slot')).not.toBeNull());
      expect(
        root
          .querySelector('slot')!
          .assignedNodes()
          .map((node) => node.textContent),
      ).toEqual(['Browse our categories']);
      expect(host.querySelector('p')!.checkVisibility()).toBe(true);
      expect(vitrine.recommend).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0]![0].code).toBe(code);
    },
  );

  it('should ask again while the engine has no bundle (NOT_READY), reporting it once, and show the answer when it comes', async () => {
    const onError = vi.fn();
    const vitrine = fakeEngine(async (_request, call) => {
      if (call < 3) throw failure('NOT_READY');
      return result('similar', ['sku-1', 'sku-2']);
    });
    const root = mountView({ vitrine, onError });
    // The shop's fallback meanwhile, then the list in its place: 200 + 400 + 800 ms of waiting.
    await found(() => root.querySelector('slot'));
    await vi.waitFor(() => expect(shownIds(root)).toEqual(['sku-1', 'sku-2']), { timeout: 5000 });
    expect(root.querySelector('slot')).toBeNull();
    expect(vitrine.recommend).toHaveBeenCalledTimes(4);
    expect(vitrine.recommend.mock.calls.every(([request]) => request.placement == 'similar')).toBe(true);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0].code).toBe('NOT_READY');
  });

  it('should stop asking once it is unmounted', async () => {
    const vitrine = fakeEngine(async () => {
      throw failure('NOT_READY');
    });
    const root = mountView({ vitrine });
    await found(() => root.querySelector('slot'));
    unmount();
    unmount = () => {};
    const asked = vitrine.recommend.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(vitrine.recommend).toHaveBeenCalledTimes(asked);
  });

  it('should head "now reduced" filled up with other products on sale "On sale" / "Im Angebot", and keep its own heading otherwise', async () => {
    const filled = {
      ...result('now_reduced', ['sku-1', 'sku-2']),
      fallback: { strategy: 'trending' as const, count: 1, reason: 'too-few-items' as const },
    };
    const heading = async (answer: RecommendResult, props: Partial<RecommendationsProps> = {}): Promise<string> => {
      const root = mountView({ vitrine: fakeEngine(async () => answer), placement: 'now_reduced', product: undefined, ...props });
      await vi.waitFor(() => expect(shownIds(root)).toHaveLength(2));
      return root.querySelector('h2')!.firstChild!.textContent!; // the visible heading, not its screen-reader part
    };
    expect(await heading(filled)).toBe('On sale');
    expect(await heading(filled, { locale: 'de' })).toBe('Im Angebot');
    expect(await heading(result('now_reduced', ['sku-3', 'sku-4']))).toBe('Now reduced');
    // The shop's own heading is the shop's call.
    expect(await heading(filled, { heading: 'Deals' })).toBe('Deals');
    // Only "now reduced" promises something its fallback would not keep.
    expect(await heading({ ...filled, placement: 'for_you' }, { placement: 'for_you' })).toBe('Recommended for you');
  });

  it('should head a list with nothing of its own by what filled it: bestsellers are no "customers also bought"', async () => {
    const heading = async (fallback: RecommendResult['fallback'], props: Partial<RecommendationsProps> = {}): Promise<string> => {
      const answer = { ...result('also_bought', ['sku-1', 'sku-2']), fallback };
      unmount(); // a fresh widget each time, not the last one's list
      const root = mountView({ vitrine: fakeEngine(async () => answer), placement: 'also_bought', ...props });
      await vi.waitFor(() => expect(shownIds(root)).toHaveLength(2));
      return root.querySelector('h2')!.firstChild!.textContent!; // the visible heading, not its screen-reader part
    };
    expect(await heading({ strategy: 'trending', count: 2, reason: 'no-signal' })).toBe('Trending now');
    expect(await heading({ strategy: 'for_you', count: 2, reason: 'no-signal' }, { locale: 'de' })).toBe('Für dich empfohlen');
    // Screen readers also hear what the list stands in for: two lists headed "Trending now" stay apart.
    unmount();
    const root = mountView({
      vitrine: fakeEngine(async () => ({
        ...result('also_bought', ['sku-1']),
        fallback: { strategy: 'trending', count: 1, reason: 'no-signal' },
      })),
      placement: 'also_bought',
    });
    await vi.waitFor(() => expect(root.querySelector('h2')!.textContent).toBe('Trending now (Customers also bought)'));
    expect(root.querySelector('h2 .sr')!.textContent).toBe(' (Customers also bought)');
    // Some of its own, the rest filled up: the list is still what its heading says first.
    expect(await heading({ strategy: 'trending', count: 1, reason: 'too-few-items' })).toBe('Customers also bought');
    expect(await heading(null)).toBe('Customers also bought');
  });

  it('should show the shop fallback when the bestsellers fail too, reporting both failures', async () => {
    const onError = vi.fn();
    const vitrine = fakeEngine(async (request) => {
      throw failure(request.placement == 'trending' ? 'TIMEOUT' : 'INVALID_REQUEST');
    });
    const root = mountView({ vitrine, onError });
    await vi.waitFor(() => expect(root.querySelector('slot')).not.toBeNull());
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(['INVALID_REQUEST', 'TIMEOUT']);
  });

  it('should take an AbortError for no failure: nothing reported, no fallback', async () => {
    const onError = vi.fn();
    const vitrine = fakeEngine(async () => {
      throw new DOMException('The operation was aborted.', 'AbortError');
    });
    const root = mountView({ vitrine, onError });
    await vi.waitFor(() => expect(vitrine.recommend).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onError).not.toHaveBeenCalled();
    expect(vitrine.recommend).toHaveBeenCalledTimes(1);
    expect(root.querySelector('slot')).toBeNull();
  });

  it('should report clicks and viewable impressions to the engine with the placement', async () => {
    const vitrine = fakeEngine(async () => result('also_bought', ['sku-1', 'sku-2']));
    const root = mountView({ vitrine, placement: 'also_bought' });
    await vi.waitFor(() => expect(shownIds(root)).toHaveLength(2));
    root.addEventListener('click', (event) => event.preventDefault()); // stay on the test page
    root.querySelector<HTMLElement>('[data-vitrine-item="sku-2"] a')!.click();
    await vi.waitFor(() => expect(vitrine.track).toHaveBeenCalledWith({ type: 'click', product: 'sku-2', placement: 'also_bought' }));
    await vi.waitFor(() => expect(vitrine.track).toHaveBeenCalledTimes(3), { timeout: 3000 });
    expect(vitrine.track.mock.calls.slice(1).map(([event]) => event)).toEqual([
      { type: 'impression', product: 'sku-1', placement: 'also_bought' },
      { type: 'impression', product: 'sku-2', placement: 'also_bought' },
    ]);
  });

  it('should hand a failed report to onError instead of throwing', async () => {
    const onError = vi.fn();
    const vitrine = fakeEngine(async () => result('similar', ['sku-1']));
    const refused = failure('INVALID_EVENT');
    vitrine.track.mockRejectedValue(refused);
    const root = mountView({ vitrine, onError });
    await vi.waitFor(() => expect(shownIds(root)).toHaveLength(1));
    root.addEventListener('click', (event) => event.preventDefault());
    root.querySelector<HTMLElement>('[data-vitrine-item] a')!.click();
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(refused));
  });

  it('should drop a dismissed item at once, report it, and ask again to refill without it', async () => {
    const refill = deferred<RecommendResult>();
    const vitrine = fakeEngine((_request, call) =>
      call == 0 ? Promise.resolve(result('for_you', ['sku-1', 'sku-2', 'sku-3'])) : refill.promise,
    );
    const root = mountView({ vitrine, placement: 'for_you', product: undefined, limit: 3 });
    await vi.waitFor(() => expect(shownIds(root)).toHaveLength(3));
    const card = root.querySelector('[data-vitrine-item="sku-2"]')!;
    card.querySelector<HTMLButtonElement>('[data-vitrine-why]')!.click();
    [...card.querySelectorAll('button')].find((b) => b.textContent == 'Not interested')!.click();
    await vi.waitFor(() => expect(shownIds(root)).toEqual(['sku-1', 'sku-3']));
    expect(vitrine.track).toHaveBeenCalledWith({ type: 'dismiss', product: 'sku-2', placement: 'for_you' });
    await vi.waitFor(() => expect(vitrine.recommend).toHaveBeenCalledTimes(2));
    expect(vitrine.recommend.mock.calls[1]![0]).toMatchObject({ placement: 'for_you', limit: 3, exclude: ['sku-2'] });
    // A refill keeps the list on screen, no skeleton in between.
    expect(root.querySelector('section')!.getAttribute('aria-busy')).toBeNull();
    refill.resolve(result('for_you', ['sku-1', 'sku-3', 'sku-4']));
    await vi.waitFor(() => expect(shownIds(root)).toEqual(['sku-1', 'sku-3', 'sku-4']));
    expect(root.activeElement).toBe(root.querySelector('h2'));
  });

  it('should open the privacy panel in a modal dialog from "Manage my data", and give the focus back on close', async () => {
    const vitrine = fakeEngine(async () => result('similar', ['sku-1']));
    const root = mountView({ vitrine });
    await vi.waitFor(() => expect(shownIds(root)).toHaveLength(1));
    const why = root.querySelector<HTMLButtonElement>('[data-vitrine-why]')!;
    why.click();
    [...root.querySelectorAll('.pop button')]
      .find((b) => b.textContent == 'Manage my data')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    const dialog = await found(() => root.querySelector('dialog'));
    expect(dialog.open).toBe(true);
    expect(dialog.matches(':modal')).toBe(true);
    const panel = await found(() => dialog.querySelector<HTMLElement>('[data-vitrine-placement="privacy-panel"]'));
    await vi.waitFor(() => expect(panel.getAttribute('aria-busy')).toBeNull());
    expect(vitrine.profile.export).toHaveBeenCalled();
    const { violations } = await axe.run(host);
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    [...panel.querySelectorAll('button')].find((b) => b.textContent == 'Close')!.click();
    await vi.waitFor(() => expect(root.querySelector('dialog')).toBeNull());
    expect(root.activeElement).toBe(why);
  });

  it('should call onManageData instead of its own dialog when given', async () => {
    const onManageData = vi.fn();
    const vitrine = fakeEngine(async () => result('similar', ['sku-1']));
    const root = mountView({ vitrine, onManageData });
    await vi.waitFor(() => expect(shownIds(root)).toHaveLength(1));
    root.querySelector<HTMLButtonElement>('[data-vitrine-why]')!.click();
    [...root.querySelectorAll('.pop button')]
      .find((b) => b.textContent == 'Manage my data')!
      .dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(onManageData).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(root.querySelector('dialog')).toBeNull();
  });
});

describe('Recommendations with the real engine', () => {
  const bundle = () => makeEngineBundle({ rows: 60, seed: 11 }).bytes;

  it('should render the engine’s similar products in its own shadow root inside an app', async () => {
    const vitrine = createEngine();
    await vitrine.load(bundle());
    const expected = await vitrine.recommend({ placement: 'similar', product: 'sku-3', limit: 6 });
    expect(expected.items.length).toBeGreaterThan(0);
    render(<Recommendations vitrine={vitrine} placement="similar" product="sku-3" />, host);
    unmount = () => render(null, host);
    const root = host.querySelector('div')!.shadowRoot!;
    await vi.waitFor(() => expect(shownIds(root)).toEqual(expected.items.map((i) => i.productId)));
    expect(root.querySelector('section')!.dataset.vitrinePlacement).toBe('similar');
    const first = root.querySelector('[data-vitrine-item] a')!;
    expect(first.textContent).toBe(expected.items[0]!.title);
    expect(first.getAttribute('href')).toBe(expected.items[0]!.url);
  });

  it('should fall back to the bestsellers for a product the bundle does not have', async () => {
    const vitrine = createEngine();
    await vitrine.load(bundle());
    const trending = await vitrine.recommend({ placement: 'trending', limit: 6 });
    const onError = vi.fn();
    const root = mountView({ vitrine, product: 'sku-not-in-the-bundle', onError });
    await vi.waitFor(() => expect(shownIds(root)).toEqual(trending.items.map((i) => i.productId)));
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0].code).toBe('UNKNOWN_PRODUCT');
    expect(root.querySelector('section')!.dataset.vitrinePlacement).toBe('similar');
  });

  it('should render in an app once the bundle is loaded, when it was mounted before load() (issue 14)', async () => {
    const vitrine = createEngine();
    render(<Recommendations vitrine={vitrine} placement="trending" limit={4} />, host);
    unmount = () => render(null, host);
    const root = host.querySelector('div')!.shadowRoot!;
    // The first answer is NOT_READY (the worker starts with no bundle): the widget gives way to its slot.
    await vi.waitFor(() => expect(root.querySelector('slot')).not.toBeNull(), { timeout: 5000 });
    await vitrine.load(bundle());
    const expected = await vitrine.recommend({ placement: 'trending', limit: 4 });
    expect(expected.items.length).toBe(4);
    await vi.waitFor(() => expect(shownIds(root)).toEqual(expected.items.map((i) => i.productId)), { timeout: 8000 });
  });

  it('should show the children given in an app through its slot when the engine has no bundle', async () => {
    const vitrine = createEngine();
    const onError = vi.fn();
    render(
      <Recommendations vitrine={vitrine} placement="for_you" onError={onError}>
        <a href="/bestsellers">Our bestsellers</a>
      </Recommendations>,
      host,
    );
    unmount = () => render(null, host);
    const inner = host.querySelector('div')!;
    // The engine worker must start to answer NOT_READY: seconds, not vi.waitFor's default 1 s, on a busy machine.
    await vi.waitFor(() => expect(inner.shadowRoot!.querySelector('slot')).not.toBeNull(), { timeout: 5000 });
    expect(onError.mock.calls[0]![0].code).toBe('NOT_READY');
    expect(inner.querySelector('a')!.checkVisibility()).toBe(true);
    expect(inner.shadowRoot!.querySelector('slot')!.assignedElements()[0]!.textContent).toBe('Our bestsellers');
  });
});
