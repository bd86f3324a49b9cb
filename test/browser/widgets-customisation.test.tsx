/**
 * What a shop changes in the widgets (Algolia's recommendation-widget options, widgets/README.md):
 * item, header and empty render props, `transformItems`, `threshold`, the connected widget's click
 * and impression callbacks, `::part()` names, and its own words for a locale Vitrine does not ship.
 * Each option is checked by what it changes in the rendered widget, in real Chromium.
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackEvent } from '../../src/index.ts';
import type { RecommendRequest, RecommendResult, ResultItem } from '../../src/shared/request.ts';
import {
  mountWidget,
  RecommendationList,
  RecommendationsView,
  type ItemComponentProps,
  type RecommendationListProps,
  type RecommendationsProps,
  type WidgetEngine,
} from '../../widgets/index.ts';

let host: HTMLElement;
let unmount: () => void;
beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
  unmount = () => {};
});
afterEach(() => {
  unmount();
  host.remove();
});

function item(i: number, overrides: Partial<ResultItem> = {}): ResultItem {
  return {
    productId: `sku-${i}`,
    title: `Product ${i}`,
    url: `https://shop.example/p/${i}`,
    image: `https://shop.example/img/${i}.jpg`,
    brand: 'Acme',
    category: ['Women', 'Dresses'],
    inStock: true,
    attributes: {},
    price: 20 + i,
    salePrice: null,
    currency: 'EUR',
    // Scores fall with the rank: sku-0 has 1, sku-1 0.9, …
    score: 1 - i / 10,
    components: { similarity: 1 - i / 10 },
    why: [],
    strategy: 'similar',
    rating: 4,
    bundleVersion: '0badf00d',
    ...overrides,
  };
}
const items = (n: number): ResultItem[] => Array.from({ length: n }, (_, i) => item(i));
const shownIds = (root: ShadowRoot): string[] =>
  [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')].map((element) => element.dataset.vitrineItem!);

function mountList(props: Partial<RecommendationListProps> = {}): ShadowRoot {
  unmount = mountWidget(host, <RecommendationList placement="similar" items={items(4)} {...props} />);
  return host.shadowRoot!;
}

/** A fake engine answering `ids` (scores as in `item`) and recording what is tracked. */
function fakeEngine(list: ResultItem[]) {
  const engine = {
    recommend: vi.fn(async (request: RecommendRequest): Promise<RecommendResult> => ({
      placement: request.placement,
      items: list,
      fallback: null,
      bundleVersion: '0badf00d',
      weights: {},
    })),
    track: vi.fn(async (_event: TrackEvent) => {}),
  };
  // Only what the recommendation widget reads is filled in.
  return engine as typeof engine & WidgetEngine;
}

function mountView(props: Partial<RecommendationsProps> & Pick<RecommendationsProps, 'vitrine'>): ShadowRoot {
  unmount = mountWidget(host, <RecommendationsView placement="similar" product="sku-9" {...props} />);
  return host.shadowRoot!;
}
const listed = (root: ShadowRoot, count: number) => vi.waitFor(() => expect(shownIds(root)).toHaveLength(count));

