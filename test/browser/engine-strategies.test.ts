/**
 * The strategies through the real worker: the session and cart come from tracked events, the
 * long-term profile is used only with personalization consent, and explanations arrive rendered in
 * the requested language. (Ranking details are checked in Node on real catalogs:
 * test/node/strategies.test.ts and explanations.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeEngineBundle, makeEngineInput, enginesClosedAfterEach } from './engine-fixture.ts';

const engine = enginesClosedAfterEach();
const input = makeEngineInput({ rows: 120, seed: 5 });
const bundle = (): ArrayBuffer => makeEngineBundle({ rows: 120, seed: 5 }).bytes;

describe('strategies in the worker', () => {
  let revoke: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await revoke?.();
    revoke = null;
  });

  it('should drive for_you from tracked views, citing the viewed product', async () => {
    const vitrine = engine();
    await vitrine.load(bundle());
    const cold = await vitrine.recommend({ placement: 'for_you', limit: 4 });
    expect(cold.items.every((item) => item.why[0]?.message === 'bestseller')).toBe(true);
    await vitrine.track({ type: 'view', product: 'sku-10' });
    const warm = await vitrine.recommend({ placement: 'for_you', limit: 4 });
    expect(warm.items.map((item) => item.productId)).not.toContain('sku-10');
    expect(Object.keys(warm.weights)).toEqual(expect.arrayContaining(['similarity', 'covisitation']));
    const cited = warm.items.flatMap((item) => item.why).filter((reason) => reason.evidenceProduct !== undefined);
    expect(cited.length).toBeGreaterThan(0);
    for (const reason of cited) {
      expect(reason.evidenceProduct).toBe('sku-10');
      expect(reason.text).toContain('Product 10');
    }
  });

  it('should show a viewed product now cheaper than seen, explained in German with the old price', async () => {
    const vitrine = engine();
    await vitrine.load(bundle());
    // sku-4 is reduced by 20 % in the fixture (and in stock); the visitor saw it at the regular price.
    const product = input.products[4]!;
    expect(product.salePrice).not.toBeNull();
    await vitrine.track({ type: 'view', product: 'sku-4', price: product.price!, time: Date.now() - 86_400_000 });
    await vitrine.track({ type: 'view', product: 'sku-9', price: 1 }); // seen cheaper than now: no drop
    const result = await vitrine.recommend({ placement: 'now_reduced', limit: 4, locale: 'de' });
    expect(result.items[0]!.productId).toBe('sku-4');
    expect(result.items[0]!.why[0]).toMatchObject({ component: 'priceDrop', message: 'priceDrop', params: { oldPrice: product.price } });
    expect(result.items[0]!.why[0]!.text).toMatch(/^Vorher .*€.*jetzt/);
    expect(result.items.map((item) => item.productId)).not.toContain('sku-9');
    // The rest is filled with other reduced products, and the result says so.
    expect(result.fallback).toMatchObject({ count: result.items.length - 1 });
    for (const item of result.items) expect(item.salePrice).not.toBeNull();
  });

  it('should use the long-term profile only with personalization consent', async () => {
    const vitrine = engine();
    await vitrine.load(bundle());
    for (const product of ['sku-3', 'sku-10', 'sku-17']) await vitrine.track({ type: 'view', product, time: Date.now() - 3 * 3_600_000 });
    const without = await vitrine.recommend({ placement: 'for_you', limit: 6 });
    expect(without.weights).not.toHaveProperty('affinity');

    await vitrine.consent.set({ personalization: true });
    revoke = async () => {
      await vitrine.consent.set({ personalization: false });
    };
    for (const product of ['sku-24', 'sku-31']) await vitrine.track({ type: 'view', product });
    const withConsent = await vitrine.recommend({ placement: 'for_you', limit: 6 });
    expect(withConsent.weights).toHaveProperty('affinity');
    // Brand 3 (sku-3, 10, 17, 24, 31 are i % 7 === 3) is the favourite: its products get the affinity.
    const brand3 = withConsent.items.filter((item) => item.brand === 'Brand 3');
    for (const item of brand3) expect(item.components.affinity).toBeGreaterThan(0);
    const other = withConsent.items.filter((item) => item.brand !== 'Brand 3' && (item.components.affinity ?? 0) > 0);
    // Other brands only score through a shared category, never more than a Brand 3 product of that category.
    for (const item of other) expect(item.why.every((reason) => reason.message !== 'favouriteBrand')).toBe(true);
  });

  it('should report intent and buyer type with evidence', async () => {
    const vitrine = engine();
    await vitrine.load(bundle());
    expect((await vitrine.traits()).intent.value).toBe('unknown');
    for (const product of ['sku-1', 'sku-2', 'sku-1']) await vitrine.track({ type: 'view', product });
    await vitrine.track({ type: 'add_to_cart', product: 'sku-1' });
    const traits = await vitrine.traits();
    expect(traits.intent.value).toBe('buying');
    expect(traits.intent.evidence.length).toBeGreaterThan(0);
  });

  it('should recommend complements of the tracked cart from other leaf categories', async () => {
    const leaf = (row: number) => input.products[row]!.category.join(' > ');
    const { offsets, neighbors } = input.copurchase;
    // Bought-together neighbours of `row` that are in stock and outside its leaf category.
    const complementsOf = (row: number) =>
      Array.from(neighbors.subarray(offsets[row]!, offsets[row + 1]!)).filter((n) => input.products[n]!.inStock && leaf(n) !== leaf(row));
    const cart = input.products.findIndex((_, row) => complementsOf(row).length >= 2);
    expect(cart).toBeGreaterThanOrEqual(0);
    const vitrine = engine();
    await vitrine.load(bundle());
    await vitrine.track({ type: 'add_to_cart', product: `sku-${cart}` });
    const result = await vitrine.recommend({ placement: 'goes_with', limit: 4 });
    const own = result.items.filter((item) => item.strategy === 'goes_with').map((item) => Number(item.productId.slice(4)));
    // Every complement the graph holds (rows have at most 3), and nothing else, is the strategy's own part of the list.
    expect(new Set(own)).toEqual(new Set(complementsOf(cart)));
    expect(result.items.map((item) => item.productId)).not.toContain(`sku-${cart}`);
  });
});
