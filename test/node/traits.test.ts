import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/shared/bundle/index.ts';
import type { EventType, StoredEvent } from '../../src/shared/events.ts';
import {
  buyerFitScores,
  computeTraits,
  explainBuyerFit,
  MIN_PRICE_PEERS,
  PREMIUM_MESSAGE_MIN,
  PRICE_STYLE_MARGIN,
} from '../../src/worker/traits.ts';
import type { VisitorTraits } from '../../src/shared/visitor-traits.ts';
import { BundleIndexes } from '../../src/worker/bundle-indexes.ts';
import { buildAndDecode, CARTS, DUMMYJSON, FLIPKART, FLIPKART_FIELDS } from './cli-helpers.ts';

let bundle: Bundle;
let flipkart: Bundle;

beforeAll(async () => {
  bundle = (await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS])).bundle;
  flipkart = (await buildAndDecode(['--catalog', FLIPKART, ...FLIPKART_FIELDS])).bundle;
});

const T0 = Date.UTC(2025, 4, 1, 10);

/** One `BundleIndexes` per bundle, as a loaded bundle holds them (price statistics and brand counts built once). */
const indexes = new Map<Bundle, BundleIndexes>();
function indexesOf(on: Bundle): BundleIndexes {
  if (!indexes.has(on)) indexes.set(on, new BundleIndexes(on));
  return indexes.get(on)!;
}

/** Events a minute apart, from `[type, productId or query]` pairs. */
function events(list: [EventType, string][], start = T0): StoredEvent[] {
  return list.map(([type, value], i) => ({
    type,
    time: start + i * 60_000,
    ...(type === 'search' ? { query: value } : { product: value }),
  }));
}

const views = (ids: string[]): StoredEvent[] => events(ids.map((id) => ['view', id]));

function rows(on: Bundle): number[] {
  return Array.from({ length: on.products.count }, (_, row) => row);
}

function categoryOf(on: Bundle, row: number): string {
  return on.categories[on.products.categoryIndex[row]!]!.path.join(' > ');
}

function discountOf(on: Bundle, row: number): number {
  const price = on.products.price[row]!;
  const sale = on.products.salePrice[row]!;
  return Number.isNaN(sale) ? 0 : 1 - sale / price;
}

function effectivePrice(on: Bundle, row: number): number {
  const sale = on.products.salePrice[row]!;
  return Number.isNaN(sale) ? on.products.price[row]! : sale;
}

/** Per category (path), its rows sorted by effective price, cheapest first. */
function byCategoryAndPrice(on: Bundle): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const row of rows(on)) {
    if (Number.isNaN(on.products.price[row]!)) continue;
    const key = categoryOf(on, row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const list of groups.values()) list.sort((a, b) => effectivePrice(on, a) - effectivePrice(on, b));
  return groups;
}

function evidence(trait: { evidence: { kind: string; count?: number; value?: number }[] }, kind: string) {
  return trait.evidence.find((e) => e.kind === kind);
}

describe('computeTraits: intent', () => {
  it('should not guess intent from fewer than three events', () => {
    const traits = computeTraits(indexesOf(bundle), views(['1', '2']), views(['1', '2']));
    expect(traits.intent.value).toBe('unknown');
    expect(traits.intent.confidence).toBe(0);
  });

  it('should call a visit with an add-to-cart buying, whatever else happened', () => {
    const session = events([['add_to_cart', '121']]);
    const traits = computeTraits(indexesOf(bundle), session, session);
    expect(traits.intent.value).toBe('buying');
    expect(evidence(traits.intent, 'carts')?.count).toBe(1);
    expect(traits.intent.confidence).toBeGreaterThan(0.5);
  });

  it('should call views spread over many categories browsing', () => {
    // One product from each of five different categories, each seen once.
    const picks = ['1', '6', '78', '121', '159'];
    expect(new Set(picks.map((id) => categoryOf(bundle, bundle.products.indexOf(id)))).size).toBe(5);
    const traits = computeTraits(indexesOf(bundle), views(picks), views(picks));
    expect(traits.intent.value).toBe('browsing');
    expect(evidence(traits.intent, 'categories')?.count).toBe(5);
    expect(evidence(traits.intent, 'looks')?.count).toBe(5);
  });

  it('should call repeated views and a precise search buying', () => {
    const session = events([
      ['search', 'iphone 13'],
      ['view', '123'],
      ['view', '124'],
      ['view', '123'],
    ]);
    const traits = computeTraits(indexesOf(bundle), session, session);
    expect(traits.intent.value).toBe('buying');
    expect(evidence(traits.intent, 'repeatViews')).toMatchObject({ count: 1, productId: '123' });
    expect(evidence(traits.intent, 'specificSearches')?.count).toBe(1);
  });

  it('should count narrowing to one category plus a repeat view as buying but narrowing alone as browsing', () => {
    const phones = rows(bundle)
      .filter((row) => categoryOf(bundle, row) === 'smartphones')
      .map((row) => bundle.products.id(row));
    const narrowed = views(phones.slice(0, 4));
    expect(computeTraits(indexesOf(bundle), narrowed, narrowed).intent.value).toBe('browsing');
    const narrowedAndRepeated = views([...phones.slice(0, 4), phones[0]!]);
    const traits = computeTraits(indexesOf(bundle), narrowedAndRepeated, narrowedAndRepeated);
    expect(traits.intent.value).toBe('buying');
    expect(evidence(traits.intent, 'narrowed')?.count).toBe(5);
  });

  it('should read intent from this visit only, not from older visits', () => {
    const old = events(
      [
        ['add_to_cart', '121'],
        ['purchase', '121'],
      ],
      T0 - 30 * 86_400_000,
    );
    const session = views(['1', '6', '78', '159']);
    expect(computeTraits(indexesOf(bundle), session, [...old, ...session]).intent.value).toBe('browsing');
  });
});

