/**
 * W9, for events: the worker dies while `track()` calls are in flight. Acknowledged events (the
 * call resolved) are durable and come back after the restart; the unacknowledged ones reject with
 * `WORKER_CRASHED` and are not re-sent by Vitrine (so never counted twice by it); none is stored
 * twice. The crash is real: an uncaught TypeError in the engine worker (see bridge-restart.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createVitrine, type Vitrine } from '../../src/index.ts';
import { crashableWorkers as workerFactory } from './crashable-workers.ts';
import { makeEngineBundle } from './engine-fixture.ts';

const engines: Vitrine[] = [];
afterEach(async () => {
  while (engines.length) {
    const vitrine = engines.pop()!;
    // Revoking deletes the persisted profile, so later tests start without one.
    await vitrine.consent.set({ personalization: false }).catch(() => undefined);
    vitrine.close();
  }
});

describe('W9: the engine worker dies while events are in flight', () => {
  it('should keep every acknowledged event, reject the others with WORKER_CRASHED, and store none twice', async () => {
    const workers = workerFactory();
    const vitrine = createVitrine({ createWorker: workers.create });
    engines.push(vitrine);
    await vitrine.consent.set({ personalization: true });
    await vitrine.load(makeEngineBundle({ rows: 80, seed: 5 }).bytes);
    const products = Array.from({ length: 60 }, (_, i) => `sku-${i}`);
    const send = (product: string) =>
      vitrine.track({ type: 'view', product }).then(
        () => 'acknowledged',
        (error: { code?: string }) => String(error.code),
      );
    // Half of them answered, the other half posted (a task later) but not answered when the worker dies.
    const outcomes = products.slice(0, 30).map(send);
    await Promise.all(outcomes);
    outcomes.push(...products.slice(30).map(send));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await workers.crash();
    const settled = await Promise.all(outcomes);

    expect(new Set(settled)).toEqual(new Set(settled.filter((o) => o === 'acknowledged' || o === 'WORKER_CRASHED')));
    expect(settled.slice(0, 30).every((o) => o === 'acknowledged')).toBe(true);
    // The crash really came while events were in flight.
    expect(settled).toContain('WORKER_CRASHED');

    // The next call starts a new worker, which reads the stored profile again.
    const stored = (await vitrine.profile.export()).events.map((event) => event.product);
    expect(workers.made).toHaveLength(2);
    // None twice: Vitrine did not send any event again on its own.
    expect(stored.length).toBe(new Set(stored).size);
    // Every acknowledged one is there; an unacknowledged one at most once (it may have been written before the crash).
    products.forEach((product, i) => {
      if (settled[i] === 'acknowledged') expect(stored, product).toContain(product);
    });
    expect(stored.every((product) => products.includes(product!))).toBe(true);
  });
});
