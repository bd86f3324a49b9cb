/**
 * RecommendationList, the presentational widget, mounted the way the script tag mounts it (in a
 * placeholder's open shadow root): what it shows, what it refuses to render, what it reports, and
 * that the page's CSS and its own stay on their side.
 */
import { h } from 'preact';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TITLE_LENGTH } from '../../src/shared/clamp-text.ts';
import type { ResultItem } from '../../src/shared/request.ts';
import { mountWidget, RecommendationList, type RecommendationListProps } from '../../widgets/index.ts';

let host: HTMLElement;
beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
});
afterEach(() => host.remove());

function item(i: number, overrides: Partial<ResultItem> = {}): ResultItem {
  return {
    productId: `sku-${i}`,
    title: `Product ${i}`,
    url: `https://shop.example/p/${i}`,
    image: `https://shop.example/img/${i}.jpg`,
    brand: 'Acme',
    category: [],
    inStock: true,
    attributes: {},
    price: 20 + i,
    salePrice: null,
    currency: 'EUR',
    score: 2,
    components: { similarity: 2 },
    why: [{ component: 'similarity', contribution: 1.5, message: 'similarTo', params: { title: 'Parka' }, text: 'Similar to Parka' }],
    strategy: 'similar',
    rating: null,
    bundleVersion: '0badf00d',
    ...overrides,
  };
}
const items = (n: number): ResultItem[] => Array.from({ length: n }, (_, i) => item(i));

function mount(props: Partial<RecommendationListProps> = {}): ShadowRoot {
  mountWidget(host, <RecommendationList placement="similar" items={items(5)} {...props} />);
  return host.shadowRoot!;
}
const card = (root: ShadowRoot, id: string): HTMLElement => root.querySelector(`[data-vitrine-item="${id}"]`)!;

async function expectNoAxeViolations(element: Element): Promise<void> {
  const { violations } = await axe.run(element);
  const report = violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(report).toEqual([]);
}

