import { afterEach, describe, expect, it } from 'vitest';
import { EngineBridge } from '../../src/embed/bridge.ts';
import { isVitrineError, type VitrineError } from '../../src/shared/errors.ts';
import { WorkerMessageType } from '../../src/shared/worker-ready.ts';
import { rejection } from '../fixtures/rejection.ts';

const urls: string[] = [];
const bridges: EngineBridge[] = [];

/** A classic worker from source text, counted by `made`. */
function scriptWorker(source: string, made: { count: number } = { count: 0 }): () => Worker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  urls.push(url);
  return () => {
    made.count++;
    return new Worker(url);
  };
}

function bridge(createWorker?: () => Worker, timeoutMs?: number): EngineBridge {
  const b = new EngineBridge({ createWorker, timeoutMs });
  bridges.push(b);
  return b;
}

afterEach(() => {
  while (bridges.length) bridges.pop()!.terminate();
  while (urls.length) URL.revokeObjectURL(urls.pop()!);
});

/** Worker that never answers comlink calls. */
const SILENT = 'self.onmessage = () => {};';
/** Worker that throws on the first message it gets. */
const THROWS = 'self.onmessage = () => { throw new Error("boom in worker"); };';

describe('EngineBridge', () => {
  it('should start the worker lazily, on the first call, and only once', async () => {
    const made = { count: 0 };
    const b = bridge(scriptWorker(SILENT, made), 50);
    expect(b.started).toBe(false);
    expect(made.count).toBe(0);
    await rejection(b.run((engine) => engine.status()));
    await rejection(b.run((engine) => engine.status()));
    expect(b.started).toBe(true);
    expect(made.count).toBe(1);
  });

  it('should reject a call that misses its deadline with TIMEOUT naming the call', async () => {
    const b = bridge(scriptWorker(SILENT), 10_000);
    const error = (await rejection(b.run((engine) => engine.status(), { timeoutMs: 30, label: 'status' }))) as VitrineError;
    expect(error.code).toBe('TIMEOUT');
    expect(error.details).toMatchObject({ method: 'status', timeoutMs: 30 });
  });

  it('W9: should reject every pending call with WORKER_CRASHED when the worker throws, then start a new worker', async () => {
    const made = { count: 0 };
    const b = bridge(scriptWorker(THROWS, made), 5_000);
    const calls = [b.run((engine) => engine.status()), b.run((engine) => engine.recommend({ placement: 'trending' }))];
    const errors = (await Promise.all(calls.map(rejection))) as VitrineError[];
    for (const error of errors) {
      expect(isVitrineError(error)).toBe(true);
      expect(error.code).toBe('WORKER_CRASHED');
      expect(error.details.reason).toBe('error');
    }
    expect(b.started).toBe(false);
    await rejection(b.run((engine) => engine.status()));
    expect(made.count).toBe(2);
  });

  it('should reject with the abort reason when the signal aborts, and at once when already aborted', async () => {
    const b = bridge(scriptWorker(SILENT), 10_000);
    const controller = new AbortController();
    const pending = rejection(b.run((engine) => engine.status(), { signal: controller.signal }));
    controller.abort();
    const error = (await pending) as DOMException;
    expect(error.name).toBe('AbortError');
    const again = (await rejection(b.run((engine) => engine.status(), { signal: controller.signal }))) as DOMException;
    expect(again.name).toBe('AbortError');
    const custom = new AbortController();
    custom.abort(new Error('navigated away'));
    expect(((await rejection(b.run((engine) => engine.status(), { signal: custom.signal }))) as Error).message).toBe('navigated away');
  });

  it('should reject pending and later calls after terminate(), and stop the worker', async () => {
    const b = bridge(scriptWorker(SILENT), 10_000);
    const pending = rejection(b.run((engine) => engine.status()));
    b.terminate();
    expect(((await pending) as VitrineError).details.reason).toBe('closed');
    const later = (await rejection(b.run((engine) => engine.status()))) as VitrineError;
    expect(later.code).toBe('WORKER_CRASHED');
    expect(b.started).toBe(false);
    b.terminate(); // twice is fine
  });

  it('should resolve ready() only when the worker announces itself', async () => {
    const silent = bridge(scriptWorker(SILENT), 10_000);
    expect(((await rejection(silent.ready({ timeoutMs: 100 }))) as VitrineError).code).toBe('TIMEOUT');
    const announces = bridge(scriptWorker(`postMessage({ type: '${WorkerMessageType.Ready}', protocol: 1 });`), 10_000);
    await expect(announces.ready({ timeoutMs: 2_000 })).resolves.toBeUndefined();
  });

  it('should talk to the real engine worker', async () => {
    const b = bridge();
    await b.ready();
    const status = await b.run((engine) => engine.status());
    expect(status).toMatchObject({ state: 'idle', bundle: null, lastError: null });
  });
});
