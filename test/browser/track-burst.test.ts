/**
 * `track()` under a burst (issue 12 failure 6; the persisted side, RELIABILITY S13, is in
 * test/e2e/track-burst.spec.ts): every call settles with a true outcome, the worker hears one
 * message per batch, the memory profile never holds more than its cap, and what was dropped is
 * counted. A real engine worker in Chromium, no consent (memory profile).
 */
import { describe, expect, it } from 'vitest';
import type { TrackOutcome } from '../../src/index.ts';
import { MAX_QUEUED_EVENTS, TRACK_BATCH } from '../../src/embed/track-queue.ts';
import { startModuleWorker } from '../../src/embed/worker-start.ts';
import engineWorkerUrl from '../../src/worker/index.ts?worker&url';
import { enginesClosedAfterEach } from './engine-fixture.ts';
import { readRaw, store, uniqueDbName } from './profile-helpers.ts';
import { validateEvent } from '../../src/shared/events.ts';

const engine = enginesClosedAfterEach();

/** The engine worker, counting the calls the page posts to it. */
function countedWorker(): { createWorker: () => Worker; calls: () => number } {
  let calls = 0;
  return {
    createWorker: () => {
      const worker = startModuleWorker(engineWorkerUrl);
      const post = worker.postMessage.bind(worker) as (message: unknown, transfer: Transferable[]) => void;
      worker.postMessage = (message: unknown, transfer?: unknown) => {
        calls++;
        post(message, (transfer as Transferable[] | undefined) ?? []);
      };
      return worker;
    },
    calls: () => calls,
  };
}

/** Tallies outcomes: recorded, dropped (by reason) and rejected (by code). */
async function tally(calls: Promise<TrackOutcome>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const add = (key: string): void => void (counts[key] = (counts[key] ?? 0) + 1);
  await Promise.all(
    calls.map((call) =>
      call.then(
        (outcome) => add(outcome.recorded ? 'recorded' : `dropped:${outcome.reason}`),
        (error: { name?: string; code?: unknown }) => add(`rejected:${error.name === 'VitrineError' ? String(error.code) : error.name}`),
      ),
    ),
  );
  return counts;
}

describe('track() in a burst', () => {
  it('should resolve every call of a 20,000-event loop: the first 10,000 recorded, the rest dropped as queue-full, none timed out', async () => {
    const vitrine = engine({ profileLimits: { maxEvents: 5000 } });
    const calls: Promise<TrackOutcome>[] = [];
    for (let i = 0; i < 2 * MAX_QUEUED_EVENTS; i++) calls.push(vitrine.track({ type: 'view', product: `sku-${i % 40}` }));
    expect(await tally(calls)).toEqual({ recorded: MAX_QUEUED_EVENTS, 'dropped:queue-full': MAX_QUEUED_EVENTS });
    const { profile } = await vitrine.status();
    // The cap applied on the way in: what it moved out is overflow, what the queue refused is dropped.
    expect(profile).toMatchObject({ events: 5000, overflow: MAX_QUEUED_EVENTS - 5000, dropped: MAX_QUEUED_EVENTS });
  });

  it('should send one message per batch of events, not one per event', async () => {
    const counted = countedWorker();
    const vitrine = engine({ createWorker: counted.createWorker });
    await vitrine.status();
    const before = counted.calls();
    const calls: Promise<TrackOutcome>[] = [];
    for (let i = 0; i < 5 * TRACK_BATCH; i++) calls.push(vitrine.track({ type: 'view', product: `sku-${i % 7}` }));
    expect(await tally(calls)).toEqual({ recorded: 5 * TRACK_BATCH });
    expect(counted.calls() - before).toBe(5);
  });

  it('should keep the memory profile within its cap while the burst drains, and answer status() meanwhile', async () => {
    const vitrine = engine({ profileLimits: { maxEvents: 300 } });
    const calls: Promise<TrackOutcome>[] = [];
    for (let i = 0; i < 4000; i++) calls.push(vitrine.track({ type: 'view', product: `sku-${i % 11}` }));
    const seen: number[] = [];
    const all = tally(calls);
    let done = false;
    void all.then(() => (done = true));
    while (!done) seen.push((await vitrine.status()).profile!.events);
    expect(await all).toEqual({ recorded: 4000 });
    expect(Math.max(...seen)).toBeLessThanOrEqual(300);
    expect((await vitrine.status()).profile).toMatchObject({ events: 300, overflow: 3700, dropped: 0 });
  });

  it('should reject only the malformed event of a batch, recording the others', async () => {
    const vitrine = engine();
    const calls = [
      vitrine.track({ type: 'view', product: 'sku-1' }),
      vitrine.track({ type: 'view' }),
      vitrine.track({ type: 'search', query: 'red dress' }),
    ];
    expect(await tally(calls)).toEqual({ recorded: 2, 'rejected:INVALID_EVENT': 1 });
    expect((await vitrine.status()).profile!.events).toBe(2);
  });

  it('should reject an aborted call with the abort reason and not send its event', async () => {
    const vitrine = engine();
    const controller = new AbortController();
    const aborted = vitrine.track({ type: 'view', product: 'sku-1' }, { signal: controller.signal });
    controller.abort();
    const kept = vitrine.track({ type: 'view', product: 'sku-2' });
    expect(await tally([aborted, kept])).toEqual({ recorded: 1, 'rejected:AbortError': 1 });
    expect((await vitrine.status()).profile!.events).toBe(1);
  });

  it('should resolve an event recorded while the database opens only once it is written there', async () => {
    const dbName = uniqueDbName();
    const s = store({ dbName });
    const opening = s.enablePersistence();
    // Recorded while the open runs: held in memory, then moved in with the first batch.
    await s.record(validateEvent({ type: 'view', product: 'p1' }, Date.now()));
    expect(s.status().mode).toBe('persistent');
    const stored = await readRaw<{ product: string }>(dbName, 'events');
    expect(stored.map((event) => event.product)).toEqual(['p1']);
    await opening;
  });

  it('should reject the calls of a batch whose worker died with WORKER_CRASHED, and send later ones to a new worker', async () => {
    let started = 0;
    const vitrine = engine({
      createWorker: () =>
        started++ === 0
          ? new Worker(URL.createObjectURL(new Blob(["throw new Error('the engine worker died on start');"])))
          : startModuleWorker(engineWorkerUrl),
    });
    const first = Array.from({ length: 3 }, () => vitrine.track({ type: 'view', product: 'sku-1' }));
    expect(await tally(first)).toEqual({ 'rejected:WORKER_CRASHED': 3 });
    expect(await tally([vitrine.track({ type: 'view', product: 'sku-2' })])).toEqual({ recorded: 1 });
    expect((await vitrine.status()).profile!.events).toBe(1);
  });
});
