/**
 * The visitor's view of their profile: `export()` as readable JSON (titles and ISO dates, not only
 * ids) and `summary()` in plain English words, structured so a privacy panel can render it.
 */
import type { ErrorCode } from '../../shared/errors.ts';
import type { ProfileStatus } from '../../shared/request.ts';
import type { StoredEvent } from '../../shared/events.ts';
import type { ExportedArm, ExportedPreference, ProfileExport, ProfileSummary, SummarySection } from '../../shared/profile-export.ts';
import { priceLevelRange, type Affinities, type ResolveProduct } from './affinities.ts';
import type { IDBPDatabase } from 'idb';
import type { ProductAggregate, ProfileDB } from './schema.ts';

/** Number of preferences per dimension in summaries. */
const SUMMARY_TOP = 3;

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** A time `iso()` can show (|t| <= 8.64e15 ms, ECMA-262 §21.4.1.22); anything else would throw RangeError. */
function isDate(time: number): boolean {
  return Math.abs(time) <= 8.64e15;
}

function ranked(scores: Record<string, number>, label: (key: string) => string = (k) => k): ExportedPreference[] {
  return Object.entries(scores)
    .filter(([, score]) => score > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([key, score]) => ({ value: label(key), score: Math.round(score * 1000) / 1000 }));
}

function priceLabel(level: string): string {
  const [low, high] = priceLevelRange(Number(level));
  return `${Math.round(low)} to ${Math.round(high)}`;
}

/** The bandit state the profile database holds (on-device experiments), one entry per experiment, segment and arm. */
async function storedBandits(db: IDBPDatabase<ProfileDB> | null): Promise<ExportedArm[]> {
  const records = db ? await db.getAll('bandit').catch(() => []) : [];
  return records.flatMap(({ key, segments, updatedAt }) =>
    Object.entries(segments).flatMap(([segment, arms]) =>
      Object.entries(arms).map(([arm, { trials, successes }]) => ({
        experiment: key,
        segment,
        arm,
        trials,
        successes,
        updatedAt: iso(updatedAt),
      })),
    ),
  );
}