describe('computeTraits: price style', () => {
  it('should call a visitor who looks at the deepest discounts a bargain hunter, with the counts', () => {
    const deepest = rows(bundle)
      .sort((a, b) => discountOf(bundle, b) - discountOf(bundle, a))
      .slice(0, 5);
    const history = views(deepest.map((row) => bundle.products.id(row)));
    const { price } = computeTraits(indexesOf(bundle), [], history);
    expect(price.value).toBe('bargain');
    expect(evidence(price, 'pricedProducts')?.count).toBe(5);
    expect(evidence(price, 'reduced')?.count).toBe(5);
    expect(evidence(price, 'discountPercentile')!.value!).toBeGreaterThan(0.5 + PRICE_STYLE_MARGIN);
    expect(price.confidence).toBeGreaterThan(0);
  });

  it('should call a visitor who looks at the cheapest product of each category a bargain hunter', () => {
    const cheapest = [...byCategoryAndPrice(bundle).values()].filter((list) => list.length >= MIN_PRICE_PEERS).map((list) => list[0]!);
    const { price } = computeTraits(indexesOf(bundle), [], views(cheapest.slice(0, 5).map((row) => bundle.products.id(row))));
    expect(price.value).toBe('bargain');
    expect(evidence(price, 'pricePercentile')?.value).toBe(0);
  });

  it('should call a visitor who looks at the dearest product of each category premium', () => {
    const dearest = [...byCategoryAndPrice(bundle).values()].filter((list) => list.length >= MIN_PRICE_PEERS).map((list) => list.at(-1)!);
    const { price } = computeTraits(indexesOf(bundle), [], views(dearest.slice(0, 5).map((row) => bundle.products.id(row))));
    expect(price.value).toBe('premium');
    expect(evidence(price, 'pricePercentile')?.value).toBe(1);
  });

  it('should not call looking at reduced products bargain hunting when nearly the whole catalog is reduced', () => {
    // DummyJSON discounts almost everything, so five reduced beauty products (all of the category,
    // cheap and dear alike, with ordinary discounts) say nothing about price style.
    const reducedShare = rows(bundle).filter((row) => discountOf(bundle, row) > 0).length / bundle.products.count;
    expect(reducedShare).toBeGreaterThan(0.95);
    const beauty = rows(bundle).filter((row) => categoryOf(bundle, row) === 'beauty' && discountOf(bundle, row) > 0);
    expect(beauty).toHaveLength(5);
    const { price } = computeTraits(indexesOf(bundle), [], views(beauty.map((row) => bundle.products.id(row))));
    expect(price.value).toBe('neutral');
    expect(evidence(price, 'reduced')?.count).toBe(5);
    expect(evidence(price, 'pricePercentile')?.value).toBeCloseTo(0.5, 6);
  });

  it('should call a visitor who looks at the deepest cuts a bargain hunter where part of the catalog sells at full price', () => {
    // Flipkart: about four in five products are reduced; a visitor who sees only the deepest cuts
    // stands out, one who sees unreduced products does not.
    const deep = rows(flipkart)
      .filter((row) => !Number.isNaN(flipkart.products.price[row]!))
      .sort((a, b) => discountOf(flipkart, b) - discountOf(flipkart, a));
    const bargain = computeTraits(indexesOf(flipkart), [], views(deep.slice(0, 6).map((row) => flipkart.products.id(row)))).price;
    expect(bargain.value).toBe('bargain');
    const unreduced = deep.filter((row) => discountOf(flipkart, row) === 0);
    expect(unreduced.length).toBeGreaterThan(100);
    const fullPrice = computeTraits(indexesOf(flipkart), [], views(unreduced.slice(0, 6).map((row) => flipkart.products.id(row)))).price;
    expect(fullPrice.value).not.toBe('bargain');
    expect(evidence(fullPrice, 'reduced')?.count).toBe(0);
  });

  it('should not read a price style from fewer than three products, nor count one product twice', () => {
    const { price } = computeTraits(indexesOf(bundle), views(['1', '1', '1']), views(['1', '1', '2']));
    expect(price.value).toBe('unknown');
    expect(evidence(price, 'pricedProducts')?.count).toBe(2);
  });
});

