/**
 * `createVitrine()`: the page-side API around the bridge. Everything runs in a Web Worker started
 * on first use; the methods come from the table in page-methods.ts, and what a crash leads to is
 * the bridge's `recovery` (crash-recovery.ts). Here: the options, and what starts with the engine
 * (profile caps, the measurement endpoint and its last flush).
 */
import { EngineBridge, type BridgeOptions } from './bridge.ts';
import { startLibraryWorker } from './library-worker.ts';
import { makePageMethods, PAGE_METHODS, type CallControl, type PageApi } from './page-methods.ts';
import { createTrackQueue } from './track-queue.ts';
import type { TrackEvent, TrackOutcome } from '../shared/events.ts';
import { isVitrineError } from '../shared/errors.ts';
import { validateLimits, type ProfileLimits } from '../shared/profile-limits.ts';
import type { BanditLearningConfig } from '../shared/bandit/learning-status.ts';

/** Deadline of `load()` when none is given: a large bundle on a slow connection takes a while. */
export const DEFAULT_LOAD_TIMEOUT_MS = 60_000;

export interface VitrineOptions {
  /** Deadline of each query in milliseconds. Default `10000`. */
  timeoutMs?: number;
  /** Deadline of `load()` in milliseconds. Default `60000`. */
  loadTimeoutMs?: number;
  /** Makes the engine worker; for tests and special hosting. Default: Vitrine's own worker file. */
  createWorker?: BridgeOptions['createWorker'];
  /**
   * Where aggregate counts go when the visitor grants `measurement` (relative URLs resolve against
   * the page). Default: none, and then nothing is ever sent. @example '/stats/vitrine'
   */
  measurementEndpoint?: string;
  /** Length of one counting window (one request at most per window), ms. Default `60000`. */
  measurementIntervalMs?: number;
  /**
   * Bandits learning across visitors: the priors file (`data-bandit-priors`), randomised response
   * for the arm counts (`data-bandit-epsilon`) and where they go. Default: none (the bundle's
   * priors, else flat ones; counts, only with `measurement` consent, to `measurementEndpoint`).
   * A bad value is refused as a whole, and then no arm count leaves the device.
   * @example { priors: '/vitrine/priors.json', epsilon: 1 }
   */
  bandits?: BanditLearningConfig;
  /**
   * Caps on the stored profile: raw events kept (default 5000) and their age in days (default
   * 180); older or surplus events are folded into per-product aggregates.
   * @throws VitrineError `INVALID_REQUEST` from `createVitrine` when a cap is not a positive number.
   * @example { maxEvents: 1000, maxAgeDays: 90 }
   */
  profileLimits?: ProfileLimits;
}

/** The page API: one method per entry of the method table (page-methods.ts), `track()` and `close()`. */
export interface Vitrine extends PageApi<typeof PAGE_METHODS> {
  /**
   * Reports what the visitor did. Kept in worker memory for the session; persisted only with
   * `personalization` consent; counted (type only) for measurement only with `measurement` consent.
   * Safe to fire and forget, even in a burst: events go to the worker in batches, and the call
   * resolves with `{ recorded: true }` once the event is in the profile, or at once with
   * `{ recorded: false, reason: 'queue-full' }` when 10,000 events already wait (the event is
   * dropped and counted in `status().profile.dropped`). It rejects only for a malformed event
   * (`INVALID_EVENT`, nothing recorded), an aborted signal, or an engine that is gone.
   * @example await vitrine.track({ type: 'view', product: 'sku-1', price: 19.9 })
   */
  track(event: TrackEvent, options?: CallControl): Promise<TrackOutcome>;
  /** Stops the worker; every later call rejects with `WORKER_CRASHED` (reason `closed`). */
  close(): void;
}

/** `vitrine.consent`: the page collects signals, the worker enforces them. */
export type ConsentApi = Vitrine['consent'];
/** `vitrine.profile`: the visitor's rights over their profile. */
export type ProfileApi = Vitrine['profile'];

/** Creates a Vitrine engine; the worker starts on the first call. */
export function createVitrine({ profileLimits, ...options }: VitrineOptions = {}): Vitrine {
  // Checked first: a bad cap throws before anything starts.
  return createEngine({
    ...options,
    // An app's bundler emits the worker's .wasm files only when page code names them (library-worker.ts).
    createWorker: options.createWorker ?? startLibraryWorker,
    profileLimits: profileLimits === undefined ? undefined : validateLimits(profileLimits),
  }).vitrine;
}

/**
 * The page API and the bridge behind it, for callers whose profile caps are valid already (the
 * script tag makes them so from its attributes, and so ships no validator; the worker checks them
 * again anyway). The script tag keeps the bridge: its widgets' queries go through the bridge's
 * crash recovery (`retry`).
 */
export function createEngine({
  timeoutMs,
  loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS,
  createWorker,
  measurementEndpoint,
  measurementIntervalMs,
  profileLimits,
  bandits,
}: VitrineOptions = {}): { vitrine: Vitrine; bridge: EngineBridge } {
  const bridge = new EngineBridge({ timeoutMs, createWorker, replayLoadTimeoutMs: loadTimeoutMs });
  const { recovery } = bridge;

  if (profileLimits) {
    recovery.limits = profileLimits;
    // Starts the worker now, so the caps hold from the first event; a restart applies them again.
    void bridge.run((engine) => engine.configureProfile(profileLimits), { label: 'configureProfile' }).catch(() => undefined);
  }

  if (measurementEndpoint !== undefined) {
    const config = { endpoint: new URL(measurementEndpoint, document.baseURI).href, intervalMs: measurementIntervalMs };
    recovery.measurement = config;
    // Starts the worker now; a bad endpoint rejects here and measurement simply stays off (and is
    // not replayed). A crash before it ran leaves it to the restart to apply.
    void bridge
      .run((engine) => engine.configureMeasurement(config), { label: 'configureMeasurement' })
      .catch((error: unknown) => {
        if (!(isVitrineError(error) && error.code === 'WORKER_CRASHED')) recovery.measurement = null;
      });
    // The last window goes out when the page is hidden (tab switch, navigation, close).
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && bridge.started) {
        void bridge.run((engine) => engine.flushMeasurement(), { label: 'flushMeasurement' }).catch(() => undefined);
      }
    });
  }

  if (bandits) {
    // The worker resolves relative URLs against the page and checks every field; a refused config is not replayed.
    const config = (recovery.bandits = { ...bandits, base: document.baseURI });
    void bridge
      .run((engine) => engine.bandits(config), { label: 'bandits' })
      .catch((error: unknown) => {
        if (!(isVitrineError(error) && error.code === 'WORKER_CRASHED')) recovery.bandits = null;
      });
  }

  const methods = makePageMethods(PAGE_METHODS, { bridge, loadTimeoutMs });
  const tracking = createTrackQueue(bridge);
  const vitrine: Vitrine = {
    ...methods,
    // The page's own count joins the worker's: what the queue dropped never reached the worker.
    status: async (options) => {
      const status = await methods.status(options);
      if (status.profile) status.profile.dropped = tracking.dropped;
      return status;
    },
    track: tracking.track,
    close: () => bridge.terminate(),
  };
  return { vitrine, bridge };
}
