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
  timeoutMs: number | undefined;
  /** Settles the call once; later settlements (an answer after an abort) are ignored. */
  settle: (finish: () => void) => void;
  resolve: (outcome: TrackOutcome) => void;
  reject: (reason: unknown) => void;
  settled: boolean;
}

export interface TrackQueue {
  track(event: TrackEvent, options?: CallControl): Promise<TrackOutcome>;
  /** Events dropped because the queue was full, since the page loaded. */
  readonly dropped: number;
}

export function createTrackQueue(bridge: EngineBridge): TrackQueue {
  const queued: Waiting[] = [];
  /** Events sent and not answered yet. */
  let sent = 0;
  let draining = false;
  let dropped = 0;

  /** Sends the queue batch by batch, each after the previous one was answered. */
  const drain = async (): Promise<void> => {
    while (queued.length) {
      // Calls aborted while they waited are not sent.
      const batch = queued.splice(0, TRACK_BATCH).filter((waiting) => !waiting.settled);
      sent = batch.length;
      const deadlines = batch.flatMap(({ timeoutMs }) => (timeoutMs === undefined ? [] : [timeoutMs]));
      try {
        const refused = await bridge.run((engine) => engine.trackBatch(batch.map(({ event }) => event)), {
          label: 'track',
          timeoutMs: deadlines.length ? Math.min(...deadlines) : undefined,
        });
        batch.forEach(({ resolve, reject }, i) => {
          const error = refused[i];
          if (error) reject(VitrineError.fromJSON(error));
          else resolve({ recorded: true });
        });
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
      sent = 0;
    }
    draining = false;
  };

  return {
    get dropped() {
      return dropped;
    },
    track(event, { signal, timeoutMs } = {}) {
      return new Promise<TrackOutcome>((resolve, reject) => {
        // Only known fields, as plain data: a function or DOM node would otherwise fail the batch
        // as an opaque DataCloneError. A throw here rejects this call alone.
        const picked = pickEventFields(event);
        if (signal?.aborted) return reject(signal.reason);
        if (queued.length + sent >= MAX_QUEUED_EVENTS) {
          dropped++;
          return resolve({ recorded: false, reason: 'queue-full' });
        }
        const onAbort = (): void => waiting.reject(signal?.reason);
        const waiting: Waiting = {
          event: picked,
          timeoutMs,
          settled: false,
          settle(finish) {
            if (waiting.settled) return;
            waiting.settled = true;
            signal?.removeEventListener('abort', onAbort);
            finish();
          },
          resolve: (outcome) => waiting.settle(() => resolve(outcome)),
          reject: (reason) => waiting.settle(() => reject(reason)),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queued.push(waiting);
        // Everything tracked in this task goes together, in call order.
        if (!draining) {
          draining = true;
          queueMicrotask(() => void drain());
        }
      });
    },
  };
}
