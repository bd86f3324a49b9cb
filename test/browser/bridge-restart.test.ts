/**
 * What a crashed engine worker leaves behind. The worker really throws: the test posts a raw
 * message that comlink's listener in the real engine worker cannot read (`argumentList` is not an
 * array), an uncaught TypeError in the worker that the page sees as an `error` event. Nothing on
 * the page side is faked; the bridge then terminates that worker and the next call starts another.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { EngineBridge } from '../../src/embed/bridge.ts';
import { createVitrine, type Vitrine, type VitrineError } from '../../src/index.ts';
import { CACHE_NAME } from '../../src/worker/bundle-cache.ts';
import { rejection } from '../fixtures/rejection.ts';
import { crashableWorkers as workerFactory } from './crashable-workers.ts';
import { makeEngineBundle } from './engine-fixture.ts';

/** A classic worker that throws on every message: a crash on each call. */
function throwingWorker(made: { count: number }): () => Worker {
  const url = URL.createObjectURL(new Blob(['self.onmessage = () => { throw new Error("boom"); };'], { type: 'text/javascript' }));
  urls.push(url);
  return () => {
    made.count++;
    return new Worker(url);
  };
}

const urls: string[] = [];
const bridges: EngineBridge[] = [];
const engines: Vitrine[] = [];
afterEach(() => {
  while (bridges.length) bridges.pop()!.terminate();
  while (engines.length) engines.pop()!.close();
  while (urls.length) URL.revokeObjectURL(urls.pop()!);
});