describe('computeTraits: brand style', () => {
  const apple = (): string[] =>
    rows(bundle)
      .filter((row) => bundle.products.brand(row) === 'Apple')
      .map((row) => bundle.products.id(row));

  it('should call a visitor whose products are mostly one brand loyal to it', () => {
    const ids = [...apple().slice(0, 4), '1'];
    const { brand } = computeTraits(indexesOf(bundle), [], views(ids));
    expect(brand.value).toBe('loyal');
    expect(brand.brand).toBe('Apple');
    expect(evidence(brand, 'topBrand')).toMatchObject({ count: 4, value: 0.8 });
    expect(evidence(brand, 'brandedProducts')?.count).toBe(5);
  });

  it('should call a visitor who spreads over many brands exploring', () => {
    const ids = ['1', '2', '3', '4', '5']; // five beauty products, five brands
    expect(new Set(ids.map((id) => bundle.products.brand(bundle.products.indexOf(id)))).size).toBe(5);
    const { brand } = computeTraits(indexesOf(bundle), [], views(ids));
    expect(brand.value).toBe('exploring');
    expect(brand.brand).toBeNull();
    expect(evidence(brand, 'brands')?.count).toBe(5);
  });

  it('should not call two products of one brand loyalty', () => {
    const { brand } = computeTraits(indexesOf(bundle), [], views(apple().slice(0, 2)));
    expect(brand.value).toBe('unknown');
  });

  it('should ignore products the bundle does not know and dismissed products', () => {
    const history = [
      ...views(['no-such-product', 'gone-too', 'also-gone']),
      ...events(
        apple()
          .slice(0, 3)
          .map((id) => ['dismiss', id]),
      ),
    ];
    const traits = computeTraits(indexesOf(bundle), [], history);
    expect(traits.brand.value).toBe('unknown');
    expect(traits.price.value).toBe('unknown');
  });
});

describe('buyerFitScores and explainBuyerFit', () => {
  const styled = (value: VisitorTraits['price']['value']): VisitorTraits => {
    const traits = computeTraits(indexesOf(bundle), [], []);
    return { ...traits, price: { value, confidence: 1, evidence: [] } };
  };

  it('should score every product its discount depth for a bargain hunter, and explain it as a deal of that size', () => {
    const traits = styled('bargain');
    const into = new Float32Array(bundle.products.count).fill(9);
    buyerFitScores(indexesOf(bundle).prices, traits, into);
    for (const row of rows(bundle)) {
      expect(into[row]).toBeCloseTo(discountOf(bundle, row), 5);
      const why = explainBuyerFit(indexesOf(bundle).prices, traits, row);
      if (into[row] === 0) expect(why).toBeNull();
      else expect(why).toEqual({ message: 'deal', params: { percent: into[row] }, amount: into[row] });
    }
  });

  it('should score the dearest product of a category 1 and the cheapest 0 for a premium buyer', () => {
    const traits = styled('premium');
    const into = new Float32Array(bundle.products.count);
    buyerFitScores(indexesOf(bundle).prices, traits, into);
    for (const list of byCategoryAndPrice(bundle).values()) {
      if (list.length < MIN_PRICE_PEERS) continue;
      expect(into[list[0]!]).toBe(0);
      expect(into[list.at(-1)!]).toBe(1);
      for (let i = 1; i < list.length; i++) expect(into[list[i]!]!).toBeGreaterThanOrEqual(into[list[i - 1]!]!);
    }
    for (const row of rows(bundle)) {
      const why = explainBuyerFit(indexesOf(bundle).prices, traits, row);
      if (into[row]! >= PREMIUM_MESSAGE_MIN) expect(why).toEqual({ message: 'premium', params: {}, amount: into[row] });
      else expect(why).toBeNull();
    }
  });

  it("should rank a product in a tiny leaf category among its parent category's products", () => {
    // Flipkart's leaves are often one or two products; a lone product would otherwise be 0.5 by default.
    const into = new Float32Array(flipkart.products.count);
    buyerFitScores(
      indexesOf(flipkart).prices,
      { ...computeTraits(indexesOf(flipkart), [], []), price: { value: 'premium', confidence: 1, evidence: [] } },
      into,
    );
    const leafSize = new Map<number, number>();
    for (const c of flipkart.products.categoryIndex) leafSize.set(c, (leafSize.get(c) ?? 0) + 1);
    const lone = rows(flipkart).filter(
      (row) => leafSize.get(flipkart.products.categoryIndex[row]!) === 1 && !Number.isNaN(flipkart.products.price[row]!),
    );
    expect(lone.length).toBeGreaterThan(100);
    expect(lone.filter((row) => into[row] !== 0.5).length).toBeGreaterThan(lone.length * 0.9);
  });

  it('should write zeros for a neutral or unknown price style', () => {
    for (const value of ['neutral', 'unknown'] as const) {
      const into = new Float32Array(bundle.products.count).fill(9);
      buyerFitScores(indexesOf(bundle).prices, styled(value), into);
      expect(into.every((v) => v === 0)).toBe(true);
      expect(explainBuyerFit(indexesOf(bundle).prices, styled(value), 0)).toBeNull();
    }
  });
});
