/**
 * `track()` on the page: events wait in a bounded queue and reach the worker in batches, one message
 * per batch and one batch at a time, so a burst costs a few messages and one deadline per batch
 * instead of a round trip and a timer per event, and the worker writes each batch in one
 * transaction. The batch in flight is the back-pressure: while the worker writes, new events wait
 * here, and past `MAX_QUEUED_EVENTS` they are dropped and counted rather than held without bound.
 *
 * Each call settles with what became of its event, so a caller never has to guess (and a retry
 * never counts an event twice):
 * - `{ recorded: true }` once the worker has it in the profile;
 * - `{ recorded: false, reason: 'queue-full' }` at once when the queue is full (counted in `dropped`);
 * - a rejection only when the event was not recorded by this call's doing: `INVALID_EVENT` (malformed),
 *   the signal's abort reason, or the engine's own failure (`WORKER_CRASHED`, `TIMEOUT` when the worker
 *   did not answer the batch in time).
 */
import { VitrineError } from '../shared/errors.ts';
import { pickEventFields, type TrackEvent, type TrackOutcome } from '../shared/events.ts';
import type { EngineBridge } from './bridge.ts';
import type { CallControl } from './page-methods.ts';

/** Events that may wait on the page (queued or in the batch on its way); past it, `track()` drops. */
export const MAX_QUEUED_EVENTS = 10_000;
/** Most events one message to the worker carries (the worker writes them in one transaction). */
export const TRACK_BATCH = 500;

interface Waiting {
  event: TrackEvent;
  /** When `track()` was called (system clock): the worker drops what a deletion overtook. */
  at: number;
  timeoutMs: number | undefined;
  /** Set once the call settled (answered, failed or aborted); an aborted call is not sent. */
  settled: boolean;
  resolve(outcome: TrackOutcome): void;
  reject(reason: unknown): void;
}

export interface TrackQueue {
  track(event: TrackEvent, options?: CallControl): Promise<TrackOutcome>;
  /** Events dropped because the queue was full, since this engine was created. */
  readonly dropped: number;
}

export function createTrackQueue(bridge: EngineBridge): TrackQueue {
  const queued: Waiting[] = [];
  /** Events of the batch on its way (sent, not answered yet). */
  let inFlight = 0;
  let draining = false;
  let dropped = 0;

  /** Sends the queue batch by batch, each after the previous one was answered. */
  const drain = async (): Promise<void> => {
    while (queued.length) {
      const batch = queued.splice(0, TRACK_BATCH).filter((waiting) => !waiting.settled);
      if (!batch.length) continue;
      inFlight = batch.length;
      // The batch keeps the shortest deadline one of its calls asked for.
      const deadline = Math.min(...batch.map(({ timeoutMs }) => timeoutMs ?? Infinity));
      try {
        const refused = await bridge.run(
          (engine) =>
            engine.trackBatch(
              batch.map(({ event }) => event),
              batch.map(({ at }) => at),
            ),
          {
            label: 'track',
            timeoutMs: deadline < Infinity ? deadline : undefined,
          },
        );
        batch.forEach((waiting, i) => {
          const error = refused[i];
          if (error) waiting.reject(VitrineError.fromJSON(error));
          else waiting.resolve({ recorded: true });
        });
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
      inFlight = 0;
    }
    draining = false;
  };

  return {
    get dropped() {
      return dropped;
    },
    track(event, options) {
      // Everything below runs inside the executor: a bad argument rejects, never throws into the page.
      return new Promise<TrackOutcome>((resolve, reject) => {
        const { signal, timeoutMs } = options ?? {};
        // Only known fields, as plain data: a function or DOM node would otherwise fail the whole
        // batch as an opaque DataCloneError.
        const picked = pickEventFields(event);
        if (signal?.aborted) return reject(signal.reason);
        if (queued.length + inFlight >= MAX_QUEUED_EVENTS) {
          dropped++;
          return resolve({ recorded: false, reason: 'queue-full' });
        }
        const settle = (finish: () => void): void => {
          if (waiting.settled) return;
          waiting.settled = true;
          signal?.removeEventListener('abort', onAbort);
          finish();
        };
        const onAbort = (): void => settle(() => reject(signal?.reason));
        const waiting: Waiting = {
          event: picked,
          at: Date.now(),
          timeoutMs,
          settled: false,
          resolve: (outcome) => settle(() => resolve(outcome)),
          reject: (reason) => settle(() => reject(reason)),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queued.push(waiting);
        // Everything tracked in this task leaves together, in call order, once the task is done.
        if (!draining) {
          draining = true;
          queueMicrotask(() => void drain());
        }
      });
    },
  };
}
