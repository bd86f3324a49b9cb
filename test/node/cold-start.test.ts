import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, type Bundle } from '../../src/shared/bundle/index.ts';
import { normalizeVisitContext, type VisitContext } from '../../src/shared/visit-context.ts';
import { BundleIndexes } from '../../src/worker/bundle-indexes.ts';
import { contextScores, PART_WEIGHTS, type ContextMatch } from '../../src/worker/cold-start.ts';
import { tokenize } from '../../src/worker/text.ts';
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';
import { buildAndDecode, CARTS, DUMMYJSON } from './cli-helpers.ts';

let indexes: BundleIndexes;
let bundle: Bundle;

beforeAll(async () => {
  bundle = (await buildAndDecode(['--catalog', DUMMYJSON, '--events', CARTS])).bundle;
  indexes = new BundleIndexes(bundle);
});

function score(visit: VisitContext, on: BundleIndexes = indexes): { values: Float32Array; match: ContextMatch } {
  const values = new Float32Array(on.bundle.products.count).fill(7); // garbage: must be overwritten
  const match = contextScores(on, normalizeVisitContext(visit), values);
  return { values, match };
}

function rowsWhere(test: (row: number) => boolean, on: Bundle = bundle): number[] {
  const rows: number[] = [];
  for (let row = 0; row < on.products.count; row++) if (test(row)) rows.push(row);
  return rows;
}

function categoryName(row: number, on: Bundle = bundle): string | null {
  const c = on.products.categoryIndex[row]!;
  return c >= 0 ? on.categories[c]!.name : null;
}

/** Rows by value, best first. */
function ranked(values: Float32Array): number[] {
  return Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
}

describe('tokenize', () => {
  it('should lower-case, fold accents and split on anything but letters and digits', () => {
    expect(tokenize('Crème Brûlée, KAFFEEMÜHLE Groß-Format iPhone_13+Pro')).toEqual([
      'creme',
      'brulee',
      'kaffeemuhle',
      'gross',
      'format',
      'iphone',
      '13',
      'pro',
    ]);
  });
});

