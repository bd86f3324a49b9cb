/**
 * The page's half of "a page does not repeat itself" (src/embed/placeholders.tsx): the placeholders
 * ask one after another and each leaves out what the others show. Against a fake engine that ranks
 * one fixed list and honours `exclude` as the worker does (test/node/exclude.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlaceholders, type Placeholders } from '../../src/embed/placeholders.tsx';
import { fromTemplates } from '../../src/embed/templates.ts';
import type { RecommendRequest, RecommendResult, ResultItem } from '../../src/shared/request.ts';
import type { WidgetEngine } from '../../widgets/index.ts';

/** The fake engine's ranking: the same for every placement, so any repeat would show. */
const RANKED = Array.from({ length: 40 }, (_, i) => `p${i + 1}`);

function item(productId: string): ResultItem {
  return {
    productId,
    title: productId,
    url: '',
    image: '',
    brand: '',
    category: [],
    inStock: true,
    attributes: {},
    price: null,
    salePrice: null,
    currency: 'EUR',
    score: 1,
    components: {},
    why: [],
    strategy: 'trending',
    rating: null,
    bundleVersion: 'test',
  };
}

let root: HTMLElement;
let placeholders: Placeholders;
let recommend: ReturnType<typeof fakeRecommend>;
let warn: ReturnType<typeof vi.fn<(error: unknown) => void>>;

/** Answers a few milliseconds later (as the worker does), the best `limit` ranked ids not excluded. */
function fakeRecommend(hold?: Promise<void>) {
  return vi.fn(async (request: RecommendRequest): Promise<RecommendResult> => {
    await hold;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const excluded = new Set(request.exclude);
    const ids = RANKED.filter((id) => !excluded.has(id)).slice(0, request.limit ?? 6);
    return { placement: request.placement, items: ids.map(item), fallback: null, bundleVersion: 'test', weights: {} };
  });
}

function start(hold?: Promise<void>): void {
  recommend = fakeRecommend(hold);
  // Only what the recommendation widgets read is filled in.
  const engine = { recommend, track: async () => {} } as unknown as WidgetEngine;
  warn = vi.fn<(error: unknown) => void>();
  placeholders = createPlaceholders({ engine, locale: 'en', pageProduct: () => undefined, warn, templates: async () => fromTemplates });
}

/** `<div data-vitrine=… data-limit=…>` for each entry, appended to `parent`. */
function add(
  parent: HTMLElement,
  ...entries: Array<[placement: string, limit: number, attributes?: Record<string, string>]>
): HTMLElement[] {
  return entries.map(([placement, limit, attributes = {}]) => {
    const div = document.createElement('div');
    div.dataset.vitrine = placement;
    div.dataset.limit = String(limit);
    for (const [name, value] of Object.entries(attributes)) div.setAttribute(name, value);
    parent.append(div);
    return div;
  });
}

const shown = (placeholder: HTMLElement): string[] =>
  [...(placeholder.shadowRoot?.querySelectorAll<HTMLElement>('[data-vitrine-item]') ?? [])].map((node) => node.dataset.vitrineItem!);

/** Waits until every placeholder shows its `limit` items. */
const settled = (...list: HTMLElement[]) =>
  vi.waitFor(() => {
    for (const placeholder of list) expect(shown(placeholder)).toHaveLength(Number(placeholder.dataset.limit));
  });

/** Set by the test whose query fails on purpose (and is reported). */
let failing = false;

beforeEach(() => {
  root = document.createElement('main');
  document.body.append(root);
});
afterEach(() => {
  if (!failing) expect(warn).not.toHaveBeenCalled();
  failing = false;
  root.remove();
  placeholders.sweep();
  document.body.removeAttribute('data-repeat');
});

