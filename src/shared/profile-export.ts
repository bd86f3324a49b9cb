/**
 * The visitor's view of their profile as the page receives it: `profile.export()` as readable JSON
 * (titles and ISO dates, not only ids) and `profile.summary()` in plain words for a privacy panel.
 * The worker builds both (src/worker/profile/rights.ts).
 */
import type { ErrorCode } from './errors.ts';
import type { EventType } from './events.ts';
import type { ProfileStatus } from './request.ts';

export type { ProfileStatus };

/** The dimensions of the derived preferences (the worker's affinities, less the per-product scores). */
export type PreferenceDimension = 'category' | 'brand' | 'colour' | 'size' | 'priceLevel';

export interface ExportedEvent {
  type: EventType;
  product: string | null;
  /** The product's title in the current catalog, or null when unknown. */
  productTitle: string | null;
  query: string | null;
  price: number | null;
  placement: string | null;
  arm: string | null;
  /** ISO 8601, UTC. */
  time: string;
}

export interface ExportedPreference {
  value: string;
  score: number;
}

export interface ProfileExport {
  format: 'vitrine-profile';
  formatVersion: 1;
  exportedAt: string;
  /** Where this data lives, in words. */
  storedIn: string;
  status: ProfileStatus;
  events: ExportedEvent[];
  /** Older events folded into one summary per product (the raw events are gone). */
  compacted: {
    product: string;
    productTitle: string | null;
    events: number;
    firstTime: string;
    lastTime: string;
  }[];
  /** Derived preferences, strongest first. */
  preferences: Record<PreferenceDimension, ExportedPreference[]>;
  /**
   * On-device experiments: this visitor's tally per experiment, segment and arm, as stored in the
   * profile (with personalization consent only; empty without it).
   */
  bandit: ExportedArm[];
}

/** One arm's tally in the export: viewable impressions (trials) and weighted successes of this visitor. */
export interface ExportedArm {
  experiment: string;
  segment: string;
  arm: string;
  trials: number;
  successes: number;
  updatedAt: string;
}

export interface SummarySection {
  /** Stable key a privacy panel can branch on. */
  topic: 'storage' | 'activity' | 'preferences' | 'limits' | 'problems';
  text: string;
}

export interface ProfileSummary {
  mode: ProfileStatus['mode'];
  reason: ErrorCode | null;
  /** One sentence for the top of a privacy panel. */
  headline: string;
  sections: SummarySection[];
}
