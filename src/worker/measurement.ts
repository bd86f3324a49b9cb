/**
 * Aggregate measurement: how many events of each type happened in a time window, nothing else.
 * Off unless the shop configured an endpoint AND the visitor granted `measurement`. Counts only
 * events that happened while both held; a revocation drops what was not sent yet.
 *
 * One window = one POST of `{ counts: { view: 3, … }, windowStart, windowEnd }`: no product id,
 * query, price, placement, time of any single event, identifier, cookie or referrer. The request is
 * `credentials: 'omit'` and `referrerPolicy: 'no-referrer'`, so the page URL does not travel along.
 */
import type { EventType } from '../shared/events.ts';
import { VitrineError } from '../shared/errors.ts';
import { StatisticsPost } from './statistics-post.ts';
import {
  DEFAULT_MEASUREMENT_INTERVAL_MS,
  type MeasurementBatch,
  type MeasurementConfig,
  type MeasurementStatus,
} from '../shared/measurement-status.ts';
/** Shortest allowed window, so a misconfiguration cannot turn counts into a per-event stream. */
export const MIN_MEASUREMENT_INTERVAL_MS = 100;

export interface MeasurementOptions {
  /** Whether the visitor granted `measurement` right now. */
  allowed: () => boolean;
  now?: () => number;
  /** The network; tests never replace it in the browser, it exists for Node-side use. */
  fetch?: typeof fetch;
}

/** Checks an endpoint: absolute http(s), no credentials in it. */
export function validateEndpoint(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new VitrineError('INVALID_REQUEST', 'endpoint: must be a URL string', { field: 'endpoint' });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new VitrineError('INVALID_REQUEST', 'endpoint: must be an absolute URL', { field: 'endpoint' });
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) {
    throw new VitrineError('INVALID_REQUEST', 'endpoint: must be an http(s) URL without credentials', { field: 'endpoint' });
  }
  return url.href;
}

export class Measurement {
  readonly #allowed: () => boolean;
  readonly #now: () => number;
  readonly #post: StatisticsPost;
  #endpoint: string | null = null;
  #intervalMs = DEFAULT_MEASUREMENT_INTERVAL_MS;
  #counts = new Map<EventType, number>();
  #windowStart = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor({ allowed, now = Date.now, fetch: fetchImpl = (...args) => fetch(...args) }: MeasurementOptions) {
    this.#allowed = allowed;
    this.#now = now;
    this.#post = new StatisticsPost(fetchImpl, 'application/json');
  }

  configure({ endpoint, intervalMs = DEFAULT_MEASUREMENT_INTERVAL_MS }: MeasurementConfig): void {
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < MIN_MEASUREMENT_INTERVAL_MS) {
      throw new VitrineError('INVALID_REQUEST', `intervalMs: must be at least ${MIN_MEASUREMENT_INTERVAL_MS}`, { field: 'intervalMs' });
    }
    const next = validateEndpoint(endpoint);
    // Counts collected for one endpoint never go to another.
    if (next !== this.#endpoint) this.discard();
    this.#endpoint = next;
    this.#intervalMs = intervalMs;
  }

  get active(): boolean {
    return this.#endpoint !== null && this.#allowed();
  }

  /** Counts one event of `type` if measurement is active; the first count opens a window. */
  count(type: EventType): void {
    if (!this.active) return;
    if (this.#counts.size === 0) {
      this.#windowStart = this.#now();
      this.#timer = setTimeout(() => void this.flush(), this.#intervalMs);
    }
    this.#counts.set(type, (this.#counts.get(type) ?? 0) + 1);
  }

  /** Forgets the open window unsent (measurement revoked or endpoint changed). */
  discard(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#counts.clear();
  }

  /** Sends the open window now, if there is one and measurement is still active. */
  async flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const endpoint = this.#endpoint;
    if (this.#counts.size === 0 || endpoint === null) return;
    if (!this.#allowed()) {
      this.discard();
      return;
    }
    const batch: MeasurementBatch = { counts: Object.fromEntries(this.#counts), windowStart: this.#windowStart, windowEnd: this.#now() };
    this.#counts.clear();
    await this.#post.send(endpoint, batch);
  }

  status(): MeasurementStatus {
    let pending = 0;
    for (const count of this.#counts.values()) pending += count;
    return {
      active: this.active,
      endpoint: this.#endpoint,
      intervalMs: this.#intervalMs,
      pending,
      sent: this.#post.sent,
      failed: this.#post.failed,
      lastError: this.#post.lastError,
    };
  }
}
