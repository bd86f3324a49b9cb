import { describe, expect, it } from 'vitest';
import { isVitrineError, type VitrineError } from '../../src/shared/errors.ts';
import { MAX_RECENT, normalizeOptions, normalizeRequest, normalizeRerank } from '../../src/shared/request.ts';

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
      recent: [],
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
      context: { recent: ['sku-3', 'sku-4'] },
    });
    expect(request).toEqual({
      placement: 'for_you',
      product: 'sku-1',
      limit: 100,
      exclude: ['sku-2'],
      inStockOnly: false,
      category: 'Dresses',
      recent: ['sku-3', 'sku-4'],
    });
  });

  it.each([
    [null, 'request'],
    ['trending', 'request'],
    [{}, 'placement'],
    [{ placement: 'also_bought' }, 'placement'],
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
  it('should accept ids and an optional context', () => {
    expect(normalizeRerank(['a', 'b'], undefined)).toEqual({ ids: ['a', 'b'], recent: [] });
    expect(normalizeRerank([], { recent: ['c'] })).toEqual({ ids: [], recent: ['c'] });
  });

  it('should name bad ids and contexts', () => {
    expect(fieldOf(() => normalizeRerank('a', undefined))).toBe('productIds');
    expect(fieldOf(() => normalizeRerank(['a', 3], undefined))).toBe('productIds[1]');
    expect(fieldOf(() => normalizeRerank(['a'], { recent: [''] }))).toBe('context.recent[0]');
  });
});
