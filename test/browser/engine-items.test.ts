/**
 * What a result item carries for a shop's own renderer, through the real worker: the category path,
 * the stock flag and the catalog's attributes as the bundle holds them, and prices as the catalog
 * wrote them (rounded to the currency's minor unit, not the float32 the bundle stores).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitrine, type ResultItem, type Vitrine } from '../../src/index.ts';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { makeEngineInput } from './engine-fixture.ts';

const input = makeEngineInput({ rows: 60, seed: 11 });
// Prices float32 cannot hold exactly (76.41 is stored as 76.41000366210938), and a currency without minor unit.
input.products.forEach((product, i) => {
  product.price = 76.41 + i;
  product.salePrice = i % 3 === 0 ? 19.99 + i : null;
  if (i % 4 === 1) {
    product.currency = 'JPY';
    product.price = 1234.5 + i * 1000;
    product.salePrice = null;
  }
});

let vitrine: Vitrine;
let items: ResultItem[];
beforeAll(async () => {
  vitrine = createVitrine();
  await vitrine.load(encodeBundle(input).slice().buffer);
  ({ items } = await vitrine.recommend({ placement: 'trending', limit: 60, inStockOnly: false }));
});
afterAll(() => vitrine.close());

const productOf = (item: ResultItem) => input.products.find((p) => p.id === item.productId)!;

describe('result items', () => {
  it('should hand back every product asked for, in stock or not', () => {
    expect(items).toHaveLength(60);
    expect(items.some((item) => !item.inStock)).toBe(true);
  });

  it('should round prices to two decimals in EUR (76.41, not the float32 76.41000366210938)', () => {
    const euro = items.filter((item) => item.currency === 'EUR');
    expect(euro.length).toBeGreaterThan(20);
    expect(Math.fround(76.41)).not.toBe(76.41);
    for (const item of euro) {
      const product = productOf(item);
      expect(item.price).toBe(Math.round(product.price! * 100) / 100);
      expect(item.salePrice).toBe(product.salePrice === null ? null : Math.round(product.salePrice * 100) / 100);
    }
    expect(items.find((item) => item.productId === 'sku-0')!.price).toBe(76.41);
  });

  it('should round JPY prices to whole yen (no minor unit)', () => {
    const yen = items.filter((item) => item.currency === 'JPY');
    expect(yen.length).toBeGreaterThan(10);
    for (const item of yen) {
      expect(Number.isInteger(item.price)).toBe(true);
      expect(item.price).toBe(Math.round(productOf(item).price!));
    }
  });

  it('should carry the category path, the stock flag and the attributes of the product', () => {
    for (const item of items) {
      const product = productOf(item);
      expect(item.category).toEqual(product.category);
      expect(item.inStock).toBe(product.inStock);
      expect(item.attributes).toEqual(product.attributes);
    }
    expect(items.find((item) => item.productId === 'sku-0')!.category).toEqual(['Clothing', 'Women', 'Dresses']);
    expect(items.find((item) => item.productId === 'sku-4')!.category).toEqual([]);
  });
});
