import { afterEach, describe, expect, it } from 'vitest';
import { createVitrine, type Vitrine } from '../../src/index.ts';
import { rejection } from '../fixtures/rejection.ts';

const engines: Vitrine[] = [];
afterEach(() => {
  while (engines.length) engines.pop()!.close();
});

describe('profile limits set by the shop', () => {
  it('should keep at most maxEvents raw events and count the rest as overflow', async () => {
    const vitrine = createVitrine({ profileLimits: { maxEvents: 3 } });
    engines.push(vitrine);
    for (let i = 0; i < 5; i++) await vitrine.track({ type: 'view', product: `sku-${i}` });
    expect((await vitrine.status()).profile).toMatchObject({ mode: 'memory', events: 3, overflow: 2 });
  });

  it('should keep the default cap without limits', async () => {
    const vitrine = createVitrine();
    engines.push(vitrine);
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
