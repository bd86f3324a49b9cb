/**
 * Vitrine's library entry: `import { createVitrine } from 'vitrine'`. Everything runs in a Web
 * Worker started on first use; this module only holds the page-side API around the bridge.
 */
import { transfer, type Remote } from 'comlink';
import { EngineBridge, type BridgeOptions, type CallOptions } from './embed/bridge.ts';
import type { EngineApi } from './worker/index.ts';
import { CONSENT_CHANNEL, type ConsentRecord } from './worker/consent.ts';
import type { MeasurementConfig, MeasurementStatus } from './worker/measurement.ts';
import { DEFAULT_CONSENT, type ConsentState } from './shared/consent.ts';
import { VitrineError } from './shared/errors.ts';
import type { ProfileExport, ProfileSummary } from './worker/profile/index.ts';
import { pickEventFields, type TrackEvent } from './shared/events.ts';
import type { VisitorTraits } from './worker/traits.ts';
import type {
  EngineStatus,
  RecommendOptions,
  RecommendRequest,
  RecommendResult,
  RequestContext,
  RerankResult,
  SimilarOptions,
} from './shared/request.ts';

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
   * Caps on the stored profile: raw events kept (default 5000) and their age in days (default
   * 180); older or surplus events are folded into per-product aggregates.
   * @throws VitrineError `INVALID_REQUEST` from `createVitrine` when a cap is not a positive number.
   * @example { maxEvents: 1000, maxAgeDays: 90 }
   */
  profileLimits?: ProfileLimits;
}

/** A consent choice: the scopes it names change, the others keep their value. */
export interface ConsentChoice {
  /** The profile may persist in IndexedDB. Revoking deletes everything persisted before resolving. */
  personalization?: boolean;
  /** Aggregate counts may go to the configured endpoint. */
  measurement?: boolean;
}

export interface ConsentApi {
  /**
   * Records a consent choice and enforces it; resolves with the consent record once done (for a
   * revocation of `personalization`: after everything persisted is deleted). The last signal wins,
   * whether it came from here, the TCF CMP or Consent Mode. `source` is for adapters.
   * @example await vitrine.consent.set({ personalization: true })
   */
  set(choice: ConsentChoice, options?: CallControl & { source?: 'api' | 'tcf' | 'consent-mode' }): Promise<ConsentRecord>;
  /** The consent record: scopes, where the last signal came from, when, and recent history. */
  get(options?: CallControl): Promise<ConsentRecord>;
}

/** Per-call options: abort the wait, or override the deadline. */
export type CallControl = Pick<CallOptions, 'signal' | 'timeoutMs'>;

export interface Vitrine {
  /**
   * Loads a bundle: a URL (relative ones resolve against the page) or its bytes. An ArrayBuffer is
   * transferred to the worker, so it is detached (length 0) afterwards.
   *
   * If the engine worker crashes, the next call starts a new one and replays the page session into
   * it first: the last consent decision (same scopes, source and time), the measurement endpoint,
   * and the last bundle loaded from a URL (from Cache Storage when it is there). A bundle loaded
   * from an ArrayBuffer cannot be replayed (its bytes went to the dead worker): queries then fail
   * with `NOT_READY` (details `reason: 'restarted'`) until `load()` is called again. Counts not yet
   * sent for measurement die with the worker. After 3 crashes within a minute the engine stops for
   * good and every call rejects with `WORKER_CRASHED` (reason `crash-loop`).
   *
   * A URL is fetched once and kept in Cache Storage; later loads start from the cached copy and
   * revalidate in the background, swapping in a changed bundle. Queries made during a (re)load are
   * answered from the previous bundle until the new one is swapped in whole; before the first
   * bundle they fail with `NOT_READY`. A failed reload keeps the previous bundle serving.
   * @example await vitrine.load('/shop.vtb')
   */
  load(source: string | URL | ArrayBuffer, options?: CallControl): Promise<EngineStatus>;
  /** @example await vitrine.similar('sku-1', { limit: 4 }) */
  similar(productId: string, options?: SimilarOptions & CallControl): Promise<RecommendResult>;
  /** @example await vitrine.recommend({ placement: 'for_you', context: { recent: ['sku-9'] } }) */
  recommend(request: RecommendRequest, options?: CallControl): Promise<RecommendResult>;
  /** @example await vitrine.rerank(['sku-1', 'sku-2'], { recent: ['sku-9'] }, { locale: 'de' }) */
  rerank(productIds: string[], context?: RequestContext, options?: RecommendOptions & CallControl): Promise<RerankResult>;
  /**
   * The visitor's intent (browsing / buying) and buyer type (bargain / premium, brand-loyal /
   * exploring), each with a confidence and the evidence, computed on the device.
   */
  traits(options?: CallControl): Promise<VisitorTraits>;
  status(options?: CallControl): Promise<EngineStatus>;
  /**
   * Reports what the visitor did. Kept in worker memory for the session; persisted only with
   * `personalization` consent; counted (type only) for measurement only with `measurement` consent.
   * @example await vitrine.track({ type: 'view', product: 'sku-1', price: 19.9 })
   */
  track(event: TrackEvent, options?: CallControl): Promise<void>;
  /** Consent: the page collects signals, the worker enforces them. */
  consent: ConsentApi;
  /** State of aggregate measurement: active or not, pending counts, batches sent. */
  measurement(options?: CallControl): Promise<MeasurementStatus>;
  /** The visitor's rights over their profile: see, export, edit, delete. */
  profile: ProfileApi;
  /** Stops the worker; every later call rejects with `WORKER_CRASHED` (reason `closed`). */
  close(): void;
}