export async function buildExport(
  status: ProfileStatus,
  events: readonly StoredEvent[],
  aggregates: Iterable<ProductAggregate>,
  affinities: Affinities,
  resolve: ResolveProduct,
  now: number,
  db: IDBPDatabase<ProfileDB> | null = null,
): Promise<ProfileExport> {
  // Records are checked when stored and when read back; one that still has an impossible time is
  // left out and counted, never allowed to fail the whole export.
  const shown = events.filter((e) => isDate(e.time));
  const all = [...aggregates];
  const kept = all.filter((a) => isDate(a.firstTime) && isDate(a.lastTime));
  const left = events.length - shown.length + all.length - kept.length;
  return {
    format: 'vitrine-profile',
    formatVersion: 1,
    exportedAt: iso(now),
    storedIn:
      status.mode === 'persistent' ? "this browser's IndexedDB, on this device only" : "this tab's memory only; gone when the tab closes",
    status: left ? { ...status, skippedRecords: status.skippedRecords + left } : status,
    events: shown.map((e) => ({
      type: e.type,
      product: e.product ?? null,
      productTitle: e.product === undefined ? null : (resolve(e.product)?.title ?? null),
      query: e.query ?? null,
      price: e.price ?? null,
      placement: e.placement ?? null,
      arm: e.arm ?? null,
      time: iso(e.time),
    })),
    compacted: kept.map((a) => ({
      product: a.product,
      productTitle: resolve(a.product)?.title ?? a.title,
      events: a.events,
      firstTime: iso(a.firstTime),
      lastTime: iso(a.lastTime),
    })),
    // One list per affinity dimension: a dimension added to `Affinities` must be exported too.
    preferences: {
      category: ranked(affinities.category),
      brand: ranked(affinities.brand),
      colour: ranked(affinities.colour),
      size: ranked(affinities.size),
      priceLevel: ranked(affinities.priceLevel, priceLabel),
    } satisfies Record<Exclude<keyof Affinities, 'products'>, ExportedPreference[]>,
    bandit: await storedBandits(db),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const REASON_WORDS: Partial<Record<ErrorCode, string>> = {
  STORAGE_UNAVAILABLE: 'this browser does not allow storage here',
  STORAGE_OPEN_TIMEOUT: 'the browser storage did not answer in time',
  STORAGE_BLOCKED: 'another tab with an older version of this shop is open',
  STORAGE_QUOTA: 'the storage space for this site is full',
  STORAGE_CLEARED: 'the site data was cleared while the page was open',
  STORAGE_VERSION: 'another tab uses a newer version of this shop; reload to save again',
  STORAGE_MIGRATION_FAILED: 'an update could not convert what was saved; it is kept and tried again on the next visit',
};

export function buildSummary(data: ProfileExport): ProfileSummary {
  const { status } = data;
  const sections: SummarySection[] = [];
  const persistent = status.mode === 'persistent';
  sections.push({
    topic: 'storage',
    text: persistent
      ? 'Your shopping history is saved in this browser on this device. It is never sent anywhere.'
      : 'Your shopping history is kept only while this tab is open. Nothing is saved on this device or sent anywhere.',
  });
  const counts = new Map<string, number>();
  for (const e of data.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const views = counts.get('view') ?? 0;
  const carts = counts.get('add_to_cart') ?? 0;
  const purchases = counts.get('purchase') ?? 0;
  const searches = counts.get('search') ?? 0;
  const parts = [
    views && `viewed ${plural(views, 'product')}`,
    carts && `added ${plural(carts, 'product')} to the cart`,
    purchases && `bought ${plural(purchases, 'product')}`,
    searches && `searched ${plural(searches, 'time')}`,
  ].filter((p): p is string => typeof p === 'string');
  const first = data.events[0]?.time;
  sections.push({
    topic: 'activity',
    text:
      data.events.length === 0
        ? 'No activity is stored.'
        : `${plural(data.events.length, 'event')} stored since ${first!.slice(0, 10)}` + (parts.length ? `: you ${list(parts)}.` : '.'),
  });
  const prefs = data.preferences;
  const likes = [
    prefs.category.length && `categories ${list(prefs.category.slice(0, SUMMARY_TOP).map((p) => p.value))}`,
    prefs.brand.length && `brands ${list(prefs.brand.slice(0, SUMMARY_TOP).map((p) => p.value))}`,
    prefs.colour.length && `colours ${list(prefs.colour.slice(0, SUMMARY_TOP).map((p) => p.value))}`,
    prefs.size.length && `sizes ${list(prefs.size.slice(0, SUMMARY_TOP).map((p) => p.value))}`,
    prefs.priceLevel.length && `prices from ${prefs.priceLevel[0]!.value}`,
  ].filter((p): p is string => typeof p === 'string');
  sections.push({
    topic: 'preferences',
    text: likes.length ? `From this, the shop guesses you like ${list(likes)}.` : 'No preferences have been derived.',
  });
  if (data.compacted.length || status.overflow) {
    sections.push({
      topic: 'limits',
      text:
        `Older activity for ${plural(data.compacted.length, 'product')} is kept only as a summary per product` +
        (status.overflow ? ` (${plural(status.overflow, 'event')} summarised because the history limit was reached).` : '.'),
    });
  }
  if (status.reason || status.skippedRecords) {
    const problems: string[] = [];
    if (status.reason) problems.push(`Saving is off because ${REASON_WORDS[status.reason] ?? status.reason}.`);
    if (status.skippedRecords)
      problems.push(
        `${plural(status.skippedRecords, 'saved record')} could not be read and ${status.skippedRecords === 1 ? 'was' : 'were'} ignored.`,
      );
    sections.push({ topic: 'problems', text: problems.join(' ') });
  }
  const headline = persistent
    ? `This shop remembers ${plural(data.events.length, 'thing')} you did, on this device only.`
    : `This shop remembers ${plural(data.events.length, 'thing')} you did, in this tab only.`;
  return { mode: status.mode, reason: status.reason, headline, sections };
}

/** Removes one product's events (found by the `by-product` index) and its aggregate: `forget()`. */
export async function forgetProduct(db: IDBPDatabase<ProfileDB>, productId: string): Promise<void> {
  const tx = db.transaction(['events', 'derived'], 'readwrite');
  const events = tx.objectStore('events');
  const keys = await events.index('by-product').getAllKeys(productId);
  await Promise.all([...keys.map((key) => events.delete(key)), tx.objectStore('derived').delete(productId), tx.done]);
}