describe('EngineBridge restarts', () => {
  it('should run onRestart before a queued call reaches a restarted worker, and not for the first worker', async () => {
    const workers = workerFactory();
    const order: string[] = [];
    const b = new EngineBridge({
      createWorker: workers.create,
      onRestart: async (engine) => {
        order.push('restore:start');
        await engine.status();
        order.push('restore:done');
      },
    });
    bridges.push(b);
    await b.run((engine) => engine.status());
    expect(order).toEqual([]);
    const pending = rejection(b.run(() => new Promise<never>(() => undefined), { label: 'hang' }));
    await workers.crash();
    expect(((await pending) as VitrineError).code).toBe('WORKER_CRASHED');
    await b.run(async (engine) => {
      order.push('call');
      return engine.status();
    });
    expect(order).toEqual(['restore:start', 'restore:done', 'call']);
    expect(workers.made).toHaveLength(2);
    expect(b.restarts).toBe(1);
  });

  it('should reject the calls queued behind a failed onRestart with its error, and let later calls through', async () => {
    const workers = workerFactory();
    let fail = true;
    const b = new EngineBridge({
      createWorker: workers.create,
      onRestart: () => (fail ? Promise.reject(new Error('replay failed')) : Promise.resolve()),
    });
    bridges.push(b);
    const first = rejection(b.run(() => new Promise<never>(() => undefined)));
    await workers.crash();
    await first;
    expect(((await rejection(b.run((engine) => engine.status()))) as Error).message).toBe('replay failed');
    fail = false;
    // Same worker, its replay already settled: later calls are not held by it.
    await expect(b.run((engine) => engine.status())).resolves.toMatchObject({ state: 'idle' });
    expect(workers.made).toHaveLength(2);
  });

  it('W10: should give up for good after maxRestarts crashes within the window, with no further worker', async () => {
    const made = { count: 0 };
    const b = new EngineBridge({ createWorker: throwingWorker(made), maxRestarts: 2, restartWindowMs: 60_000 });
    bridges.push(b);
    for (let i = 0; i < 3; i++) {
      const error = (await rejection(b.run((engine) => engine.status()))) as VitrineError;
      expect(error.details.reason).toBe('error');
    }
    expect(made.count).toBe(3);
    const final = (await rejection(b.run((engine) => engine.status()))) as VitrineError;
    expect(final.code).toBe('WORKER_CRASHED');
    expect(final.details).toMatchObject({ reason: 'crash-loop', crashes: 3 });
    expect(((await rejection(b.ready())) as VitrineError).details.reason).toBe('crash-loop');
    expect(made.count).toBe(3);
  });

  it('should reject with WORKER_CRASHED, not throw, when the Worker cannot even be constructed, and count it as a crash', async () => {
    let attempts = 0;
    // What a CSP or Trusted Types refusal looks like: the constructor throws synchronously.
    const refused = (): Worker => {
      attempts++;
      throw new DOMException('refused by the page policy', 'SecurityError');
    };
    const b = new EngineBridge({ createWorker: refused, maxRestarts: 2, restartWindowMs: 60_000 });
    bridges.push(b);
    for (let i = 0; i < 2; i++) {
      const error = (await rejection(b.run((engine) => engine.status()))) as VitrineError;
      expect(error).toMatchObject({ code: 'WORKER_CRASHED', details: { reason: 'start' } });
      expect(error.message).toContain('refused by the page policy');
    }
    const final = (await rejection(b.run((engine) => engine.status()))) as VitrineError;
    expect(final.details).toMatchObject({ reason: 'crash-loop', crashes: 3 });
    // Given up: no further attempt to construct a worker.
    expect(((await rejection(b.run((engine) => engine.status()))) as VitrineError).details.reason).toBe('crash-loop');
    expect(attempts).toBe(3);
  });

  it('should keep restarting when the crashes are further apart than the window', async () => {
    const made = { count: 0 };
    const b = new EngineBridge({ createWorker: throwingWorker(made), maxRestarts: 1, restartWindowMs: 40 });
    bridges.push(b);
    for (let i = 0; i < 3; i++) {
      expect(((await rejection(b.run((engine) => engine.status()))) as VitrineError).details.reason).toBe('error');
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(made.count).toBe(3);
  });
});

/** Served path, relative to the project root; `*.vtb` is gitignored. */
const FILE = `test/browser/served/restart-${Date.now()}-${Math.floor(Math.random() * 1e6)}.vtb`;
const ABSOLUTE = new URL(`/${FILE}`, document.baseURI).href;

function base64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

afterAll(async () => {
  await commands.removeFile(FILE).catch(() => undefined);
  await (await caches.open(CACHE_NAME)).delete(ABSOLUTE);
});

describe('createVitrine after a worker crash', () => {
  it('W9: should replay consent, reload the URL bundle and read the persisted profile again', async () => {
    await commands.writeFile(FILE, base64(makeEngineBundle({ rows: 40, seed: 7 }).bytes), 'base64');
    const workers = workerFactory();
    const vitrine = createVitrine({ createWorker: workers.create });
    engines.push(vitrine);
    const decidedAt = Date.now() - 5_000;
    try {
      await vitrine.consent.set({ personalization: true }, { source: 'tcf' });
      // Its source and time must survive the restart unchanged (compared below).
      const before = await vitrine.consent.get();
      expect(before).toMatchObject({ personalization: true, measurement: false, source: 'tcf' });
      await vitrine.load(`/${FILE}`);
      await vitrine.track({ type: 'view', product: 'sku-3', time: decidedAt });
      await vitrine.track({ type: 'add_to_cart', product: 'sku-4', price: 12 });
      const expected = await vitrine.recommend({ placement: 'trending', limit: 5 });
      expect((await vitrine.status()).profile?.mode).toBe('persistent');

      await workers.crash();
      expect(workers.made).toHaveLength(1);

      // The first call after the crash: it starts a worker and waits for the replay.
      const after = await vitrine.recommend({ placement: 'trending', limit: 5 });
      expect(workers.made).toHaveLength(2);
      expect(after.bundleVersion).toBe(expected.bundleVersion);
      expect(after.items.map((item) => item.productId)).toEqual(expected.items.map((item) => item.productId));
      const { history: _history, ...decision } = await vitrine.consent.get();
      const { history: _before, ...previous } = before;
      expect(decision).toEqual(previous);
      expect((await vitrine.status()).profile).toMatchObject({ mode: 'persistent', events: 2 });
      expect((await vitrine.profile.export()).events.map((event) => event.product)).toEqual(['sku-3', 'sku-4']);
    } finally {
      // Revoking deletes the persisted profile, so later files start without one.
      await vitrine.consent.set({ personalization: false });
    }
  });

  it('should answer NOT_READY with the reason after a restart when the bundle was a transferred ArrayBuffer, until load() again', async () => {
    const workers = workerFactory();
    const vitrine = createVitrine({ createWorker: workers.create });
    engines.push(vitrine);
    await vitrine.load(makeEngineBundle({ rows: 20, seed: 3 }).bytes);
    await vitrine.recommend({ placement: 'trending' });
    await workers.crash();
    const error = (await rejection(vitrine.recommend({ placement: 'trending' }))) as VitrineError;
    expect(error.code).toBe('NOT_READY');
    expect(error.details.reason).toBe('restarted');
    expect(error.message).toMatch(/ArrayBuffer.*load\(\) again/);
    expect(workers.made).toHaveLength(2);
    expect(((await rejection(vitrine.similar('sku-1'))) as VitrineError).code).toBe('NOT_READY');
    await vitrine.load(makeEngineBundle({ rows: 20, seed: 3 }).bytes);
    expect((await vitrine.recommend({ placement: 'trending' })).items.length).toBeGreaterThan(0);
  });

  it('should configure measurement again in the restarted worker', async () => {
    const workers = workerFactory();
    const vitrine = createVitrine({ createWorker: workers.create, measurementEndpoint: '/stats/restart', measurementIntervalMs: 5_000 });
    engines.push(vitrine);
    await vitrine.consent.set({ measurement: true });
    expect(await vitrine.measurement()).toMatchObject({ active: true, intervalMs: 5_000 });
    await workers.crash();
    expect(workers.made).toHaveLength(1);
    expect(await vitrine.measurement()).toMatchObject({
      active: true,
      endpoint: new URL('/stats/restart', document.baseURI).href,
      intervalMs: 5_000,
    });
  });
});
