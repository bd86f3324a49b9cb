import { describe, expect, it } from 'vitest';
import { isVitrineError, type VitrineError } from '../../src/shared/errors.ts';
import { normalizeVisitContext } from '../../src/shared/visit-context.ts';
import { normalizeRules } from '../../src/shared/rules.ts';
import { MAX_LIMIT, MAX_RECENT, normalizeOptions, normalizeRequest, normalizeRerank } from '../../src/shared/request.ts';

const NO_CONTEXT = { recent: [], visit: normalizeVisitContext(undefined) };

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(isVitrineError(error)).toBe(true);
    expect((error as VitrineError).code).toBe('INVALID_REQUEST');
    return (error as VitrineError).details.field as string;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('normalizeRequest', () => {
  it('should fill the documented defaults', () => {
    expect(normalizeRequest({ placement: 'trending' })).toEqual({
      placement: 'trending',
      product: null,
      limit: 6,
      exclude: [],
      inStockOnly: true,
      category: null,
      rules: normalizeRules(undefined),
      locale: 'en',
      includeViewed: false,
      context: NO_CONTEXT,
      cart: null,
    });
  });

  it('should keep given values', () => {
    const request = normalizeRequest({
      placement: 'for_you',
      product: 'sku-1',
      limit: 100,
      exclude: ['sku-2'],
      inStockOnly: false,
      category: '  Dresses ',
      context: { recent: ['sku-3', 'sku-4'], visit: { query: 'parka' } },
      locale: 'de-AT',
      includeViewed: true,
      cart: ['sku-5'],
      rules: { maxPerBrand: 2 },
    });
    expect(request).toEqual({
      placement: 'for_you',
      product: 'sku-1',
      limit: 100,
      exclude: ['sku-2'],
      inStockOnly: false,
      category: 'Dresses',
      rules: normalizeRules({ maxPerBrand: 2 }),
      locale: 'de-AT',
      includeViewed: true,
      context: { recent: ['sku-3', 'sku-4'], visit: normalizeVisitContext({ query: 'parka' }) },
      cart: ['sku-5'],
    });
  });

  it.each([
    [null, 'request'],
    ['trending', 'request'],
    [{}, 'placement'],
    [{ placement: 'bought_also' }, 'placement'],
    [{ placement: 'trending', locale: 'de DE' }, 'locale'],
    [{ placement: 'trending', locale: 7 }, 'locale'],
    [{ placement: 'trending', includeViewed: 'yes' }, 'includeViewed'],
    [{ placement: 'trending', cart: 'sku-1' }, 'cart'],
    [{ placement: 'trending', rules: { maxPerBrand: 0 } }, 'rules.maxPerBrand'],
    [{ placement: 'for_you', context: { visit: { hour: 24 } } }, 'context.visit.hour'],
    [{ placement: 'similar' }, 'product'],
    [{ placement: 'similar', product: '' }, 'product'],
    [{ placement: 'similar', product: 12 }, 'product'],
    [{ placement: 'trending', limit: 0 }, 'limit'],
    [{ placement: 'trending', limit: 101 }, 'limit'],
    [{ placement: 'trending', limit: '6' }, 'limit'],
    [{ placement: 'trending', limit: Number.NaN }, 'limit'],
    [{ placement: 'trending', inStockOnly: 1 }, 'inStockOnly'],
    [{ placement: 'trending', category: '' }, 'category'],
    [{ placement: 'trending', category: ['a'] }, 'category'],
    [{ placement: 'trending', exclude: 'sku-1' }, 'exclude'],
    [{ placement: 'trending', exclude: ['sku-1', null] }, 'exclude[1]'],
    [{ placement: 'for_you', context: [] }, 'context'],
    [{ placement: 'for_you', context: { recent: 'sku-1' } }, 'context.recent'],
    [{ placement: 'for_you', context: { recent: Array.from({ length: MAX_RECENT + 1 }, (_, i) => `s${i}`) } }, 'context.recent'],
  ])('should reject %j naming %s', (request, field) => {
    expect(fieldOf(() => normalizeRequest(request))).toBe(field);
  });
});

describe('normalizeOptions', () => {
  it('should prefix field names with where the options came from', () => {
    expect(fieldOf(() => normalizeOptions({ limit: -1 }, 'options.'))).toBe('options.limit');
    expect(fieldOf(() => normalizeOptions('x', 'options.'))).toBe('options');
  });

  it('should accept no options at all', () => {
    expect(normalizeOptions(undefined).limit).toBe(6);
  });
});

describe('normalizeRerank', () => {
  it('should accept ids, an optional context and options', () => {
    const plain = normalizeRerank(['a', 'b'], undefined, undefined);
    expect(plain.ids).toEqual(['a', 'b']);
    expect(plain.options.context).toEqual(NO_CONTEXT);
    // The shop chose the list: stock is not filtered and the whole list comes back.
    expect(plain.options).toMatchObject({ inStockOnly: false, limit: MAX_LIMIT });
    const given = normalizeRerank([], { recent: ['c'] }, { locale: 'de' });
    expect(given.options.context.recent).toEqual(['c']);
    expect(given.options.locale).toBe('de');
  });

  it('should name bad ids, contexts and options', () => {
    expect(fieldOf(() => normalizeRerank('a', undefined, undefined))).toBe('productIds');
    expect(fieldOf(() => normalizeRerank(['a', 3], undefined, undefined))).toBe('productIds[1]');
    expect(fieldOf(() => normalizeRerank(['a'], { recent: [''] }, undefined))).toBe('context.recent[0]');
    expect(fieldOf(() => normalizeRerank(['a'], undefined, { rules: { diversity: 2 } }))).toBe('options.rules.diversity');
    expect(fieldOf(() => normalizeRerank(['a'], undefined, 'x'))).toBe('options');
  });
});