describe('render props', () => {
  it("should render each item with the shop's itemComponent (hooks work in it) inside the item's <li>, and count a link click in it", () => {
    const onItemClick = vi.fn();
    function Card({ item, locale, strings }: ItemComponentProps) {
      const [open] = useState('stateful');
      return (
        <a href={item.url} class="mine" data-open={open} onClick={(e) => e.preventDefault()}>
          {item.title} / {item.category.at(-1)} / {locale} / {strings.why}
        </a>
      );
    }
    const root = mountList({ itemComponent: Card, onItemClick, locale: 'de' });
    const cards = [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')];
    expect(cards.map((card) => card.querySelector('.mine')?.textContent)).toEqual([
      'Product 0 / Dresses / de / Warum?',
      'Product 1 / Dresses / de / Warum?',
      'Product 2 / Dresses / de / Warum?',
      'Product 3 / Dresses / de / Warum?',
    ]);
    expect(cards[0]!.querySelector<HTMLElement>('.mine')!.dataset.open).toBe('stateful');
    // The built-in card is gone: no image box, no "Why?".
    expect(root.querySelector('.img, [data-vitrine-why]')).toBeNull();
    cards[2]!.querySelector<HTMLElement>('.mine')!.click();
    expect(onItemClick).toHaveBeenCalledTimes(1);
    expect(onItemClick.mock.calls[0]![0].productId).toBe('sku-2');
    expect(onItemClick.mock.calls[0]![1]).toBeInstanceOf(MouseEvent);
    // A click beside the link is no item click.
    cards[2]!.click();
    expect(onItemClick).toHaveBeenCalledTimes(1);
  });

  it("should render the shop's headerComponent inside the element that labels the list, and its emptyComponent for no items", () => {
    const header = vi.fn(({ heading, items }: { heading: string; items: readonly ResultItem[] | null }) => (
      <strong class="my-head">
        {heading} ({items?.length})
      </strong>
    ));
    const root = mountList({ headerComponent: header, heading: 'Picked for you' });
    const section = root.querySelector('section')!;
    const label = root.getElementById(section.getAttribute('aria-labelledby')!)!;
    expect(label.querySelector('.my-head')!.textContent).toBe('Picked for you (4)');
    expect(root.querySelector('h2')).toBeNull();

    const empty = mountList({ items: [], emptyComponent: () => <p class="my-empty">Come back tomorrow</p> });
    expect(empty.querySelector('[part="empty"]')!.textContent).toBe('Come back tomorrow');
    expect(empty.textContent).not.toContain('No recommendations right now.');
  });
});

describe('::part() names', () => {
  it('should name the parts a shop styles from its own stylesheet', () => {
    const style = document.createElement('style');
    style.textContent = '.shop::part(title) { color: rgb(1, 2, 3); } .shop::part(item) { border-top-width: 7px; }';
    document.head.append(style);
    host.className = 'shop';
    try {
      const root = mountList({ items: [item(0, { salePrice: 15 })] });
      const parts = new Set([...root.querySelectorAll('[part]')].flatMap((element) => element.getAttribute('part')!.split(' ')));
      for (const part of [
        'root',
        'header',
        'heading',
        'nav',
        'list',
        'item',
        'link',
        'image',
        'title',
        'price',
        'old-price',
        'sale-price',
        'rating',
        'why',
        'why-popover',
      ])
        expect(parts, part).toContain(part);
      expect(getComputedStyle(root.querySelector('[part="title"]')!).color).toBe('rgb(1, 2, 3)');
      expect(getComputedStyle(root.querySelector('[part="item"]')!).borderTopWidth).toBe('7px');
      // Without the part, the page's CSS still cannot reach in.
      expect(getComputedStyle(root.querySelector('[part="price"]')!).color).not.toBe('rgb(1, 2, 3)');
    } finally {
      style.remove();
    }
  });
});

describe("the shop's own words", () => {
  it('should show French words given for fr, the built-in English ones for the rest, and ignore a word of the wrong kind', () => {
    const root = mountList({
      locale: 'fr',
      items: [item(0, { salePrice: 15 })],
      // `rated` must be a function of the rating: a plain text there is left out (as data-strings JSON can give).
      strings: { headings: { similar: 'Produits similaires' }, why: 'Pourquoi ?', was: 'avant', rated: 'noté' as never },
    });
    expect(root.querySelector('h2')!.textContent).toBe('Produits similaires');
    expect(root.querySelector('[data-vitrine-why]')!.firstChild!.textContent).toBe('Pourquoi ?');
    expect(root.querySelector('del')!.textContent).toContain('avant');
    // The price is French-formatted by Intl; the words not given stay English.
    expect(root.querySelector('del')!.textContent).toMatch(/20,00\s€/);
    expect(root.querySelector('[part="rating"]')!.getAttribute('aria-label')).toBe('Rated 4 out of 5');
    expect(root.querySelector('button[aria-label]')!.getAttribute('aria-label')).toBe('Previous');

    const empty = mountList({ locale: 'fr', items: [], strings: { empty: 'Rien pour le moment.' } });
    expect(empty.querySelector('[part="empty"]')!.textContent).toBe('Rien pour le moment.');
  });
});

describe('RecommendationsView options', () => {
  it('should leave out items scoring below the threshold', async () => {
    const vitrine = fakeEngine(items(6));
    const root = mountView({ vitrine, threshold: 0.75 });
    await listed(root, 3);
    expect(shownIds(root)).toEqual(['sku-0', 'sku-1', 'sku-2']);
  });

  it('should render what transformItems returns (after the threshold), reordered and filtered', async () => {
    const vitrine = fakeEngine(items(6));
    const transformItems = vi.fn((list: ResultItem[]) => list.filter((i) => i.productId !== 'sku-1').reverse());
    const root = mountView({ vitrine, threshold: 0.65, transformItems });
    await listed(root, 3);
    expect(shownIds(root)).toEqual(['sku-3', 'sku-2', 'sku-0']);
    expect(transformItems.mock.calls.at(-1)![0].map((i) => i.productId)).toEqual(['sku-0', 'sku-1', 'sku-2', 'sku-3']);
  });

  it('should report a transformItems that throws to onError and show the items unchanged', async () => {
    const vitrine = fakeEngine(items(3));
    const onError = vi.fn();
    const root = mountView({
      vitrine,
      onError,
      transformItems: () => {
        throw new TypeError('shop bug');
      },
    });
    await listed(root, 3);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'shop bug' }));
  });

  it('should call onItemClick with the clicked item and the event after reporting the click, and onImpression for each viewable item', async () => {
    const vitrine = fakeEngine(items(2));
    const onItemClick = vi.fn();
    const onImpression = vi.fn();
    const root = mountView({ vitrine, onItemClick, onImpression, layout: 'grid' });
    await listed(root, 2);
    const link = root.querySelector<HTMLAnchorElement>('[data-vitrine-item="sku-1"] a')!;
    link.addEventListener('click', (e) => e.preventDefault());
    link.click();
    expect(onItemClick).toHaveBeenCalledTimes(1);
    expect(onItemClick.mock.calls[0]![0].productId).toBe('sku-1');
    expect(onItemClick.mock.calls[0]![1].type).toBe('click');
    await vi.waitFor(() => expect(vitrine.track).toHaveBeenCalledWith(expect.objectContaining({ type: 'click', product: 'sku-1' })));
    await vi.waitFor(() => expect(onImpression).toHaveBeenCalledTimes(2), { timeout: 3000 });
    expect(onImpression.mock.calls.map(([i]) => i.productId).sort()).toEqual(['sku-0', 'sku-1']);
    const impressions = vitrine.track.mock.calls.filter(([event]) => event.type === 'impression').map(([event]) => event.product);
    expect(impressions.sort()).toEqual(['sku-0', 'sku-1']);
  });

  it('should pass the render props and words through to the list', async () => {
    const vitrine = fakeEngine([]);
    const root = mountView({
      vitrine,
      locale: 'fr',
      strings: { headings: { similar: 'Similaires' } },
      emptyComponent: () => <em class="none">vide</em>,
    });
    await vi.waitFor(() => expect(root.querySelector('.none')).not.toBeNull());
    expect(root.querySelector('h2')!.textContent).toBe('Similaires');
  });
});
