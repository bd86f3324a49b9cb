/**
 * W11 (issue 12 failure 7): values `postMessage` cannot copy (a DOM node, a function, a Symbol, a
 * Proxy) given to the public API reject with a typed error naming the field, never a raw
 * DataCloneError, and lose nothing else: the engine keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitrine, type Vitrine } from '../../src/index.ts';
import { vitrineRejection } from '../fixtures/rejection.ts';
import { makeEngineBundle } from './engine-fixture.ts';

/** Each kind of value structured clone refuses, made fresh per use. */
const KINDS: Record<string, () => unknown> = {
  'a DOM node': () => document.createElement('div'),
  'a function': () => () => 1,
  'a Symbol': () => Symbol('sku'),
  'a Proxy': () => new Proxy({ id: 'sku-1' }, {}),
};

/** One call per public method that takes plain data, with `bad` at one field; the field it must name. */
const CALLS: { method: string; code: string; field: string; run: (vitrine: Vitrine, bad: unknown) => Promise<unknown> }[] = [
  {
    method: 'recommend',
    code: 'INVALID_REQUEST',
    field: 'context.recent[1]',
    run: (vitrine, bad) => vitrine.recommend({ placement: 'for_you', context: { recent: ['sku-1', bad as string] } }),
  },
  {
    method: 'recommend (the whole request)',
    code: 'INVALID_REQUEST',
    field: 'request',
    run: (vitrine, bad) => vitrine.recommend(bad as never),
  },
  { method: 'similar', code: 'INVALID_REQUEST', field: 'productId', run: (vitrine, bad) => vitrine.similar(bad as string) },
  {
    method: 'similar (options)',
    code: 'INVALID_REQUEST',
    field: 'options.exclude[0]',
    run: (vitrine, bad) => vitrine.similar('sku-1', { exclude: [bad as string] }),
  },
  {
    method: 'consent.set',
    code: 'INVALID_REQUEST',
    field: 'personalization',
    run: (vitrine, bad) => vitrine.consent.set({ personalization: bad as boolean }),
  },
  {
    method: 'track',
    code: 'INVALID_EVENT',
    field: 'product',
    run: (vitrine, bad) => vitrine.track({ type: 'view', product: bad as string }),
  },
];

describe('W11: non-cloneable input to the public API', () => {
  let vitrine: Vitrine;

  beforeAll(async () => {
    vitrine = createVitrine();
    await vitrine.load(makeEngineBundle({ rows: 20, dim: 8, seed: 3 }).bytes);
  });
  afterAll(() => vitrine.close());

  for (const call of CALLS) {
    for (const [kind, make] of Object.entries(KINDS)) {
      it(`should reject ${kind} given to ${call.method} with ${call.code} naming the field`, async () => {
        const error = await vitrineRejection(call.run(vitrine, make()));
        expect(error.name).toBe('VitrineError');
        expect(error.code).toBe(call.code);
        expect(error.details.field).toBe(call.field);
      });
    }
  }

  it('should lose nothing else: the engine answers the next call, and Object.prototype is untouched', async () => {
    await vitrineRejection(vitrine.recommend({ placement: 'trending', exclude: [document.body as never] }));
    const result = await vitrine.recommend({ placement: 'trending', limit: 3 });
    expect(result.items).toHaveLength(3);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('should settle a cyclic request with an answer or a typed error, not hang', async () => {
    const request: Record<string, unknown> = { placement: 'trending', limit: 3 };
    request.self = request;
    const context: Record<string, unknown> = { recent: ['sku-1'] };
    context.parent = context;
    request.context = context;
    const outcome = await vitrine.recommend(request as never, { timeoutMs: 5000 }).then(
      (result) => result.items.length,
      (error: { name?: string; code?: string }) => `${error.name} ${error.code}`,
    );
    expect([3, 'VitrineError INVALID_REQUEST']).toContain(outcome);
  });

  it('should reject 10 MB strings with typed errors within the deadline', async () => {
    const huge = 'x'.repeat(10_000_000);
    const similar = await vitrineRejection(vitrine.similar(huge, { timeoutMs: 5000 }));
    expect(['INVALID_REQUEST', 'UNKNOWN_PRODUCT']).toContain(similar.code);
    const track = await vitrineRejection(vitrine.track({ type: 'view', product: huge }, { timeoutMs: 5000 }));
    expect(track).toMatchObject({ code: 'INVALID_EVENT', details: { field: 'product' } });
  });

  it('should not let __proto__ or constructor keys grant consent or pollute prototypes', async () => {
    const choice = JSON.parse('{"__proto__": {"personalization": true, "polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}');
    await vitrine.consent.set(choice).catch(() => undefined);
    expect((await vitrine.consent.get()).personalization).toBe(false);
    const request = JSON.parse('{"placement": "trending", "limit": 2, "__proto__": {"limit": 50, "polluted": 1}}');
    expect((await vitrine.recommend(request)).items).toHaveLength(2);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
