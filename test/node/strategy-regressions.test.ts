/** Regression tests for bugs found while testing the strategies (each failed before its fix). */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import type { StoredEvent } from '../../src/shared/events.ts';
import { recommend } from '../../src/worker/recommend.ts';
import { prepareVersion, type Version } from '../../src/worker/version.ts';
import { buildAndDecode, CARTS, DUMMYJSON } from './cli-helpers.ts';
import { F32_RELATIVE, cartMates, categoryOf, componentsOf, dummyJsonVersion, events, ids, request, views, visitor } from './strategy-helpers.ts';

let version: Version;
beforeAll(async () => {
  version = await dummyJsonVersion();
});

describe('strategy regressions', () => {
  it('should report reason no-signal when the strategy itself found nothing', () => {
    const result = recommend(version, request({ placement: 'now_reduced', limit: 4 }), visitor(views(['1', '2'])));
    expect(result.items.every((i) => i.strategy !== 'now_reduced')).toBe(true);
    expect(result.fallback?.reason).toBe('no-signal');
  });

  it('goes_with should never fill up with products from the leaf category of a cart item', () => {
    // '6' (fragrances): few co-purchases, so the list is filled from also_bought.
    const result = recommend(version, request({ placement: 'goes_with', limit: 20 }), visitor(events([['add_to_cart', '6']])));
    expect(result.fallback).not.toBeNull();
    for (const item of result.items) expect(categoryOf(version, item.productId), `${item.productId} (${item.strategy})`).not.toBe('fragrances');
  });

  it('for_you should not bring back viewed products through its fallback without includeViewed', () => {
    const result = recommend(version, request({ placement: 'for_you', limit: 100, category: 'laptops' }), visitor(views(['78', '80'])));
    expect(ids(result.items)).not.toContain('78');
    expect(ids(result.items)).not.toContain('80');
  });

  it('similar should only use the page product as evidence, not the cart', () => {
    const list = events([['add_to_cart', '129']]);
    const result = recommend(version, request({ placement: 'similar', product: '15', limit: 8 }), visitor(list));
    for (const item of result.items.filter((i) => i.strategy === 'similar')) {
      for (const reason of item.why.filter((r) => r.evidenceProduct !== undefined)) expect(reason.evidenceProduct, item.productId).toBe('15');
      expect(item.components.similarity! > 0 || cartMates('15').has(item.productId), item.productId).toBe(true);
    }
  });

  it('explanations should be faithful with several session products (co-visitation / similarity re-weighting)', () => {
    const cases: Array<[string, StoredEvent[]]> = [
      ['also_bought', events([['view', '50'], ['add_to_cart', '122'], ['add_to_cart', '1']])],
      ['for_you', views(['121', '123', '132'])],
    ];
    const failures: string[] = [];
    for (const [placement, list] of cases) {
      const req = request({ placement: placement as 'for_you', limit: 10 });
      const result = recommend(version, req, visitor(list));
      for (const item of result.items) {
        for (const reason of item.why) {
          if (!reason.evidenceProduct || !['covisitation', 'similarity'].includes(reason.component)) continue;
          const before = componentsOf(version, req, visitor(list), item.productId, item.strategy)[reason.component] ?? 0;
          const after = componentsOf(version, req, visitor(list.filter((e) => e.product !== reason.evidenceProduct)), item.productId, item.strategy)[reason.component] ?? 0;
          if (Math.abs(before - after - reason.contribution) > F32_RELATIVE * Math.abs(before) + 1e-7) {
            failures.push(`${placement} ${item.productId} ${reason.component} citing ${reason.evidenceProduct}: claimed ${reason.contribution.toFixed(6)}, actual ${(before - after).toFixed(6)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('two versions loaded with loadNodeKernels() should not share score slots', async () => {
    const a = prepareVersion((await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS])).bundle, await loadNodeKernels(), null, 'buffer', 0);
    const before = ids(recommend(a, request({ placement: 'trending', limit: 5 }), visitor([])).items);
    const other = (await buildAndDecode(['--catalog', DUMMYJSON])).bundle; // no events: popularity all zero
    prepareVersion(other, await loadNodeKernels(), null, 'buffer', 0);
    expect(ids(recommend(a, request({ placement: 'trending', limit: 5 }), visitor([])).items)).toEqual(before);
  });

  it('a co-purchase reason citing the page product should not say it is in the cart', () => {
    const result = recommend(version, request({ placement: 'similar', product: '122', limit: 8 }), visitor([]));
    const texts = result.items.flatMap((i) => i.why.filter((r) => r.component === 'copurchase').map((r) => r.text));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).not.toMatch(/in your cart/);
  });
});
