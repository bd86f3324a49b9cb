/**
 * One category normaliser: the text a shop writes in a rule and the text a page passes as the
 * landing category find the same categories (they once disagreed: rules read "Womens-Dresses" as
 * "womens-dresses", the landing context as "womens dresses", so "womens dresses" matched only one).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/shared/bundle/types.ts';
import { normalizeVisitContext } from '../../src/shared/visit-context.ts';
import { normalizeRules } from '../../src/shared/rules.ts';
import { BundleIndexes } from '../../src/worker/bundle-indexes.ts';
import { categoryKey } from '../../src/worker/category-names.ts';
import { contextScores } from '../../src/worker/cold-start.ts';
import { buildMask } from '../../src/worker/masks.ts';
import { applyRuleFilters } from '../../src/worker/product-filters.ts';
import { DUMMYJSON, FLIPKART, FLIPKART_FIELDS, buildAndDecode } from './cli-helpers.ts';

/** Products a rule `include: { category: [text] }` allows. */
function ruleRows(indexes: BundleIndexes, text: string): number[] {
  const rows = indexes.bundle.products.count;
  const mask = buildMask(rows);
  applyRuleFilters(indexes, normalizeRules({ include: { category: [text] } }), mask);
  return Array.from({ length: rows }, (_, row) => row).filter((row) => (mask[row >> 3]! & (1 << (row & 7))) !== 0);
}

/** Products the landing category `text` fully matches (the category part of the context component at 1). */
function landingRows(indexes: BundleIndexes, text: string): number[] {
  const into = new Float32Array(indexes.bundle.products.count);
  contextScores(indexes, normalizeVisitContext({ category: text }), into);
  return Array.from(into.keys()).filter((row) => into[row] === 1);
}

describe('category names', () => {
  let dummy: Bundle;
  let flipkart: Bundle;

  beforeAll(async () => {
    dummy = (await buildAndDecode(['--catalog', DUMMYJSON])).bundle;
    flipkart = (await buildAndDecode(['--catalog', FLIPKART, ...FLIPKART_FIELDS, '--dim', '16'])).bundle;
  });

  it('should compare names by their words: case, accents and punctuation do not matter', () => {
    expect(categoryKey('Womens-Dresses')).toBe('womens dresses');
    expect(categoryKey('  WOMENS_dresses ')).toBe('womens dresses');
    expect(categoryKey('Clothing>Women')).toBe('clothing > women');
    expect(categoryKey('Beauty and Personal Care > Fragrances')).toBe('beauty and personal care > fragrances');
    expect(categoryKey('Crème-Brûlée')).toBe('creme brulee');
  });

  it('should let a rule and the landing category name the same products for the same text', () => {
    const indexes = new BundleIndexes(dummy);
    const dresses = dummy.products.categoryIndex.filter((c) => dummy.categories[c]?.name === 'womens-dresses').length;
    expect(dresses).toBeGreaterThan(0);
    for (const text of ['womens-dresses', 'Womens-Dresses', 'womens dresses', 'WOMENS DRESSES', 'Womens_Dresses']) {
      const byRule = ruleRows(indexes, text);
      expect(byRule, text).toHaveLength(dresses);
      expect(landingRows(indexes, text), text).toEqual(byRule);
    }
  });

  it('should find a category by its path in a tree, with or without spaces around ">"', () => {
    const indexes = new BundleIndexes(flipkart);
    for (const text of [
      'Beauty and Personal Care>Fragrances',
      'beauty and personal care > fragrances',
      'Beauty-and-Personal-Care > Fragrances',
    ]) {
      const byRule = ruleRows(indexes, text);
      expect(byRule.length, text).toBeGreaterThan(0);
      expect(landingRows(indexes, text), text).toEqual(byRule);
    }
    expect(ruleRows(indexes, 'no such category')).toEqual([]);
    expect(landingRows(indexes, 'no such category')).toEqual([]);
  });
});
