/**
 * The score-component registry: a component is one module (here the toy `onSale` in
 * test/fixtures/on-sale-component.ts) plus one registry line, and the strategies, explanations and
 * the trace pick it up from there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/shared/bundle/types.ts';
import { COMPONENTS, ComponentRegistry } from '../../src/worker/components/index.ts';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { recommend } from '../../src/worker/ranking.ts';
import type { TraceStep } from '../../src/worker/trace.ts';
import { onSale } from '../fixtures/on-sale-component.ts';
import { CARTS, DUMMYJSON, buildAndDecode } from './cli-helpers.ts';
import { NOW, ids, loadedBundleOf, request, visitor } from './strategy-helpers.ts';

/** The depth of `row`'s discount, as the toy scores it. */
function depth(bundle: Bundle, row: number): number {
  const { price, salePrice } = bundle.products;
  return salePrice[row]! < price[row]! ? 1 - salePrice[row]! / price[row]! : 0;
}

describe('a score component added to the registry', () => {
  let plain: LoadedBundle;
  let withToy: LoadedBundle;

  beforeAll(async () => {
    const { bundle } = await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS]);
    plain = await loadedBundleOf(bundle);
    // The one registry line:
    withToy = await loadedBundleOf(bundle, new ComponentRegistry([...COMPONENTS.list, onSale]));
  });

  it('should get its own score slot after the built-in ones', () => {
    expect(withToy.components.slotOf('onSale')).toBe(COMPONENTS.list.length);
    expect(withToy.components.combinedSlot).toBe(COMPONENTS.list.length + 1);
    expect(plain.components.slotOf('onSale')).toBe(-1);
  });

  it('should be ranked by the strategies that name it, with its weight in the result', () => {
    const req = request({ placement: 'for_you', limit: 6 });
    const before = recommend(plain, req, visitor([]));
    const after = recommend(withToy, req, visitor([]));
    expect(after.weights.onSale).toBe(5);
    expect(ids(after.items)).not.toEqual(ids(before.items));
    const { bundle } = withToy;
    for (const item of after.items) {
      const row = bundle.products.indexOf(item.productId);
      expect(item.components.onSale).toBeCloseTo(5 * depth(bundle, row), 5);
      expect(item.score).toBeCloseTo(item.components.onSale! + item.components.popularity!, 5);
    }
    // A cold visitor's for_you is discount depth (weight 5) plus popularity (0.05): the six best by that sum, in order.
    const popular = bundle.popularity.global;
    const maxPopular = Math.max(...popular);
    const expected = Array.from({ length: bundle.products.count }, (_, row) => row)
      .filter((row) => bundle.products.inStock[row] === 1)
      .map((row) => ({ id: bundle.products.id(row), score: 5 * depth(bundle, row) + (0.05 * popular[row]!) / maxPopular }))
      .sort((a, b) => b.score - a.score);
    expect(expected[5]!.score - expected[6]!.score).toBeGreaterThan(1e-4);
    expect(ids(after.items)).toEqual(expected.slice(0, 6).map((entry) => entry.id));
    // Strategies that do not name it are unchanged.
    const trending = request({ placement: 'trending', limit: 6 });
    expect(ids(recommend(withToy, trending, visitor([])).items)).toEqual(ids(recommend(plain, trending, visitor([])).items));
  });

  it('should explain its part of the score with its own reason', () => {
    const result = recommend(withToy, request({ placement: 'for_you', limit: 6, locale: 'en' }), visitor([]));
    for (const item of result.items) {
      const reason = item.why[0]!;
      expect(reason).toMatchObject({ component: 'onSale', message: 'deal', contribution: item.components.onSale });
      expect(reason.text).toMatch(/% off/);
    }
  });

  it('should report its fill and its explanation to a trace, like every component', () => {
    const steps: TraceStep[] = [];
    const started = performance.now();
    recommend(withToy, request({ placement: 'for_you', limit: 4 }), visitor([], null, NOW), { trace: (step) => steps.push(step) });
    const wall = performance.now() - started;
    const names = steps.map((step) => `${step.strategy} ${step.step} ${step.detail}`.trim());
    expect(names).toContain('for_you fill onSale');
    expect(names).toContain('for_you explain onSale');
    // Each step in the order the request ran it, timed.
    expect(names.slice(0, 3)).toEqual(['for_you visitor', 'for_you query', 'for_you mask']);
    expect(names.indexOf('for_you combine')).toBeGreaterThan(names.indexOf('for_you fill onSale'));
    // Consecutive laps: together they cover the request once, never more than it took.
    const traced = steps.reduce((sum, step) => sum + step.ms, 0);
    expect(traced).toBeGreaterThan(0);
    expect(traced).toBeLessThanOrEqual(wall);
  });
});

describe('the registry', () => {
  it('should refuse two components with one name, and one that fills neither per request nor at load', () => {
    expect(() => new ComponentRegistry([...COMPONENTS.list, { ...onSale, name: 'popularity' }])).toThrow(
      /two score components are named popularity/,
    );
    const { fill: _fill, ...unfilled } = onSale;
    expect(() => new ComponentRegistry([unfilled])).toThrow(/one of fill, fillOnLoad/);
  });
});
