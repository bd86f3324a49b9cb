/**
 * Vitrine's library entry: `import { createVitrine } from 'vitrine'`. Everything runs in a Web
 * Worker started on first use; this module only holds the page-side API around the bridge.
 */
import { transfer } from 'comlink';
import { EngineBridge, type BridgeOptions, type CallOptions } from './embed/bridge.ts';
import type { ConsentRecord } from './worker/consent.ts';
import type { MeasurementStatus } from './worker/measurement.ts';
import type { ProfileExport, ProfileSummary } from './worker/profile/index.ts';
import { validateEvent, type TrackEvent } from './shared/events.ts';
import type {
  EngineStatus,
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
  /** @example await vitrine.rerank(['sku-1', 'sku-2'], { recent: ['sku-9'] }) */
  rerank(productIds: string[], context?: RequestContext, options?: CallControl): Promise<RerankResult>;
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

/** Creates a Vitrine engine; the worker starts on the first call. */
export function createVitrine({
  timeoutMs,
  loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS,
  createWorker,
  measurementEndpoint,
  measurementIntervalMs,
}: VitrineOptions = {}): Vitrine {
  const bridge = new EngineBridge({ timeoutMs, createWorker });
  if (measurementEndpoint !== undefined) {
    const config = { endpoint: new URL(measurementEndpoint, document.baseURI).href, intervalMs: measurementIntervalMs };
    // Starts the worker now; a bad endpoint rejects here and measurement simply stays off.
    void bridge.run((engine) => engine.configureMeasurement(config), { label: 'configureMeasurement' }).catch(() => undefined);
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
      const wire = source instanceof ArrayBuffer ? transfer(source, [source]) : new URL(source, document.baseURI).href;
      return bridge.run((engine) => engine.load(wire), { signal, timeoutMs: deadline, label: 'load' });
    },
    similar(productId, { signal, timeoutMs: deadline, ...options } = {}) {
      return bridge.run((engine) => engine.similar(productId, options), { signal, timeoutMs: deadline, label: 'similar' });
    },
    recommend(request, { signal, timeoutMs: deadline } = {}) {
      return bridge.run((engine) => engine.recommend(request), { signal, timeoutMs: deadline, label: 'recommend' });
    },
    rerank(productIds, context, { signal, timeoutMs: deadline } = {}) {
      return bridge.run((engine) => engine.rerank(productIds, context), { signal, timeoutMs: deadline, label: 'rerank' });
    },
    status({ signal, timeoutMs: deadline } = {}) {
      return bridge.run((engine) => engine.status(), { signal, timeoutMs: deadline, label: 'status' });
    },
    track(event, { signal, timeoutMs: deadline } = {}) {
      // Checked here too: a function or DOM node in an event would otherwise fail as an opaque
      // DataCloneError. The time stays unset unless the page gave one (the engine clock decides).
      let clean: TrackEvent;
      try {
        const { time, ...fields } = validateEvent(event, 0);
        clean = (event as { time?: unknown }).time === undefined ? fields : { ...fields, time };
      } catch (error) {
        return Promise.reject(error);
      }
      return bridge.run((engine) => engine.track(clean), { signal, timeoutMs: deadline, label: 'track' });
    },
    consent: {
      set(choice, { signal, timeoutMs: deadline, source = 'api' } = {}) {
        // A non-object goes through as is, for the worker to reject with INVALID_REQUEST.
        const wire = typeof choice === 'object' && choice !== null ? { ...choice, source, time: Date.now() } : choice;
        return bridge.run((engine) => engine.setConsent(wire), { signal, timeoutMs: deadline, label: 'consent.set' });
      },
      get({ signal, timeoutMs: deadline } = {}) {
        return bridge.run((engine) => engine.consent(), { signal, timeoutMs: deadline, label: 'consent.get' });
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
      bridge.terminate();
    },
  };
}

export { VitrineError, isVitrineError, ERROR_CODES, type ErrorCode, type ErrorDetails } from './shared/errors.ts';
export type { EngineApi } from './worker/index.ts';
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
} from './shared/request.ts';
