import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, type Bundle } from '../../src/shared/bundle/index.ts';
import type { EventType, StoredEvent } from '../../src/shared/events.ts';
import { AffinityScores, PART_MAX } from '../../src/worker/affinity-scores.ts';
import { BundleIndexes } from '../../src/worker/bundle-indexes.ts';
import { computeAffinities, DAY_MS, DEFAULT_HALF_LIFE_DAYS, type Affinities } from '../../src/worker/profile/affinities.ts';
import { bundleResolver } from '../../src/worker/profile/catalog.ts';
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';
import { buildAndDecode, CARTS, DUMMYJSON } from './cli-helpers.ts';

let bundle: Bundle;

beforeAll(async () => {
  bundle = (await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS])).bundle;
});

const NOW = Date.UTC(2025, 4, 10);

/** The profile's own affinities for these events, as the worker computes them. */
function affinitiesOf(on: Bundle, list: [EventType, string, number?][]): Affinities {
  const events: StoredEvent[] = list.map(([type, product, daysAgo = 1]) => ({ type, product, time: NOW - daysAgo * DAY_MS }));
  return computeAffinities(
    events,
    [],
    bundleResolver(() => on),
    NOW,
    DEFAULT_HALF_LIFE_DAYS * DAY_MS,
  );
}

function scores(on: Bundle, affinities: Affinities): Float32Array {
  const into = new Float32Array(on.products.count).fill(5); // garbage: must be overwritten
  new AffinityScores(new BundleIndexes(on), affinities).fill(into);
  return into;
}

function rowsWhere(on: Bundle, test: (row: number) => boolean): number[] {
  return Array.from({ length: on.products.count }, (_, row) => row).filter(test);
}

function without(affinities: Affinities, dimension: 'brand' | 'category', keys: string[]): Affinities {
  const copy = structuredClone(affinities);
  for (const key of keys) delete copy[dimension][key];
  return copy;
}

const category = (on: Bundle, row: number): string => on.categories[on.products.categoryIndex[row]!]!.name;

