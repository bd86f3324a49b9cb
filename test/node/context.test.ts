import { describe, expect, it } from 'vitest';
import { MAX_CONTEXT_TEXT, normalizeVisitContext } from '../../src/shared/visit-context.ts';

function rejected(value: unknown, field?: string): { code?: string; message?: string; details?: { field?: string } } {
  try {
    normalizeVisitContext(value, field);
  } catch (error) {
    return error as { code?: string; message?: string; details?: { field?: string } };
  }
  throw new Error('expected normalizeVisitContext to throw');
}

describe('normalizeVisitContext', () => {
  it('should give every field null when there is no context', () => {
    const empty = {
      category: null,
      query: null,
      utm: { source: null, medium: null, campaign: null, term: null },
      referrerHost: null,
      device: null,
      hour: null,
    };
    expect(normalizeVisitContext(undefined)).toEqual(empty);
    expect(normalizeVisitContext({})).toEqual(empty);
  });

  it('should keep a well-formed context, trimmed and with inner whitespace collapsed', () => {
    const visit = normalizeVisitContext({
      category: '  Clothing >  Women > Dresses ',
      query: '\tred   lipstick\n',
      utm: { source: 'newsletter', medium: 'email', campaign: ' summer-sale ', term: 'dress' },
      referrer: 'https://www.google.de/search?q=rotes+kleid',
      device: 'mobile',
      hour: 0,
    });
    expect(visit).toEqual({
      category: 'Clothing > Women > Dresses',
      query: 'red lipstick',
      utm: { source: 'newsletter', medium: 'email', campaign: 'summer-sale', term: 'dress' },
      referrerHost: 'www.google.de',
      device: 'mobile',
      hour: 0,
    });
  });

  it('should treat blank strings as absent', () => {
    const visit = normalizeVisitContext({ category: '   ', query: '', referrer: '', utm: { campaign: ' ' } });
    expect(visit.category).toBeNull();
    expect(visit.query).toBeNull();
    expect(visit.referrerHost).toBeNull();
    expect(visit.utm.campaign).toBeNull();
  });

  it('should cut over-long text at the cap without splitting a character', () => {
    const query = '😀'.repeat(MAX_CONTEXT_TEXT + 50);
    const cut = normalizeVisitContext({ query }).query!;
    expect(Array.from(cut)).toHaveLength(MAX_CONTEXT_TEXT);
    expect(cut).toBe('😀'.repeat(MAX_CONTEXT_TEXT));
  });

  it.each([
    ['https://user:secret@Shop.Example.COM:8443/path/page?session=abc#frag', 'shop.example.com'],
    ['http://localhost:5173/', 'localhost'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    ['//cdn.example.org/x', 'cdn.example.org'],
    ['Google.de', 'google.de'],
    ['instagram.com/stories/someone', 'instagram.com'],
    ['www.example.com.', 'www.example.com'],
    ['https://[2001:db8::1]:8080/x', '[2001:db8::1]'],
    ['https://bücher.de/suche?q=x', 'bücher.de'],
  ])('should keep only the lower-case host of the referrer %s', (referrer, host) => {
    expect(normalizeVisitContext({ referrer }).referrerHost).toBe(host);
  });

  it.each([
    [{ hour: 24 }, 'visit.hour'],
    [{ hour: -1 }, 'visit.hour'],
    [{ hour: 7.5 }, 'visit.hour'],
    [{ hour: '7' }, 'visit.hour'],
    [{ device: 'phone' }, 'visit.device'],
    [{ device: 'Mobile' }, 'visit.device'],
    [{ category: 5 }, 'visit.category'],
    [{ query: ['red'] }, 'visit.query'],
    [{ utm: 'summer' }, 'visit.utm'],
    [{ utm: { campaign: 1 } }, 'visit.utm.campaign'],
    [{ utm: { content: 'banner' } }, 'visit.utm.content'],
    [{ referrer: 42 }, 'visit.referrer'],
    [{ referrer: 'not a host at all' }, 'visit.referrer'],
    [{ referrer: 'https:///path-only' }, 'visit.referrer'],
    [{ categroy: 'shoes' }, 'visit.categroy'],
  ])('should reject %j naming %s', (value, field) => {
    const error = rejected(value);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details?.field).toBe(field);
  });

  it('should reject a context that is not an object', () => {
    for (const value of ['mobile', 3, [], true]) expect(rejected(value).details?.field).toBe('visit');
  });

  it('should name fields under the prefix the caller gives', () => {
    const error = rejected({ hour: 99 }, 'context.visit');
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'context.visit.hour' } });
    expect(error.message).toContain('context.visit.hour');
  });
});