describe('placeholders on one page', () => {
  it('should never show a product twice: the first in document order keeps it, the next get the next-best, as many', async () => {
    start();
    const [goesWith, reduced, forYou, trending] = add(root, ['goes_with', 4], ['now_reduced', 4], ['for_you', 6], ['trending', 6]);
    placeholders.scan(document);
    await settled(goesWith!, reduced!, forYou!, trending!);
    expect(shown(goesWith!)).toEqual(RANKED.slice(0, 4));
    expect(shown(reduced!)).toEqual(RANKED.slice(4, 8));
    expect(shown(forYou!)).toEqual(RANKED.slice(8, 14));
    expect(shown(trending!)).toEqual(RANKED.slice(14, 20));
  });

  it('should ask one placeholder at a time, in document order, each leaving out what those before it show', async () => {
    let release!: () => void;
    start(new Promise<void>((resolve) => (release = resolve)));
    const list = add(root, ['similar', 2], ['also_bought', 2], ['for_you', 2]);
    placeholders.scan(document);
    // The first asks; the others wait for its answer (e.g. while the bundle loads).
    await vi.waitFor(() => expect(recommend).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(recommend).toHaveBeenCalledTimes(1);
    release();
    await settled(...list);
    expect(recommend.mock.calls.map(([request]) => [request.placement, request.exclude])).toEqual([
      ['similar', []],
      ['also_bought', ['p1', 'p2']],
      ['for_you', ['p1', 'p2', 'p3', 'p4']],
    ]);
  });

  it('should make one added later leave out what the page shows, wherever it is in the document', async () => {
    start();
    const first = add(root, ['for_you', 4], ['trending', 4]);
    placeholders.scan(document);
    await settled(...first);
    // A single-page app renders a new placement above the others.
    const [late] = add(root, ['similar', 4]);
    root.prepend(late!);
    placeholders.scan(late!);
    await settled(late!);
    expect(shown(late!)).toEqual(RANKED.slice(8, 12));
    expect(shown(first[0]!)).toEqual(RANKED.slice(0, 4));
  });

  it('should release the products of a placeholder that left the page to those asking after', async () => {
    start();
    const [gone, stays] = add(root, ['for_you', 4], ['trending', 4]);
    placeholders.scan(document);
    await settled(gone!, stays!);
    gone!.remove();
    placeholders.sweep();
    const [next] = add(root, ['similar', 4]);
    placeholders.scan(next!);
    await settled(next!);
    expect(shown(next!)).toEqual(RANKED.slice(0, 4));
    expect(shown(stays!)).toEqual(RANKED.slice(4, 8));
  });

  it('should let a placeholder with data-repeat="allow" show what others show, and not hold its own products', async () => {
    start();
    const [first, allowed, last] = add(root, ['goes_with', 4], ['now_reduced', 4, { 'data-repeat': 'allow' }], ['for_you', 4]);
    placeholders.scan(document);
    await settled(first!, allowed!, last!);
    expect(shown(first!)).toEqual(RANKED.slice(0, 4));
    expect(shown(allowed!)).toEqual(RANKED.slice(0, 4));
    expect(shown(last!)).toEqual(RANKED.slice(4, 8));
  });

  it('should let data-repeat="allow" around the placeholders (the body) turn this off for the page', async () => {
    document.body.setAttribute('data-repeat', 'allow');
    start();
    const list = add(root, ['goes_with', 4], ['for_you', 4]);
    placeholders.scan(document);
    await settled(...list);
    expect(shown(list[0]!)).toEqual(RANKED.slice(0, 4));
    expect(shown(list[1]!)).toEqual(RANKED.slice(0, 4));
    for (const [request] of recommend.mock.calls) expect(request.exclude).toBeUndefined();
  });

  it('should keep asking after a query failed', async () => {
    start();
    failing = true;
    recommend.mockRejectedValueOnce(Object.assign(new Error('UNKNOWN_PRODUCT'), { code: 'UNKNOWN_PRODUCT' }));
    const [failed, next] = add(root, ['for_you', 4], ['trending', 4]);
    placeholders.scan(document);
    await settled(next!);
    // The failed one fell back to the bestsellers (its own second query), after the others.
    expect(recommend.mock.calls.map(([request]) => request.placement)).toEqual(['for_you', 'trending', 'trending']);
    await settled(failed!);
    expect(new Set([...shown(failed!), ...shown(next!)]).size).toBe(8);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