describe('affinityScores', () => {
  it('should be all zeros for a visitor with no profile', () => {
    const into = scores(bundle, affinitiesOf(bundle, []));
    expect(into.every((v) => v === 0)).toBe(true);
    expect(new AffinityScores(new BundleIndexes(bundle), affinitiesOf(bundle, [])).explain(0)).toBeNull();
  });

  it('should give the favourite brand and favourite category half the range each', () => {
    // Three Apple phones viewed, one Samsung phone: Apple is the top brand, smartphones the top category.
    const apple = rowsWhere(bundle, (row) => bundle.products.brand(row) === 'Apple' && category(bundle, row) === 'smartphones');
    const samsung = rowsWhere(bundle, (row) => bundle.products.brand(row) === 'Samsung' && category(bundle, row) === 'smartphones');
    const affinities = affinitiesOf(
      bundle,
      [...apple.slice(0, 3), samsung[0]!].map((row) => ['view', bundle.products.id(row)]),
    );
    const into = scores(bundle, affinities);
    for (const row of apple) expect(into[row]).toBeCloseTo(2 * PART_MAX, 6);
    // Samsung: full category part, brand part a third of Apple's (one view against three, same age).
    expect(into[samsung[0]!]).toBeCloseTo(PART_MAX + PART_MAX / 3, 6);
    const appleLaptop = rowsWhere(bundle, (row) => bundle.products.brand(row) === 'Apple' && category(bundle, row) === 'laptops')[0]!;
    expect(into[appleLaptop]).toBeCloseTo(PART_MAX, 6);
    const unrelated = rowsWhere(bundle, (row) => category(bundle, row) === 'groceries')[0]!;
    expect(into[unrelated]).toBe(0);
    expect(Math.max(...into)).toBeLessThanOrEqual(1);
  });

  it('should explain the larger part, and removing that affinity should lower the value by exactly its amount', () => {
    const apple = rowsWhere(bundle, (row) => bundle.products.brand(row) === 'Apple');
    const beauty = rowsWhere(bundle, (row) => category(bundle, row) === 'beauty');
    // Apple across categories (brand strong, each category weak); beauty across brands (category strong).
    const affinities = affinitiesOf(bundle, [
      ...apple.slice(0, 6).map((row): [EventType, string] => ['view', bundle.products.id(row)]),
      ...beauty.slice(0, 4).map((row): [EventType, string] => ['add_to_cart', bundle.products.id(row)]),
    ]);
    const before = scores(bundle, affinities);
    let checkedBrand = 0;
    let checkedCategory = 0;
    for (let row = 0; row < bundle.products.count; row++) {
      const why = new AffinityScores(new BundleIndexes(bundle), affinities).explain(row);
      if (before[row] === 0) {
        expect(why).toBeNull();
        continue;
      }
      expect(why).not.toBeNull();
      const counterfactual =
        why!.message === 'favouriteBrand'
          ? without(affinities, 'brand', [why!.params.brand!])
          : without(affinities, 'category', bundle.categories[bundle.products.categoryIndex[row]!]!.path);
      const after = scores(bundle, counterfactual);
      expect(before[row]! - after[row]!, bundle.products.title(row)).toBeCloseTo(why!.amount, 6);
      if (why!.message === 'favouriteBrand') {
        expect(why!.params.brand).toBe(bundle.products.brand(row));
        checkedBrand++;
      } else {
        expect(why!).toMatchObject({ message: 'favouriteCategory', params: { category: category(bundle, row) } });
        checkedCategory++;
      }
    }
    expect(checkedBrand).toBeGreaterThan(5);
    expect(checkedCategory).toBeGreaterThan(0);
  });

  it('should count a disliked brand as no affinity, not as a penalty below zero', () => {
    const phones = rowsWhere(bundle, (row) => category(bundle, row) === 'smartphones');
    const samsung = phones.filter((row) => bundle.products.brand(row) === 'Samsung');
    const affinities = affinitiesOf(bundle, [
      ['view', bundle.products.id(phones[0]!)],
      ...samsung.map((row): [EventType, string] => ['dismiss', bundle.products.id(row)]),
    ]);
    expect(affinities.brand.Samsung).toBeLessThan(0);
    const into = scores(bundle, affinities);
    for (let row = 0; row < into.length; row++) expect(into[row]).toBeGreaterThanOrEqual(0);
    // A disliked Samsung phone keeps only its category part, no less.
    const categoryOnly = into[samsung[0]!]!;
    const categoryPart = new AffinityScores(new BundleIndexes(bundle), without(affinities, 'brand', ['Samsung'])).explain(samsung[0]!);
    expect(categoryOnly).toBeCloseTo(categoryPart?.amount ?? 0, 6);
  });

  it('should not let a category name shared under another parent leak affinity', () => {
    // The fixture splits slugs into levels: 'mens-watches' → mens > watches, 'womens-watches' → womens > watches.
    const fixture = decodeBundle(encodeBundle(makeFixtureInput({ dim: 8 })));
    const path = (row: number): string => fixture.categories[fixture.products.categoryIndex[row]!]!.path.join(' > ');
    const mensWatches = rowsWhere(fixture, (row) => path(row) === 'mens > watches');
    const womensWatches = rowsWhere(fixture, (row) => path(row) === 'womens > watches');
    expect(womensWatches.length).toBeGreaterThan(0);
    const affinities = affinitiesOf(
      fixture,
      mensWatches.slice(0, 3).map((row) => ['view', fixture.products.id(row)]),
    );
    expect(affinities.category.watches).toBeGreaterThan(0);
    const into = scores(fixture, affinities);
    const brands = new Set(mensWatches.slice(0, 3).map((row) => fixture.products.brand(row)));
    for (const row of womensWatches) if (!brands.has(fixture.products.brand(row))) expect(into[row]).toBe(0);
    for (const row of mensWatches) expect(into[row]!).toBeGreaterThanOrEqual(PART_MAX - 1e-6);
  });
});
