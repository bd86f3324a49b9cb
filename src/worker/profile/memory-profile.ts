/**
 * The profile as this tab knows it: raw events by key, per-product aggregates, the overflow count
 * and the records skipped as unreadable. Without persistence it is the whole profile; with
 * persistence it mirrors the database, so reads never wait for IndexedDB. No storage here.
 *
 * Invariants:
 * - Events are keyed by their IndexedDB key, or by a negative key when held only in memory, so the
 *   two never collide.
 * - Only valid events and aggregates get in (records read back are checked in ./transactions.ts).
 * - Events held only in memory get the caps the database applies to its own: past `maxEvents`,
 *   or older than `maxAgeMs`, the oldest are folded into their product's aggregate, never dropped.
 */
import type { StoredEvent } from '../../shared/events.ts';
import { foldEvent, mergeAggregates } from './affinities.ts';
import type { ProfileSettings } from './settings.ts';
import type { ProductAggregate } from './schema.ts';
import type { BatchChange, Snapshot } from './transactions.ts';

/** What moves between the memory profile and the write queue when the store changes mode. */
export interface Unwritten {
  /** Oldest first. */
  events: StoredEvent[];
  aggregates: ProductAggregate[];
}

export class MemoryProfile {
  readonly #settings: ProfileSettings;
  #events = new Map<number, StoredEvent>();
  /** Next key of an event held only in memory. */
  #memoryKey = -1;
  readonly #aggregates = new Map<string, ProductAggregate>();
  #overflow = 0;
  /** Keys of stored records skipped as corrupt or from the future (a Set: re-reads count once). */
  readonly #skipped = new Set<string>();

  constructor(settings: ProfileSettings) {
    this.#settings = settings;
  }

  /** Raw events held. */
  get size(): number {
    return this.#events.size;
  }

  /** Events moved out of the raw log because the count cap was reached. */
  get overflow(): number {
    return this.#overflow;
  }

  get skippedRecords(): number {
    return this.#skipped.size;
  }

  events(): IterableIterator<StoredEvent> {
    return this.#events.values();
  }

  aggregates(): IterableIterator<ProductAggregate> {
    return this.#aggregates.values();
  }

  /** Holds events recorded while not persistent, then applies the caps once (a burst sorts once per batch, not per event). */
  hold(events: readonly StoredEvent[]): void {
    for (const event of events) this.#events.set(this.#memoryKey--, event);
    this.#compact();
  }

  /** Counts a stored record that could not be used (`store:key`). */
  skip(key: string): void {
    this.#skipped.add(key);
  }

  /** Applies one committed batch (this tab's or another tab's) to the mirror; idempotent. */
  apply(change: BatchChange): void {
    for (const key of change.removed) this.#events.delete(key);
    for (const [key, event] of change.added) this.#events.set(key, event);
    for (const aggregate of change.aggregates) this.#aggregates.set(aggregate.product, aggregate);
    this.#overflow = Math.max(this.#overflow, change.overflow);
  }

  /** Replaces the mirror with what the database holds. */
  replace(snapshot: Snapshot): void {
    this.#events = new Map(snapshot.events);
    this.#aggregates.clear();
    for (const aggregate of snapshot.aggregates) this.#aggregates.set(aggregate.product, aggregate);
    for (const key of snapshot.skipped) this.#skipped.add(key);
    this.#overflow = snapshot.overflow;
  }

  /** Removes one product's events and aggregate. */
  forget(productId: string): void {
    for (const [key, event] of this.#events) if (event.product === productId) this.#events.delete(key);
    this.#aggregates.delete(productId);
  }

  clear(): void {
    this.#events = new Map();
    this.#aggregates.clear();
    this.#overflow = 0;
    this.#skipped.clear();
  }

  /** Persistence starts: gives up the events and aggregates for the first write (counts stay). */
  handOver(): Unwritten {
    const unwritten = { events: [...this.#events.values()].sort((a, b) => a.time - b.time), aggregates: [...this.#aggregates.values()] };
    this.#events = new Map();
    this.#aggregates.clear();
    return unwritten;
  }

  /** Persistence ends: what was not written yet comes back into memory, nothing is lost. */
  takeBack({ events, aggregates }: Unwritten): void {
    for (const event of events) this.#events.set(this.#memoryKey--, event);
    const { now, halfLifeMs } = this.#settings;
    const time = now();
    for (const mine of aggregates) {
      const held = this.#aggregates.get(mine.product);
      this.#aggregates.set(mine.product, held ? mergeAggregates(held, mine, time, halfLifeMs) : mine);
    }
    this.#compact();
  }

  /** Applies the caps (the same rules `writeBatch` applies in the database). */
  #compact(): void {
    const { now: clock, maxEvents, maxAgeMs, halfLifeMs, resolveProduct } = this.#settings;
    const now = clock();
    const cutoff = now - maxAgeMs;
    if (this.#events.size <= maxEvents && !this.#hasOlderThan(cutoff)) return;
    const oldestFirst = [...this.#events].sort((a, b) => a[1].time - b[1].time);
    let drop = 0;
    let overflow = 0;
    while (drop < oldestFirst.length) {
      const [key, event] = oldestFirst[drop]!;
      const over = oldestFirst.length - drop > maxEvents;
      if (!over && event.time >= cutoff) break;
      // Expiry by age is the normal life of an event; only the cap's removals are overflow.
      if (over && event.time >= cutoff) overflow++;
      if (event.product !== undefined) {
        const folded = foldEvent(this.#aggregates.get(event.product), event, resolveProduct(event.product), now, halfLifeMs);
        if (folded) this.#aggregates.set(event.product, folded);
      }
      this.#events.delete(key);
      drop++;
    }
    this.#overflow += overflow;
  }

  #hasOlderThan(cutoff: number): boolean {
    for (const event of this.#events.values()) if (event.time < cutoff) return true;
    return false;
  }
}
