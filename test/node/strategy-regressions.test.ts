/** Regression tests for bugs found while testing the strategies (each failed before its fix). */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import type { StoredEvent } from '../../src/shared/events.ts';
import { recommend } from '../../src/worker/ranking.ts';
import { createLoadedBundle, type LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { buildAndDecode, CARTS, DUMMYJSON } from './cli-helpers.ts';
import {
  browsedBundle,
  F32_RELATIVE,
  explanationSlack,
  cartMates,
  categoryOf,
  componentsOf,
  dummyJsonBundle,
  events,
  ids,
  loadedBundleOf,
  request,
  views,
  visitor,
} from './strategy-helpers.ts';

let loaded: LoadedBundle;
beforeAll(async () => {
  loaded = await dummyJsonBundle();
});

describe('strategy regressions', () => {
  it('should report reason no-signal when the strategy itself found nothing', () => {
    const result = recommend(loaded, request({ placement: 'now_reduced', limit: 4 }), visitor(views(['1', '2'])));
    expect(result.items.every((i) => i.strategy !== 'now_reduced')).toBe(true);
    expect(result.fallback?.reason).toBe('no-signal');
  });

  it('goes_with should never fill up with products from the leaf category of a cart item', () => {
    // '6' (fragrances): few co-purchases, so the list is filled from also_bought.
    const result = recommend(loaded, request({ placement: 'goes_with', limit: 20 }), visitor(events([['add_to_cart', '6']])));
    expect(result.fallback).not.toBeNull();
    for (const item of result.items)
      expect(categoryOf(loaded, item.productId), `${item.productId} (${item.strategy})`).not.toBe('fragrances');
  });

  it('for_you should not bring back viewed products through its fallback without includeViewed', () => {
    const result = recommend(loaded, request({ placement: 'for_you', limit: 100, category: 'laptops' }), visitor(views(['78', '80'])));
    expect(ids(result.items)).not.toContain('78');
    expect(ids(result.items)).not.toContain('80');
  });

  it('similar should only use the page product as evidence, not the cart', () => {
    const list = events([['add_to_cart', '129']]);
    const result = recommend(loaded, request({ placement: 'similar', product: '15', limit: 8 }), visitor(list));
    for (const item of result.items.filter((i) => i.strategy === 'similar')) {
      for (const reason of item.why.filter((r) => r.evidenceProduct !== undefined))
        expect(reason.evidenceProduct, item.productId).toBe('15');
      expect(item.components.similarity! > 0 || cartMates('15').has(item.productId), item.productId).toBe(true);
    }
  });

  it('explanations should be faithful with several session products (co-visitation / similarity re-weighting)', () => {
    const cases: Array<[string, StoredEvent[]]> = [
      [
        'also_bought',
        events([
          ['view', '50'],
          ['add_to_cart', '122'],
          ['add_to_cart', '1'],
        ]),
      ],
      ['for_you', views(['121', '123', '132'])],
    ];
    const failures: string[] = [];
    for (const [placement, list] of cases) {
      const req = request({ placement: placement as 'for_you', limit: 10 });
      const result = recommend(loaded, req, visitor(list));
      for (const item of result.items) {
        for (const reason of item.why) {
          if (!reason.evidenceProduct || !['covisitation', 'similarity'].includes(reason.component)) continue;
          const before = componentsOf(loaded, req, visitor(list), item.productId, item.strategy)[reason.component] ?? 0;
          const after =
            componentsOf(loaded, req, visitor(list.filter((e) => e.product !== reason.evidenceProduct)), item.productId, item.strategy)[
              reason.component
            ] ?? 0;
          const slack = explanationSlack(loaded, reason.component);
          if (Math.abs(before - after - reason.contribution) > F32_RELATIVE * Math.abs(before) + 1e-7 + slack) {
            failures.push(
              `${placement} ${item.productId} ${reason.component} citing ${reason.evidenceProduct}: claimed ${reason.contribution.toFixed(6)}, actual ${(before - after).toFixed(6)}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('two bundles loaded with loadNodeKernels() should not share score slots', async () => {
    const a = createLoadedBundle((await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS])).bundle, await loadNodeKernels());
    const before = ids(recommend(a, request({ placement: 'trending', limit: 5 }), visitor([])).items);
    const other = (await buildAndDecode(['--catalog', DUMMYJSON])).bundle; // no events: popularity all zero
    createLoadedBundle(other, await loadNodeKernels());
    expect(ids(recommend(a, request({ placement: 'trending', limit: 5 }), visitor([])).items)).toEqual(before);
  });

  it('a co-purchase reason citing the page product should not say it is in the cart', async () => {
    const result = recommend(await browsedBundle(), request({ placement: 'also_bought', product: '122', limit: 8 }), visitor([]));
    const texts = result.items.flatMap((i) => i.why.filter((r) => r.component === 'copurchase').map((r) => r.text));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).not.toMatch(/in your cart/);
  });

  it('should not qualify products by a signal component this request left unfilled (its slot holds an earlier request)', async () => {
    const fresh = await loadedBundleOf((await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS])).bundle);
    // goes_with with no product and an empty cart: co-purchase cannot score, so nothing is a complement.
    const goesWith = request({ placement: 'goes_with', limit: 6 });
    const first = recommend(fresh, goesWith, visitor([]));
    expect(first.items.every((item) => item.strategy !== 'goes_with')).toBe(true);
    // A product page fills the co-purchase slot with that product's neighbours…
    const alsoBought = recommend(fresh, request({ placement: 'also_bought', product: '6', limit: 6 }), visitor([]));
    expect(alsoBought.items.some((item) => item.strategy === 'also_bought' && item.components.copurchase! > 0)).toBe(true);
    // …which must not turn into "goes with" items for the next visitor.
    const again = recommend(fresh, goesWith, visitor([]));
    expect(ids(again.items)).toEqual(ids(first.items));
    expect(again.items.every((item) => item.strategy !== 'goes_with')).toBe(true);
  });
});
