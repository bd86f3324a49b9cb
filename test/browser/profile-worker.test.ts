import { describe, expect, it } from 'vitest';
import { isVitrineError } from '../../src/index.ts';
import { enginesClosedAfterEach, makeEngineBundle } from './engine-fixture.ts';

const engine = enginesClosedAfterEach();

describe('profile through the worker (no consent given)', () => {
  it('should hold tracked events in memory and report them in status().profile', async () => {
    const vitrine = engine();
    expect(await vitrine.track({ type: 'view', product: 'sku-1' })).toEqual({ recorded: true });
    await vitrine.track({ type: 'search', query: 'red dress' });
    expect((await vitrine.status()).profile).toEqual({
      mode: 'memory',
      reason: null,
      events: 2,
      overflow: 0,
      skippedRecords: 0,
      deletionPending: false,
      dropped: 0,
    });
  });

  it('should reject a malformed event with INVALID_EVENT naming the field, across the worker boundary', async () => {
    const error = await engine()
      .track({ type: 'view' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isVitrineError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_EVENT', details: { field: 'product' } });
  });

  it('should export titles from the loaded bundle, forget a product and summarise in words', async () => {
    const vitrine = engine();
    await vitrine.load(makeEngineBundle({ rows: 20, dim: 8 }).bytes);
    const yesterday = Date.now() - 86_400_000;
    await vitrine.track({ type: 'view', product: 'sku-3', time: yesterday });
    await vitrine.track({ type: 'add_to_cart', product: 'sku-4', price: 12 });
    const exported = await vitrine.profile.export();
    expect(exported.events.map((e) => [e.product, e.productTitle])).toEqual([
      ['sku-3', 'Product 3'],
      ['sku-4', 'Product 4'],
    ]);
    expect(exported.events[0]!.time).toBe(new Date(yesterday).toISOString());
    await vitrine.profile.forget('sku-3');
    expect((await vitrine.profile.export()).events.map((e) => e.product)).toEqual(['sku-4']);
    const summary = await vitrine.profile.summary();
    expect(summary.headline).toBe('This shop remembers 1 thing you did, in this tab only.');
    await vitrine.profile.delete();
    expect((await vitrine.status()).profile?.events).toBe(0);
  });
});
