import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVitrine, type Vitrine } from '../../src/index.ts';
import type { TrackEvent } from '../../src/shared/events.ts';
import { vitrineRejection } from '../fixtures/rejection.ts';
import { makeEngineBundle } from './engine-fixture.ts';

describe('W11: vitrine.track input checks (page side)', () => {
  let vitrine: Vitrine;

  beforeAll(async () => {
    vitrine = createVitrine();
    await vitrine.load(makeEngineBundle({ rows: 20, dim: 8, seed: 3 }).bytes);
  });
  afterAll(() => vitrine.close());

  it('should reject a DOM node as product with INVALID_EVENT naming the field, not a DataCloneError', async () => {
    const error = await vitrineRejection(vitrine.track({ type: 'view', product: document.body } as unknown as TrackEvent));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.details.field).toBe('product');
  });

  it('should drop unknown fields (even functions) and record the event', async () => {
    const before = (await vitrine.status()).profile!.events;
    const event = { type: 'view', product: 'sku-1', onClick: () => 1, element: document.body } as unknown as TrackEvent;
    await vitrine.track(event);
    expect((await vitrine.status()).profile!.events).toBe(before + 1);
  });

  it('should reject an unknown event type', async () => {
    const error = await vitrineRejection(vitrine.track({ type: 'hover', product: 'sku-1' } as unknown as TrackEvent));
    expect(error).toMatchObject({ code: 'INVALID_EVENT', details: { field: 'type' } });
  });
});
