/**
 * What waits to be written to IndexedDB, and the queue that writes it one transaction at a time:
 * `add()` holds an event and starts a short timer; when it fires, `flush()` runs the store's
 * `writeNext` step (one batch, one transaction) on the queue.
 *
 * Invariants:
 * - Every `add()` promise resolves, never rejects: when its batch is done with (written, or given
 *   up because storage failed), or when the store takes the event back (`drain`) or drops it (`clear`).
 * - Tasks given to `run()` (batches, `delete()`, `forget()`) run one at a time, in order; a failed
 *   task does not stop the ones after it.
 * - A batch leaves the queue only through `written()`, which removes exactly its events: events
 *   added meanwhile stay queued.
 */
import type { StoredEvent } from '../../shared/events.ts';
import type { Unwritten } from './memory-profile.ts';
import type { ProductAggregate } from './schema.ts';

/** Writes are gathered for this long, then committed in one transaction. */
export const FLUSH_DELAY_MS = 20;
/** Most events written by one transaction; a burst becomes several short transactions, so no task runs long. */
export const MAX_BATCH = 500;

interface Queued {
  event: StoredEvent;
  /** Resolves the `add()` call; absent for events handed over from memory (nobody waits on them). */
  done?: () => void;
}

/** What one write takes: the oldest queued events, and the carried aggregates. */
export interface Batch {
  readonly events: StoredEvent[];
  readonly aggregates: readonly ProductAggregate[];
  /** Resolves the `add()` calls of these events (they are written, or storage gave up on them). */
  release(): void;
}

export class WriteQueue {
  readonly #writeNext: () => Promise<void>;
  #queued: Queued[] = [];
  /** Aggregates built in memory before persistence, merged into the database by the next batch. */
  #carried: ProductAggregate[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Tail of the task queue. */
  #tail: Promise<unknown> = Promise.resolve();

  /** `writeNext` writes one batch (`next()`); it runs on the queue. */
  constructor(writeNext: () => Promise<void>) {
    this.#writeNext = writeNext;
  }

  /** Events waiting to be written. */
  get size(): number {
    return this.#queued.length;
  }

  events(): StoredEvent[] {
    return this.#queued.map((queued) => queued.event);
  }

  /** Queues events; resolves once they are written (or storage gave up on them). */
  add(events: readonly StoredEvent[]): Promise<void> {
    const written = Promise.all(events.map((event) => new Promise<void>((done) => this.#queued.push({ event, done }))));
    this.schedule();
    return written.then(() => undefined);
  }

  /** Persistence starts: the memory profile's events go first, its aggregates with the next batch. */
  adopt({ events, aggregates }: Unwritten): void {
    this.#queued.unshift(...events.map((event) => ({ event })));
    this.#carried = aggregates;
  }

  /** The oldest events (at most `MAX_BATCH`) and the carried aggregates; they stay queued until `written()`. Null when nothing waits. */
  next(): Batch | null {
    if (this.#queued.length === 0 && this.#carried.length === 0) return null;
    const batch = this.#queued.slice(0, MAX_BATCH);
    return { events: batch.map((queued) => queued.event), aggregates: this.#carried, release: () => release(batch) };
  }

  /** The batch is committed: it leaves the queue and its `add()` calls resolve. */
  written(batch: Batch): void {
    this.#queued.splice(0, batch.events.length);
    this.#carried = [];
    batch.release();
  }

  /** Persistence ends: everything unwritten goes back (to memory), every `add()` resolves. */
  drain(): Unwritten {
    const unwritten = { events: this.events(), aggregates: this.#carried };
    this.clear();
    return unwritten;
  }

  /** Drops everything unwritten; every `add()` resolves. */
  clear(): void {
    const queued = this.#queued;
    this.#queued = [];
    this.#carried = [];
    release(queued);
  }

  /** Flushes after `FLUSH_DELAY_MS`, gathering what is added meanwhile (one timer at a time). */
  schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  stopTimer(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Writes the next batch, after the tasks already queued. */
  flush(): Promise<void> {
    return this.run(this.#writeNext);
  }

  /** Flushes at once instead of waiting for the timer. */
  flushNow(): Promise<void> {
    this.stopTimer();
    return this.flush();
  }

  /** Runs `task` after every task queued before it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => {});
    return run;
  }
}

function release(queued: readonly Queued[]): void {
  for (const { done } of queued) done?.();
}