describe('contextScores', () => {
  it('should be inactive and all zeros when the context says nothing it can match', () => {
    // Device, hour and referrer are accepted but, lacking per-device/hour/source data, never scored.
    const { values, match } = score({ device: 'mobile', hour: 21, referrer: 'https://www.instagram.com/' });
    expect(match.active).toBe(false);
    expect(values.every((v) => v === 0)).toBe(true);
    expect(match.explain(0)).toBeNull();
  });

  it('should score every smartphone 1 and everything else 0 for the landing category "smartphones"', () => {
    const { values, match } = score({ category: 'smartphones' });
    const phones = rowsWhere((row) => categoryName(row) === 'smartphones');
    expect(phones.length).toBeGreaterThan(10);
    expect(match.active).toBe(true);
    for (let row = 0; row < values.length; row++) expect(values[row]).toBe(phones.includes(row) ? 1 : 0);
    expect(match.explain(phones[0]!)).toEqual({ message: 'pickedFor', params: { category: 'smartphones' }, amount: 1 });
    expect(match.explain(rowsWhere((row) => categoryName(row) === 'laptops')[0]!)).toBeNull();
  });

  it("should recognise a category spelled differently from the catalog's slug", () => {
    const slug = score({ category: 'mens-shirts' }).values;
    const words = score({ category: 'Mens Shirts' }).values;
    expect(Array.from(words)).toEqual(Array.from(slug));
    expect(slug.some((v) => v === 1)).toBe(true);
  });

  it('should give the landing category 1 and its siblings under the same parent a partial score', async () => {
    // The fixture splits DummyJSON's slugs into two levels: 'mens-shirts' → mens > shirts.
    const fixture = decodeBundle(encodeBundle(makeFixtureInput({ dim: 8 })));
    const { values, match } = score({ category: 'mens > shirts' }, new BundleIndexes(fixture));
    const path = (row: number): string => fixture.categories[fixture.products.categoryIndex[row]!]!.path.join(' > ');
    for (let row = 0; row < values.length; row++) {
      // Depth 2: a sibling shares one of the landing path's two levels.
      const expected = path(row) === 'mens > shirts' ? 1 : path(row).startsWith('mens > ') ? 0.5 : 0;
      expect(values[row], path(row)).toBe(expected);
    }
    const sibling = rowsWhere((row) => path(row) === 'mens > shoes', fixture)[0]!;
    expect(match.explain(sibling)).toEqual({ message: 'pickedFor', params: { category: 'shirts' }, amount: 0.5 });
  });

  it('should put the lipstick on top for the query "lipstick" and name the query in the explanation', () => {
    const { values, match } = score({ query: 'lipstick' });
    const top = ranked(values)[0]!;
    expect(bundle.products.title(top)).toBe('Red Lipstick');
    expect(values[top]).toBeCloseTo(1, 6);
    expect(match.explain(top)).toEqual({ message: 'matchesSearch', params: { query: 'lipstick' }, amount: expect.closeTo(1, 6) });
    // Nothing else mentions lipstick.
    expect(values.filter((v) => v > 0)).toHaveLength(1);
  });

  it('should weight rare query words above common ones', () => {
    // "red" is on several products, "lipstick" on one: the nail polish matches only the common word.
    const { values, match } = score({ query: 'red lipstick' });
    const order = ranked(values);
    expect(bundle.products.title(order[0]!)).toBe('Red Lipstick');
    expect(values[order[0]!]).toBeCloseTo(1, 6);
    const polish = bundle.products.indexOf('5');
    expect(bundle.products.title(polish)).toBe('Red Nail Polish');
    expect(values[polish]).toBeGreaterThan(0);
    expect(values[polish]).toBeLessThan(0.5);
    expect(match.explain(polish)!.amount).toBeCloseTo(values[polish]!, 6);
  });

  it('should match plurals to singulars and ignore words the catalog never uses', () => {
    const singular = score({ query: 'lipstick' }).values;
    expect(Array.from(score({ query: 'Lipsticks please' }).values)).toEqual(Array.from(singular));
  });

  it('should match a query against brand, category and attribute values, not only titles', () => {
    const { values } = score({ query: 'apple' });
    const appleBrand = rowsWhere((row) => bundle.products.brand(row) === 'Apple');
    const notInTitle = appleBrand.filter((row) => !/apple/i.test(bundle.products.title(row)));
    expect(notInTitle.length).toBeGreaterThan(0); // e.g. "iPhone X"
    for (const row of appleBrand) expect(values[row]).toBeCloseTo(1, 6);
  });

  it('should add the parts exactly, so a product lacking one part scores exactly its amount less', () => {
    const { values, match } = score({ category: 'smartphones', query: 'iphone' });
    const iphones = rowsWhere((row) => categoryName(row) === 'smartphones' && /iphone/i.test(bundle.products.title(row)));
    const otherPhones = rowsWhere((row) => categoryName(row) === 'smartphones' && !/iphone/i.test(bundle.products.title(row)));
    const iphoneAccessories = rowsWhere((row) => categoryName(row) !== 'smartphones' && /iphone/i.test(bundle.products.title(row)));
    expect(iphones.length).toBeGreaterThan(1);
    expect(otherPhones.length).toBeGreaterThan(1);
    expect(iphoneAccessories.length).toBeGreaterThan(0);
    for (let row = 0; row < values.length; row++) {
      const parts = match.parts(row);
      expect(parts.reduce((sum, p) => sum + p.amount, 0)).toBeCloseTo(values[row]!, 6);
    }
    // Category and query weigh the same, so each part of a perfect match is one half.
    const queryAmount = match.parts(iphones[0]!).find((p) => p.part === 'query')!.amount;
    expect(queryAmount).toBeCloseTo(0.5, 6);
    for (const phone of otherPhones) expect(values[iphones[0]!]! - values[phone]!).toBeCloseTo(queryAmount, 6);
    for (const accessory of iphoneAccessories) {
      expect(match.explain(accessory)).toEqual({
        message: 'matchesSearch',
        params: { query: 'iphone' },
        amount: expect.closeTo(values[accessory]!, 6),
      });
    }
  });

  it('should count campaign words like a query with half the weight of a landing category', () => {
    const { values, match } = score({ category: 'smartphones', utm: { source: 'newsletter', campaign: 'laptops-week_2024' } });
    const laptops = rowsWhere((row) => categoryName(row) === 'laptops');
    const phones = rowsWhere((row) => categoryName(row) === 'smartphones');
    const campaignWeight = PART_WEIGHTS.campaign / (PART_WEIGHTS.category + PART_WEIGHTS.campaign);
    for (const row of laptops) {
      expect(values[row]).toBeCloseTo(campaignWeight, 6);
      expect(match.explain(row)).toEqual({
        message: 'pickedFor',
        params: { category: 'laptops week 2024' },
        amount: expect.closeTo(campaignWeight, 6),
      });
    }
    for (const row of phones) expect(values[row]).toBeCloseTo(1 - campaignWeight, 6);
    expect(campaignWeight).toBeLessThan(0.5);
  });

  // Speed is measured by the browser bench (`npm run bench:browser`, cold-start row), not here.
  it('should still rank every query match above the rest on a 100k-product catalog', () => {
    const big = decodeBundle(encodeBundle(makeFixtureInput({ rows: 100_000, dim: 4 })));
    const into = new Float32Array(big.products.count);
    const visit = normalizeVisitContext({ query: 'red lipstick', category: 'mens > shirts', utm: { campaign: 'summer-watches' } });
    contextScores(new BundleIndexes(big), visit, into);
    // Still the right answer at scale: every lipstick copy outranks every product that is neither.
    const lipsticks = rowsWhere((row) => /lipstick/i.test(big.products.title(row)), big);
    expect(lipsticks.length).toBeGreaterThan(100);
    const minLipstick = Math.min(...lipsticks.map((row) => into[row]!));
    const unmatched = rowsWhere((row) => into[row] === 0, big);
    expect(unmatched.length).toBeGreaterThan(1000);
    expect(minLipstick).toBeGreaterThan(0);
  }, 120_000);
});
