/**
 * Script-tag placeholders with the shop's `<template>`s (src/embed/templates.ts): the item, header
 * and empty templates fill from the items as text and safe attributes only, never as HTML; and
 * `data-threshold` and `data-strings` change what a placeholder shows. Against a fake engine, with
 * the template renderer handed over as `vitrine-templates.js` hands it (the lazy loading itself is
 * in test/e2e/placeholder-templates.spec.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlaceholders, type Placeholders } from '../../src/embed/placeholders.tsx';
import type { FromTemplates } from '../../src/embed/templates-contract.ts';
import { fieldText, fromTemplates } from '../../src/embed/templates.ts';
import type { RecommendRequest, RecommendResult, ResultItem } from '../../src/shared/request.ts';
import type { WidgetEngine } from '../../widgets/index.ts';

const HOSTILE = '<img src=x onerror="window.__pwned = 1">';

function item(i: number, overrides: Partial<ResultItem> = {}): ResultItem {
  return {
    productId: `sku-${i}`,
    title: `Product ${i}`,
    url: `https://shop.example/p/${i}`,
    image: `https://shop.example/img/${i}.jpg`,
    brand: 'Acme',
    category: ['Women', 'Dresses'],
    inStock: i % 2 === 0,
    attributes: { material: 'linen' },
    price: 76.41,
    salePrice: null,
    currency: 'EUR',
    score: 1 - i / 10,
    components: {},
    why: [],
    strategy: 'similar',
    rating: null,
    bundleVersion: 'test',
    ...overrides,
  };
}

let root: HTMLElement;
let placeholders: Placeholders;
let answer: ResultItem[];
let warn: ReturnType<typeof vi.fn<(error: unknown) => void>>;
let templates: ReturnType<typeof vi.fn<() => Promise<FromTemplates>>>;

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
  answer = [item(0), item(1)];
  const engine = {
    recommend: async (request: RecommendRequest): Promise<RecommendResult> => ({
      placement: request.placement,
      items: answer,
      fallback: null,
      bundleVersion: 'test',
      weights: {},
    }),
    track: async () => {},
  } as unknown as WidgetEngine;
  warn = vi.fn<(error: unknown) => void>();
  templates = vi.fn(async () => fromTemplates);
  placeholders = createPlaceholders({ engine, locale: 'en', pageProduct: () => undefined, warn, templates });
});
afterEach(() => {
  root.remove();
  delete (window as { __pwned?: number }).__pwned;
});

/** A placeholder with `html` inside, scanned. */
function placeholder(html: string, attributes: Record<string, string> = {}): HTMLElement {
  const div = document.createElement('div');
  div.dataset.vitrine = 'similar';
  div.dataset.product = 'sku-9';
  for (const [name, value] of Object.entries(attributes)) div.setAttribute(name, value);
  div.innerHTML = html;
  root.append(div);
  placeholders.scan(root);
  return div;
}
const cards = (div: HTMLElement) =>
  vi.waitFor(() => {
    const found = [...(div.shadowRoot?.querySelectorAll<HTMLElement>('[data-vitrine-item]') ?? [])];
    expect(found.length).toBeGreaterThan(0);
    return found;
  });

const ITEM = `<template data-vitrine-template="item">
  <a class="c" data-field-href="url" data-field-title="title" part="card">
    <img data-field-src="image" data-field-alt="title"><b data-field="title"></b>
  </a>
  <span class="p" data-field="price"></span> <del data-field="regularPrice"></del>
  <i class="m" data-field="attributes.material"></i><i class="f" data-field="attributes.fit"></i>
  <small class="s" data-field="inStock"></small><small class="k" data-field="category"></small>
</template>`;

