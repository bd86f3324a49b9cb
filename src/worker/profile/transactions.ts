/**
 * Every IndexedDB transaction of the profile store, and the checks on records read back.
 *
 * Invariants:
 * - A transaction awaits only its own IDB requests (idb README, "Transaction lifetime"). The
 *   product resolver is not IDB work, but a synchronous lookup in the loaded bundle: it is called
 *   between requests (once per product and batch) and never awaited. The caller applies the
 *   result to the memory profile after commit.
 * - Events, aggregates, session and counters of one batch change in one transaction, so a batch is
 *   all-or-nothing and concurrent tabs serialise on it (exact totals, no lost update).
 * - A record that is corrupt or written by a newer build is never used: it is counted (`skip`)
 *   and, unless compaction removes it, left as it is for the build that can read it.
 */
import type { IDBPDatabase } from 'idb';
import { validateEvent, type StoredEvent } from '../../shared/events.ts';
import { DAY_MS, foldEvent, mergeAggregates, validAggregate, type ResolveProduct } from './affinities.ts';
import type { ProfileSettings } from './settings.ts';
import { ALL_STORES, RECORD_VERSION, type EventRecord, type ProductAggregate, type ProfileDB } from './schema.ts';

/** One committed batch, as every tab applies it to its mirror (no database read needed). */
export interface BatchChange {
  added: [key: number, event: StoredEvent][];
  removed: number[];
  aggregates: ProductAggregate[];
  /** The stored overflow counter after the batch. */
  overflow: number;
}

/** What a batch needs besides its events and the settings, read by the caller before the transaction starts. */
export interface BatchContext {
  /** Aggregates built in memory before persistence was enabled: merged into the stored ones. */
  carried: readonly ProductAggregate[];
  /** Raw events the log may keep: the cap, or half of what is held to free space after a quota error. */
  keep: number;
  /** Counts a record that cannot be used (`store:key`). */
  skip(key: string): void;
}

/** The database's content, checked: what the mirror is replaced with. */
export interface Snapshot {
  events: [key: number, event: StoredEvent][];
  aggregates: ProductAggregate[];
  overflow: number;
  /** Records skipped as corrupt or from a newer build (`store:key`). */
  skipped: string[];
}

/** A failed write transaction, with whether the quota was the reason. */
export class WriteFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly quota: boolean,
  ) {
    super((cause as { message?: string } | null)?.message ?? String(cause));
    this.name = (cause as { name?: string } | null)?.name ?? 'Error';
  }
}

/** The transaction had committed already when a request was made: something was awaited inside it (S7). */
export function isInactive(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TransactionInactiveError';
}

export function isQuota(error: unknown, txError: DOMException | null | undefined): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  // Chromium reports quota at commit: the transaction's error is QuotaExceededError and pending
  // requests fail with AbortError (Dexie#776), so look at both.
  return name === 'QuotaExceededError' || txError?.name === 'QuotaExceededError';
}

/**
 * One transaction: add the batch, fold what exceeds the caps into `derived`, bump the counters,
 * touch the session. Resolves after commit with the change; rejects with a `WriteFailure`.
 */