export interface ProfileApi {
  /** Everything stored about the visitor as readable JSON (product titles, ISO dates). @example JSON.stringify(await vitrine.profile.export(), null, 2) */
  export(options?: CallControl): Promise<ProfileExport>;
  /** Deletes everything stored about the visitor (consent stays as it is). */
  delete(options?: CallControl): Promise<void>;
  /** Removes one product from the profile: its events and its influence on derived preferences. @example await vitrine.profile.forget('sku-1') */
  forget(productId: string, options?: CallControl): Promise<void>;
  /** What is stored, in plain English sentences, for a privacy panel. */
  summary(options?: CallControl): Promise<ProfileSummary>;
}

/** A choice made only of boolean scopes, as the worker accepts. */
function wellFormed(choice: unknown): choice is ConsentChoice {
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return false;
  return Object.entries(choice).every(([key, value]) => ['personalization', 'measurement'].includes(key) && typeof value === 'boolean');
}

/** Creates a Vitrine engine; the worker starts on the first call. */
export function createVitrine({
  timeoutMs,
  loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS,
  createWorker,
  measurementEndpoint,
  measurementIntervalMs,
  profileLimits,
}: VitrineOptions = {}): Vitrine {
  const limits = profileLimits === undefined ? null : validateLimits(profileLimits);
  // The page session a restarted worker must get back (see `load`'s doc).
  let consentDecision: ConsentState = { ...DEFAULT_CONSENT };
  let measurementConfig: MeasurementConfig | null = null;
  /** The last bundle that loaded: its absolute URL, or `'bytes'` for a transferred ArrayBuffer. */
  let lastBundle: string | null = null;
  /** Why queries cannot be answered after a restart, until `load()` succeeds again. */
  let bundleLost: VitrineError | null = null;

  /** A consent state seen from the worker replaces ours unless ours is newer. */
  const adoptConsent = ({ personalization, measurement, source, updatedAt }: ConsentState): void => {
    if (updatedAt >= consentDecision.updatedAt) consentDecision = { personalization, measurement, source, updatedAt };
  };

  // Other tabs' decisions reach our worker over this channel; the page hears them too, so a restart
  // never replays a decision another tab has since replaced (a grant over a revocation, above all).
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CONSENT_CHANNEL);
  channel?.addEventListener('message', (event: MessageEvent<{ type?: unknown; state?: ConsentState }>) => {
    if (event.data?.type === 'consent' && event.data.state) adoptConsent(event.data.state);
  });

  const restore = async (engine: Remote<EngineApi>): Promise<void> => {
    // Consent first: the new worker reads the stored profile only once persistence is allowed.
    if (consentDecision.source !== 'default') {
      const { personalization, measurement, source, updatedAt } = consentDecision;
      await engine.setConsent({ personalization, measurement, source, time: updatedAt });
    }
    if (limits) await engine.configureProfile(limits);
    if (measurementConfig) await engine.configureMeasurement(measurementConfig);
    if (lastBundle === 'bytes') {
      bundleLost = new VitrineError(
        'NOT_READY',
        'the engine restarted, and a bundle loaded from an ArrayBuffer cannot be replayed: call load() again',
        { reason: 'restarted' },
      );
    } else if (lastBundle !== null) {
      const url = lastBundle;
      try {
        await engine.load(url);
      } catch (error) {
        const cause = error instanceof VitrineError ? error : null;
        bundleLost = new VitrineError(
          'NOT_READY',
          `the engine worker restarted and reloading ${url} failed: ${cause?.message ?? String(error)}`,
          { reason: 'restarted', url, cause: cause?.code },
        );
      }
    }
  };

  const bridge = new EngineBridge({ timeoutMs, createWorker, onRestart: restore });
  /** A query fails while the bundle is lost after a restart; checked in the call, so after the replay. */
  const query =
    <T>(call: (engine: Remote<EngineApi>) => Promise<T>) =>
    (engine: Remote<EngineApi>): Promise<T> =>
      bundleLost ? Promise.reject(bundleLost) : call(engine);

  if (limits) {
    // Starts the worker now, so the caps hold from the first event; a restart applies them again.
    void bridge.run((engine) => engine.configureProfile(limits), { label: 'configureProfile' }).catch(() => undefined);
  }

  if (measurementEndpoint !== undefined) {
    const config = { endpoint: new URL(measurementEndpoint, document.baseURI).href, intervalMs: measurementIntervalMs };
    measurementConfig = config;
    // Starts the worker now; a bad endpoint rejects here and measurement simply stays off (and is
    // not replayed). A crash before it ran leaves it to the restart to apply.
    void bridge.run((engine) => engine.configureMeasurement(config), { label: 'configureMeasurement' }).catch((error: unknown) => {
      if (!(error instanceof VitrineError && error.code === 'WORKER_CRASHED')) measurementConfig = null;
    });
    // The last window goes out when the page is hidden (tab switch, navigation, close).
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && bridge.started) {
        void bridge.run((engine) => engine.flushMeasurement(), { label: 'flushMeasurement' }).catch(() => undefined);
      }
    });
  }
  return {
    load(source, { signal, timeoutMs: deadline = loadTimeoutMs } = {}) {
      // The worker's base URL is its own script, not the page: resolve relative URLs here.
      const replay = source instanceof ArrayBuffer ? 'bytes' : new URL(source, document.baseURI).href;
      const wire = source instanceof ArrayBuffer ? transfer(source, [source]) : replay;
      return bridge.run((engine) => engine.load(wire), { signal, timeoutMs: deadline, label: 'load' }).then((status) => {
        lastBundle = replay;
        bundleLost = null;
        return status;
      });
    },
    similar(productId, { signal, timeoutMs: deadline, ...options } = {}) {
      return bridge.run(query((engine) => engine.similar(productId, options)), { signal, timeoutMs: deadline, label: 'similar' });
    },
    recommend(request, { signal, timeoutMs: deadline } = {}) {
      return bridge.run(query((engine) => engine.recommend(request)), { signal, timeoutMs: deadline, label: 'recommend' });
    },
    rerank(productIds, context, { signal, timeoutMs: deadline, ...options } = {}) {
      return bridge.run(query((engine) => engine.rerank(productIds, context, options)), { signal, timeoutMs: deadline, label: 'rerank' });
    },
    traits({ signal, timeoutMs: deadline } = {}) {
      return bridge.run(query((engine) => engine.traits()), { signal, timeoutMs: deadline, label: 'traits' });
    },
    status({ signal, timeoutMs: deadline } = {}) {
      return bridge.run((engine) => engine.status(), { signal, timeoutMs: deadline, label: 'status' });
    },
    track(event, { signal, timeoutMs: deadline } = {}) {
      // Known fields only, as plain data (the worker validates them): a function or DOM node would
      // otherwise fail as an opaque DataCloneError. Without a time the engine clock decides.
      let clean: TrackEvent;
      try {
        clean = pickEventFields(event);
      } catch (error) {
        return Promise.reject(error);
      }
      return bridge.run((engine) => engine.track(clean), { signal, timeoutMs: deadline, label: 'track' });
    },
    consent: {
      set(choice, { signal, timeoutMs: deadline, source = 'api' } = {}) {
        // A non-object goes through as is, for the worker to reject with INVALID_REQUEST.
        const time = Date.now();
        const wire = typeof choice === 'object' && choice !== null ? { ...choice, source, time } : choice;
        return bridge.run((engine) => engine.setConsent(wire), { signal, timeoutMs: deadline, label: 'consent.set' }).then(
          (record) => {
            adoptConsent(record);
            return record;
          },
          (error: unknown) => {
            // Lost with the worker: the visitor still decided it (a revocation above all), so a
            // restart replays it. A well-formed choice only: the worker rejects anything else.
            if (error instanceof VitrineError && error.code === 'WORKER_CRASHED' && wellFormed(choice)) {
              adoptConsent({
                personalization: choice.personalization ?? consentDecision.personalization,
                measurement: choice.measurement ?? consentDecision.measurement,
                source,
                updatedAt: time,
              });
            }
            throw error;
          },
        );
      },
      get({ signal, timeoutMs: deadline } = {}) {
        return bridge.run((engine) => engine.consent(), { signal, timeoutMs: deadline, label: 'consent.get' }).then((record) => {
          // It may carry another tab's decision, which this worker adopted.
          adoptConsent(record);
          return record;
        });
      },
    },
    measurement({ signal, timeoutMs: deadline } = {}) {
      return bridge.run((engine) => engine.measurement(), { signal, timeoutMs: deadline, label: 'measurement' });
    },
    profile: {
      export({ signal, timeoutMs: deadline } = {}) {
        return bridge.run((engine) => engine.profileExport(), { signal, timeoutMs: deadline, label: 'profile.export' });
      },
      delete({ signal, timeoutMs: deadline } = {}) {
        return bridge.run((engine) => engine.profileDelete(), { signal, timeoutMs: deadline, label: 'profile.delete' });
      },
      forget(productId, { signal, timeoutMs: deadline } = {}) {
        return bridge.run((engine) => engine.profileForget(productId), { signal, timeoutMs: deadline, label: 'profile.forget' });
      },
      summary({ signal, timeoutMs: deadline } = {}) {
        return bridge.run((engine) => engine.profileSummary(), { signal, timeoutMs: deadline, label: 'profile.summary' });
      },
    },
    close() {
      channel?.close();
      bridge.terminate();
    },
  };
}