describe('placeholder templates', () => {
  it("should fill the item template as text and safe attributes, in the widget's cards", async () => {
    answer = [item(0, { salePrice: 50 }), item(1)];
    const div = placeholder(`${ITEM}<p>fallback</p>`);
    const [first, second] = await cards(div);
    expect(templates).toHaveBeenCalledTimes(1);
    const link = first!.querySelector<HTMLAnchorElement>('a.c')!;
    expect(link.getAttribute('href')).toBe('https://shop.example/p/0');
    expect(link.getAttribute('title')).toBe('Product 0');
    expect(link.getAttribute('part')).toBe('card');
    expect(link.querySelector('img')!.getAttribute('src')).toBe('https://shop.example/img/0.jpg');
    expect(link.querySelector('img')!.getAttribute('alt')).toBe('Product 0');
    expect(link.querySelector('b')!.textContent).toBe('Product 0');
    expect(first!.querySelector('.p')!.textContent).toBe('€50.00');
    expect(first!.querySelector('del')!.textContent).toBe('€76.41');
    expect(first!.querySelector('.m')!.textContent).toBe('linen');
    expect(first!.querySelector('.s')!.textContent).toBe('true');
    expect(first!.querySelector('.k')!.textContent).toBe('Dresses');
    // No value, no element: not reduced, no such attribute.
    expect(second!.querySelector('del')).toBeNull();
    expect(first!.querySelector('.f')).toBeNull();
    expect(second!.querySelector('.p')!.textContent).toBe('€76.41');
    // The slots' attributes are consumed; the built-in card is not rendered.
    expect(first!.querySelector('[data-field], [data-field-href]')).toBeNull();
    expect(first!.querySelector('[data-vitrine-why]')).toBeNull();
  });

  it('should keep a hostile title as text and refuse unsafe URLs', async () => {
    answer = [item(0, { title: HOSTILE, url: 'javascript:window.__pwned=2', image: 'data:image/svg+xml,<svg onload=alert(1)>' })];
    const div = placeholder(ITEM);
    const [card] = await cards(div);
    expect(card!.querySelector('b')!.textContent).toBe(HOSTILE);
    expect(card!.querySelector('b')!.children).toHaveLength(0);
    // Only the template's own <img> exists: the title made none.
    expect(card!.querySelectorAll('img')).toHaveLength(1);
    expect(card!.querySelector('img')!.hasAttribute('src')).toBe(false);
    expect(card!.querySelector('img')!.getAttribute('alt')).toBe(HOSTILE);
    expect(card!.querySelector('a')!.hasAttribute('href')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('should never set an attribute outside the allowed ones, even when the template asks', async () => {
    const div = placeholder(
      '<template data-vitrine-template="item"><b data-field-onclick="title" data-field-style="title" data-field-srcdoc="title" data-field="title"></b></template>',
    );
    const [card] = await cards(div);
    const b = card!.querySelector('b')!;
    expect([...b.attributes].map((a) => a.name)).toEqual([]);
    expect(b.textContent).toBe('Product 0');
  });

  it('should fill the header template with the heading, and show the empty template when there is nothing', async () => {
    const div = placeholder(
      '<template data-vitrine-template="header"><h3 class="mine" data-field="heading"></h3></template>' +
        '<template data-vitrine-template="empty"><p class="none">Nothing yet</p></template>',
      { 'data-heading': 'You may like' },
    );
    await cards(div);
    const section = div.shadowRoot!.querySelector('section')!;
    const label = div.shadowRoot!.getElementById(section.getAttribute('aria-labelledby')!)!;
    expect(label.querySelector('h3.mine')!.textContent).toBe('You may like');
    // Items without an item template: the built-in cards.
    expect(div.shadowRoot!.querySelector('[data-vitrine-why]')).not.toBeNull();

    answer = [];
    const empty = placeholder('<template data-vitrine-template="empty"><p class="none">Nothing yet</p></template>');
    await vi.waitFor(() => expect(empty.shadowRoot?.querySelector('.none')?.textContent).toBe('Nothing yet'));
  });

  it('should leave a placeholder with its own content when the template script cannot load, and say so', async () => {
    templates.mockImplementation(() => Promise.reject(new Error('vitrine-templates.js did not load')));
    const div = placeholder(`${ITEM}<p>fallback</p>`);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.objectContaining({ message: 'vitrine-templates.js did not load' })));
    expect(div.shadowRoot).toBeNull();
  });

  it('should not load the template script for placeholders without a template', async () => {
    const div = placeholder('<p>fallback</p>');
    await cards(div);
    expect(templates).not.toHaveBeenCalled();
  });
});

describe('data-threshold and data-strings', () => {
  it('should leave out items below data-threshold, and warn about a malformed one (no threshold then)', async () => {
    answer = [item(0), item(1), item(2), item(3)];
    const div = placeholder('', { 'data-threshold': '0.85' });
    await vi.waitFor(async () => expect((await cards(div)).map((c) => c.dataset.vitrineItem)).toEqual(['sku-0', 'sku-1']));
    const typo = placeholder('', { 'data-threshold': 'high', 'data-repeat': 'allow' });
    await vi.waitFor(async () => expect(await cards(typo)).toHaveLength(4));
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'INVALID_REQUEST', details: { field: 'data-threshold' } }));
  });

  it("should show the shop's words from data-strings on an element around the placeholder, and warn about bad JSON", async () => {
    root.dataset.strings = JSON.stringify({ headings: { similar: 'Produits similaires' }, why: 'Pourquoi ?' });
    const div = placeholder('', { 'data-locale': 'fr' });
    await cards(div);
    expect(div.shadowRoot!.querySelector('h2')!.textContent).toBe('Produits similaires');
    expect(div.shadowRoot!.querySelector('[data-vitrine-why]')!.firstChild!.textContent).toBe('Pourquoi ?');

    const broken = placeholder('', { 'data-strings': '{not json', 'data-repeat': 'allow' });
    await cards(broken);
    expect(broken.shadowRoot!.querySelector('h2')!.textContent).toBe('Similar products');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ details: { field: 'data-strings' } }));
  });
});

describe('fieldText', () => {
  it('should format prices in the currency and locale, and give nothing for what the item lacks', () => {
    const yen = item(0, { currency: 'JPY', price: 1235, salePrice: null, rating: 4.25 });
    expect(fieldText(yen, 'price', 'ja-JP')).toMatch(/1,235/);
    expect(fieldText(yen, 'price', 'ja-JP')).not.toMatch(/\./);
    expect(fieldText(yen, 'regularPrice', 'en')).toBeNull();
    expect(fieldText(yen, 'rating', 'de')).toBe('4,3');
    expect(fieldText(yen, 'categoryPath', 'en')).toBe('Women › Dresses');
    expect(fieldText(item(0, { category: [] }), 'category', 'en')).toBeNull();
    expect(fieldText(yen, 'attributes.constructor', 'en')).toBeNull();
    expect(fieldText(yen, 'components', 'en')).toBeNull();
  });
});
