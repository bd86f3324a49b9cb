import { describe, expect, it } from 'vitest';
import { createVitrine } from '../../src/index.ts';
import { enginesClosedAfterEach } from './engine-fixture.ts';
import { rejection } from '../fixtures/rejection.ts';

const engine = enginesClosedAfterEach();

describe('profile limits set by the shop', () => {
  it('should keep at most maxEvents raw events and count the rest as overflow', async () => {
    const vitrine = engine({ profileLimits: { maxEvents: 3 } });
    for (let i = 0; i < 5; i++) await vitrine.track({ type: 'view', product: `sku-${i}` });
    expect((await vitrine.status()).profile).toMatchObject({ mode: 'memory', events: 3, overflow: 2 });
  });

  it('should keep the default cap without limits', async () => {
    const vitrine = engine();
    for (let i = 0; i < 5; i++) await vitrine.track({ type: 'view', product: `sku-${i}` });
    expect((await vitrine.status()).profile).toMatchObject({ events: 5, overflow: 0 });
  });

  it.each([
    [{ maxEvents: 0 }, 'maxEvents'],
    [{ maxEvents: 2.5 }, 'maxEvents'],
    [{ maxAgeDays: -1 }, 'maxAgeDays'],
    [{ maxAgeDays: Number.NaN }, 'maxAgeDays'],
  ])('should refuse %o with INVALID_REQUEST naming %s', async (limits, field) => {
    const error = await rejection(Promise.resolve().then(() => createVitrine({ profileLimits: limits })));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field } });
  });
});