export { VitrineError, isVitrineError, ERROR_CODES, type ErrorCode, type ErrorDetails } from './shared/errors.ts';
export type { EngineApi } from './worker/index.ts';
export type { ProfileLimits } from './shared/profile-limits.ts';
export type { ConsentRecord } from './worker/consent.ts';
export type { MeasurementBatch, MeasurementStatus } from './worker/measurement.ts';
export type { ConsentScope, ConsentSource, ConsentState } from './shared/consent.ts';
export type { EventType, TrackEvent } from './shared/events.ts';
export type { ProfileExport, ProfileSummary, SummarySection, ExportedEvent, ExportedPreference } from './worker/profile/index.ts';
export type {
  BundleStatus,
  EngineState,
  EngineStatus,
  Placement,
  ProfileStatus,
  RecommendOptions,
  RecommendRequest,
  RecommendResult,
  RequestContext,
  RerankResult,
  ResultItem,
  SimilarOptions,
  StrategyName,
  WhyReason,
} from './shared/request.ts';
export type { BusinessRules, ProductFilter, WeightedFilter } from './shared/rules.ts';
export type { VisitContext } from './shared/context.ts';
export type { MessageId, MessageParams } from './shared/messages.ts';
export type { VisitorTraits, Trait, TraitEvidence } from './worker/traits.ts';
import { validateLimits, type ProfileLimits } from './shared/profile-limits.ts';