export async function writeBatch(
  db: IDBPDatabase<ProfileDB>,
  batch: readonly StoredEvent[],
  { carried, keep, skip }: BatchContext,
  settings: ProfileSettings,
): Promise<BatchChange> {
  const { halfLifeMs, resolveProduct } = settings;
  const now = settings.now();
  const cutoff = now - settings.maxAgeMs;
  // Each product is looked up once per batch.
  const infos = new Map<string, ReturnType<ResolveProduct>>();
  const info = (id: string): ReturnType<ResolveProduct> => {
    if (!infos.has(id)) infos.set(id, resolveProduct(id));
    return infos.get(id)!;
  };
  // A purchase must survive a crash right after `record()` resolved (S14): flushed to disk before
  // the commit is reported. Other batches keep the browser's default.
  const durability = batch.some((event) => event.type === 'purchase') ? 'strict' : 'default';
  const tx = db.transaction(['events', 'derived', 'meta', 'session'], 'readwrite', { durability });
  // Every request of an aborted transaction rejects; the one failure that matters is read from
  // the awaited requests and `tx.error` below, the rest must not surface as unhandled rejections.
  const settle = (request: Promise<unknown>): void => void request.catch(() => {});
  settle(tx.done);
  try {
    const events = tx.objectStore('events');
    const derived = tx.objectStore('derived');
    const meta = tx.objectStore('meta');
    const adds = batch.map((event) => events.add({ ...event, v: RECORD_VERSION }));
    for (const add of adds) settle(add);
    if (import.meta.env.MODE === 'test') {
      if (settings.faults.delayInsideTx) await new Promise((resolve) => setTimeout(resolve, 0));
      if (settings.faults.terminateAfterPut?.()) for (;;) await events.count();
    }
    const touched = new Map<string, ProductAggregate | undefined>();
    const aggregate = async (id: string): Promise<ProductAggregate | undefined> => {
      if (!touched.has(id)) touched.set(id, validAggregate(await derived.get(id)) ?? undefined);
      return touched.get(id);
    };
    for (const mine of carried) {
      const stored = await aggregate(mine.product);
      touched.set(mine.product, stored ? mergeAggregates(stored, mine, now, halfLifeMs) : mine);
    }
    // The oldest records go: as many as the cap needs, and at least all that are too old.
    const byTime = events.index('by-time');
    const count = await events.count();
    const aged = await byTime.count(IDBKeyRange.upperBound(cutoff, true));
    const excess = Math.max(0, count - keep);
    const oldest = excess || aged ? await byTime.getAll(null, Math.max(excess, aged)) : [];
    const overflow = Math.max(0, excess - aged);
    const removed: number[] = [];
    for (const record of oldest) {
      const valid = eventOf(record, now);
      if (!valid) skip(`events:${String(record.id)}`);
      else if (valid.product !== undefined) {
        touched.set(valid.product, foldEvent(await aggregate(valid.product), valid, info(valid.product), now, halfLifeMs));
      }
      settle(events.delete(record.id!));
      removed.push(record.id!);
    }
    const aggregates: ProductAggregate[] = [];
    for (const value of touched.values()) {
      if (!value) continue;
      settle(derived.put(value));
      aggregates.push(value);
    }
    const counters = await meta.get('counters');
    const total = (counters?.v === RECORD_VERSION && Number.isFinite(counters.overflow) ? counters.overflow : 0) + overflow;
    settle(meta.put({ key: 'counters', v: RECORD_VERSION, overflow: total }));
    const session = await tx.objectStore('session').get('current');
    settle(tx.objectStore('session').put({ key: 'current', v: RECORD_VERSION, startedAt: session?.startedAt ?? now, updatedAt: now }));
    const keys = await Promise.all(adds);
    await tx.done;
    return { added: keys.map((key, i) => [key, batch[i]!]), removed, aggregates, overflow: total };
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: its error is what we report.
    }
    // Committed although requests were still to come (the later ones throw TransactionInactiveError
    // or, once it finished, InvalidStateError): something was awaited inside it (S7). The write path
    // awaits nothing but its own requests, so only the tests' injected delay can get here: the
    // detector guards them and is compiled out of production builds.
    if (
      import.meta.env.MODE === 'test' &&
      (await tx.done.then(
        () => true,
        () => false,
      ))
    ) {
      throw new WriteFailure({ name: 'TransactionInactiveError', message: 'committed early' }, false);
    }
    throw new WriteFailure(error, isQuota(error, tx.error));
  }
}

/** Reads everything the mirror holds, skipping (and naming) the records that cannot be used; `now` is the engine clock. */
export async function readSnapshot(db: IDBPDatabase<ProfileDB>, now: number): Promise<Snapshot> {
  const tx = db.transaction(['events', 'derived', 'meta'], 'readonly');
  const [records, derived, counters] = await Promise.all([
    tx.objectStore('events').getAll(),
    tx.objectStore('derived').getAll(),
    tx.objectStore('meta').get('counters'),
    tx.done,
  ]);
  const snapshot: Snapshot = { events: [], aggregates: [], overflow: counters?.overflow ?? 0, skipped: [] };
  for (const record of records) {
    const event = eventOf(record, now);
    if (event) snapshot.events.push([record.id!, event]);
    else snapshot.skipped.push(`events:${String((record as { id?: unknown }).id)}`);
  }
  for (const value of derived as unknown[]) {
    const aggregate = validAggregate(value);
    if (aggregate) snapshot.aggregates.push(aggregate);
    else snapshot.skipped.push(`derived:${String((value as { product?: unknown } | null)?.product)}`);
  }
  return snapshot;
}

/** Empties every store (`delete()`, before the database itself is deleted). */
export async function clearProfile(db: IDBPDatabase<ProfileDB>): Promise<void> {
  const tx = db.transaction(ALL_STORES, 'readwrite');
  await Promise.all([...ALL_STORES.map((name) => tx.objectStore(name).clear()), tx.done]);
}

/**
 * How far past the clock a stored time may be. Far more than `track()` allows: a clock set back (a
 * day, a month) must not make the visit's own records unreadable; a time no Date can hold is refused.
 */
const STORED_FUTURE_SLACK_MS = 365 * DAY_MS;

/** A stored record as an event, or null when it is corrupt (a time out of range too) or written by a newer build. */
function eventOf(record: unknown, now: number): StoredEvent | null {
  if (typeof record !== 'object' || record === null || (record as EventRecord).v !== RECORD_VERSION) return null;
  const time = (record as EventRecord).time;
  if (typeof time !== 'number') return null;
  try {
    return validateEvent(record, time, now + STORED_FUTURE_SLACK_MS);
  } catch {
    // Not silent: the caller counts the record in `skippedRecords`.
    return null;
  }
}
