/**
 * Aggregate measurement as both sides see it: the page configures it (`MeasurementConfig`) and
 * reads its state (`MeasurementStatus`); the endpoint receives `MeasurementBatch` bodies.
 */
import type { ErrorCode } from './errors.ts';
import type { EventType } from './events.ts';

/** Default length of one counting window: one request per minute at most. */
export const DEFAULT_MEASUREMENT_INTERVAL_MS = 60_000;

/** The body of one measurement request. */
export interface MeasurementBatch {
  counts: Partial<Record<EventType, number>>;
  /** ms since epoch: start of the window (the first counted event's window opened). */
  windowStart: number;
  windowEnd: number;
}

/** Where and how often counts go; the page sends it once, and again after a worker restart. */
export interface MeasurementConfig {
  /** Absolute http(s) URL to POST batches to; `null` turns measurement off. */
  endpoint: string | null;
  /** Window length in ms. Default `60000`. */
  intervalMs?: number;
}

/** What `measurement()` returns. */
export interface MeasurementStatus {
  /** Whether counts are being collected now (endpoint configured and consent granted). */
  active: boolean;
  endpoint: string | null;
  intervalMs: number;
  /** Events counted in the open window. */
  pending: number;
  /** Batches the endpoint accepted. */
  sent: number;
  /** Batches lost to a failed request (counts are not retried: they are statistics, not records). */
  failed: number;
  lastError: { code: ErrorCode; message: string } | null;
}

/** The status before a shop configures measurement (its code loads only then). */
export function unconfiguredMeasurement(): MeasurementStatus {
  return { active: false, endpoint: null, intervalMs: DEFAULT_MEASUREMENT_INTERVAL_MS, pending: 0, sent: 0, failed: 0, lastError: null };
}