describe('RecommendationList', () => {
  it('should render the items in order in an open shadow root, under a section with the placement and its heading', () => {
    const root = mount();
    expect(root.mode).toBe('open');
    const section = root.querySelector('section')!;
    expect(section.dataset.vitrinePlacement).toBe('similar');
    expect(section.getAttribute('aria-busy')).toBeNull();
    const heading = root.getElementById(section.getAttribute('aria-labelledby')!)!;
    expect(heading.localName).toBe('h2');
    expect(heading.textContent).toBe('Similar products');
    const cards = [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')];
    expect(cards.map((c) => c.dataset.vitrineItem)).toEqual(['sku-0', 'sku-1', 'sku-2', 'sku-3', 'sku-4']);
    expect(cards.map((c) => c.querySelector('a')!.textContent)).toEqual(['Product 0', 'Product 1', 'Product 2', 'Product 3', 'Product 4']);
    expect(cards.every((c) => c.querySelector('[data-vitrine-why]'))).toBe(true);
  });

  it('should link each item with rel noopener and a lazy, decorative image in a fixed-ratio box', () => {
    const root = mount();
    const link = card(root, 'sku-1').querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://shop.example/p/1');
    expect(link.rel).toBe('noopener');
    const image = link.querySelector('img')!;
    expect(image.getAttribute('src')).toBe('https://shop.example/img/1.jpg');
    expect([image.loading, image.decoding, image.getAttribute('alt')]).toEqual(['lazy', 'async', '']);
    const box = image.parentElement!;
    expect(getComputedStyle(box).aspectRatio).toBe('1 / 1');
    expect(box.getBoundingClientRect().height).toBeCloseTo(box.getBoundingClientRect().width, 0);
  });

  it('should format prices for the locale and strike through the old price of a reduced item', () => {
    const reduced = item(1, { price: 1234.5, salePrice: 999, currency: 'EUR' });
    const plain = item(2, { price: 19.9, currency: 'USD' });
    let root = mount({ items: [reduced, plain] });
    expect(card(root, 'sku-1').querySelector('del')!.textContent).toBe('was €1,234.50');
    expect(card(root, 'sku-1').querySelector('.price')!.textContent).toBe('was €1,234.50 now €999.00');
    expect(card(root, 'sku-2').querySelector('.price')!.textContent).toBe('$19.90');
    expect(card(root, 'sku-2').querySelector('del')).toBeNull();
    // "was" / "now" are for screen readers only.
    const was = card(root, 'sku-1').querySelector('del span')!;
    expect(was.getBoundingClientRect().width).toBeLessThanOrEqual(1);

    root = mount({ items: [reduced, plain], locale: 'de-DE' });
    expect(card(root, 'sku-1').querySelector('.price')!.textContent).toBe('statt 1.234,50\u00a0€ jetzt 999,00\u00a0€');
    expect(card(root, 'sku-2').querySelector('.price')!.textContent).toBe('19,90\u00a0$');
  });

  it('should show the sale price alone when there is no regular price, and no price when there is none', () => {
    const root = mount({ items: [item(1, { price: null, salePrice: 15 }), item(2, { price: null })] });
    expect(card(root, 'sku-1').querySelector('.price')!.textContent).toBe('€15.00');
    expect(card(root, 'sku-2').querySelector('.price')).toBeNull();
  });

  it('should label a rating for screen readers in English and German, and show none without one', () => {
    const rated = [item(1, { rating: 4.5 }), item(2, { rating: null })];
    let root = mount({ items: rated });
    const stars = card(root, 'sku-1').querySelector('[role="img"]')!;
    expect(stars.getAttribute('aria-label')).toBe('Rated 4.5 out of 5');
    expect((stars.firstElementChild as HTMLElement).style.width).toBe('90%');
    expect(card(root, 'sku-2').querySelector('[role="img"]')).toBeNull();
    root = mount({ items: rated, locale: 'de' });
    expect(card(root, 'sku-1').querySelector('[role="img"]')!.getAttribute('aria-label')).toBe('Bewertet mit 4,5 von 5');
  });

  it('should show a busy skeleton of four cards while items is null, then the items', () => {
    let root = mount({ items: null });
    const section = root.querySelector('section')!;
    expect(section.getAttribute('aria-busy')).toBe('true');
    expect(root.querySelectorAll('.sk')).toHaveLength(4);
    expect(root.querySelectorAll('[data-vitrine-item]')).toHaveLength(0);
    root = mount({ items: items(3) });
    expect(section.getAttribute('aria-busy')).toBeNull();
    expect(root.querySelectorAll('.sk')).toHaveLength(0);
    expect(root.querySelectorAll('[data-vitrine-item]')).toHaveLength(3);
  });

  it('should show the empty state, which a shop can hide with --vitrine-empty-display', () => {
    const root = mount({ items: [] });
    const section = root.querySelector('section')!;
    expect(section.textContent).toContain('No recommendations right now.');
    expect(root.querySelector('ul')).toBeNull();
    expect(getComputedStyle(section).display).toBe('block');
    host.style.setProperty('--vitrine-empty-display', 'none');
    expect(getComputedStyle(section).display).toBe('none');
  });

  it('B8: should give no link and no image to unsafe URLs, and keep safe ones', () => {
    const evil = [
      item(1, { url: 'javascript:alert(1)', image: 'javascript:alert(1)' }),
      item(2, { url: 'data:text/html,<script>alert(1)</script>', image: 'data:image/svg+xml,<svg onload=alert(1)>' }),
      item(3, { url: 'http://evil.example/p/3', image: 'http://evil.example/i/3.jpg' }),
      item(4, { url: '//evil.example/p/4', image: '//evil.example/i/4.jpg' }),
    ];
    const root = mount({ items: [...evil, item(5, { url: '/p/5', image: '/i/5.jpg' })] });
    for (const { productId, title } of evil) {
      const c = card(root, productId);
      expect(c.querySelector('a'), productId).toBeNull();
      expect(c.querySelector('img'), productId).toBeNull();
      expect(c.textContent).toContain(title);
    }
    expect(card(root, 'sku-5').querySelector('a')!.href).toBe(`${location.origin}/p/5`);
    expect(card(root, 'sku-5').querySelector('img')!.src).toBe(`${location.origin}/i/5.jpg`);
  });

  it('B7: should show markup in a title as text, creating no element from it', () => {
    const title = '<img src=x onerror=alert(1)><b>bold</b>';
    const root = mount({ items: [item(1, { title, image: '', why: [] })] });
    const c = card(root, 'sku-1');
    expect(c.querySelector('img')).toBeNull();
    expect(c.querySelector('b')).toBeNull();
    expect(c.querySelector('.t')!.textContent).toBe(title);
  });

  it('B7: should cut a 1 MB title and a 1 MB reason at render, keeping the card small and the text as text', () => {
    const huge = `<b>x</b>${'Ω'.repeat(1_000_000)}`;
    const reason = `Popular in ${huge}`;
    const started = performance.now();
    const root = mount({
      layout: 'grid',
      items: [
        item(1, {
          title: huge,
          why: [{ component: 'trending', contribution: 1, message: 'popularIn', params: { category: huge }, text: reason }],
        }),
      ],
    });
    const c = card(root, 'sku-1');
    const title = c.querySelector('.t')!.textContent!;
    expect(title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH + 1);
    expect(title.startsWith('<b>x</b>ΩΩ')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
    expect(c.querySelector('b')).toBeNull();
    expect(c.querySelector('.why-btn')!.textContent!.length).toBeLessThan(MAX_TITLE_LENGTH + 20);
    const shown = c.querySelector('.pop li')!.textContent!;
    expect(shown.length).toBeLessThan(MAX_TITLE_LENGTH + 120);
    expect(shown.startsWith('Popular in <b>x</b>')).toBe(true);
    // A million-character title laid out in a card was over a million pixels tall.
    expect(c.getBoundingClientRect().height).toBeLessThan(2_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('should report a click on an item with that item, without preventing the navigation', () => {
    const onItemClick = vi.fn();
    const root = mount({ onItemClick });
    let prevented: boolean | null = null;
    // Checked after the widget's own handler, then stopped so the test page stays.
    root.addEventListener('click', (event) => {
      prevented = event.defaultPrevented;
      event.preventDefault();
    });
    card(root, 'sku-2').querySelector<HTMLElement>('.t')!.click();
    expect(onItemClick).toHaveBeenCalledTimes(1);
    expect(onItemClick.mock.calls[0]![0]).toMatchObject({ productId: 'sku-2' });
    expect(prevented).toBe(false);
  });

  it('should report an impression once for each item at least half visible for a second, not for items scrolled out of view', async () => {
    const onImpression = vi.fn();
    // Cards of 100 px with 10 px gaps after 4 px of padding: two fit, the third shows 6 px.
    host.style.cssText = 'width: 230px; --vitrine-card-width: 100px; --vitrine-gap: 10px';
    const root = mount({ items: items(6), onImpression });
    expect(card(root, 'sku-1').getBoundingClientRect().right).toBeLessThanOrEqual(230);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(onImpression).not.toHaveBeenCalled(); // not yet a second
    await vi.waitFor(() => expect(onImpression).toHaveBeenCalledTimes(2), { timeout: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(onImpression.mock.calls.map(([i]) => i.productId)).toEqual(['sku-0', 'sku-1']);
  });

  it('should page the carousel with previous and next buttons, disabled at the ends', async () => {
    host.style.cssText = 'width: 230px; --vitrine-card-width: 100px; --vitrine-gap: 10px';
    const root = mount({ items: items(6) });
    const [previous, next] = [...root.querySelectorAll<HTMLButtonElement>('.nav button')];
    const list = root.querySelector('ul')!;
    expect(previous!.getAttribute('aria-controls')).toBe(list.id);
    expect(next!.getAttribute('aria-controls')).toBe(list.id);
    expect([previous!.getAttribute('aria-label'), next!.getAttribute('aria-label')]).toEqual(['Previous', 'Next']);
    await vi.waitFor(() => expect([previous!.disabled, next!.disabled]).toEqual([true, false]));
    next!.click();
    await vi.waitFor(() => expect(list.scrollLeft).toBeGreaterThan(0));
    await vi.waitFor(() => expect(previous!.disabled).toBe(false));
    list.scrollLeft = list.scrollWidth;
    await vi.waitFor(() => expect(next!.disabled).toBe(true));
  });

  it('should lay out a grid without carousel buttons when asked', () => {
    const root = mount({ layout: 'grid' });
    expect(root.querySelector('.nav')).toBeNull();
    expect(getComputedStyle(root.querySelector('ul')!).display).toBe('grid');
  });

  it('should speak German for de locales, and take a heading from the shop', () => {
    let root = mount({ locale: 'de-CH', placement: 'also_bought' });
    expect(root.querySelector('h2')!.textContent).toBe('Kunden kauften auch');
    expect(root.querySelector('[data-vitrine-why]')!.textContent).toBe('Warum? Product 0');
    expect(root.querySelector('.nav button')!.getAttribute('aria-label')).toBe('Zurück');
    root = mount({ locale: 'de', items: [] });
    expect(root.querySelector('section')!.textContent).toContain('Gerade keine Empfehlungen.');
    root = mount({ locale: 'fr', heading: 'Vous aimerez aussi' });
    expect(root.querySelector('h2')!.textContent).toBe('Vous aimerez aussi');
    expect(root.querySelector('[data-vitrine-why]')!.textContent).toBe('Why? Product 0');
  });

  it('should keep the page CSS out of the widget and its own CSS in', () => {
    const style = document.createElement('style');
    style.textContent = '* { color: rgb(255, 0, 0) !important; display: none; letter-spacing: 9px } .card { border: 9px solid red }';
    document.head.append(style);
    const outside = document.createElement('p');
    outside.className = 'card';
    document.body.append(outside);
    try {
      const root = mount();
      const c = card(root, 'sku-0');
      expect(getComputedStyle(c).display).toBe('flex');
      expect(getComputedStyle(c).color).toBe('rgb(31, 31, 31)');
      expect(getComputedStyle(c).letterSpacing).toBe('normal');
      expect(getComputedStyle(c).borderTopWidth).toBe('1px');
      expect(getComputedStyle(outside).borderTopWidth).toBe('9px');
    } finally {
      style.remove();
      outside.remove();
    }
  });

  it('should take its theme from the documented custom properties', () => {
    host.style.cssText = '--vitrine-color-text: rgb(1, 2, 3); --vitrine-radius: 3px; --vitrine-card-width: 123px';
    const root = mount();
    const c = card(root, 'sku-0');
    expect(getComputedStyle(c).color).toBe('rgb(1, 2, 3)');
    expect(getComputedStyle(c).borderTopLeftRadius).toBe('3px');
    expect(c.getBoundingClientRect().width).toBe(123);
  });

  it('should re-render in place when mounted again, and empty the shadow root on unmount', () => {
    mount();
    const unmount = mountWidget(host, <RecommendationList placement="trending" items={items(2)} />);
    expect(host.shadowRoot!.querySelectorAll('section')).toHaveLength(1);
    expect(host.shadowRoot!.querySelector('section')!.dataset.vitrinePlacement).toBe('trending');
    expect(host.shadowRoot!.adoptedStyleSheets.length).toBeGreaterThan(0);
    unmount();
    expect(host.shadowRoot!.childNodes).toHaveLength(0);
  });

  it('should have no axe violations as a carousel with items', async () => {
    mount({ items: [item(0, { rating: 4, salePrice: 15 }), ...items(5).slice(1)] });
    await expectNoAxeViolations(host);
  });

  it('should have no axe violations as a grid, nor while loading, nor empty', async () => {
    mount({ layout: 'grid', items: [item(0, { rating: 3.5, salePrice: 10 }), item(1, { url: 'javascript:alert(1)' })] });
    await expectNoAxeViolations(host);
    mount({ items: null });
    await expectNoAxeViolations(host);
    mount({ items: [] });
    await expectNoAxeViolations(host);
  });
});
