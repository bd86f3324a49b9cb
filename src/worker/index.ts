/**
 * The engine Worker. Its API object's type is the page/worker contract: the page imports
 * `EngineApi` with `import type` and calls it through comlink, so there is no hand-written copy.
 */
import { expose } from 'comlink';
import { registerErrorTransfer } from '../shared/error-transfer.ts';
import { PROTOCOL_VERSION, WorkerMessageType, type WorkerReadyMessage } from '../shared/worker-ready.ts';
import type { EngineStatus, RecommendOptions, RecommendRequest, RequestContext, SimilarOptions } from '../shared/request.ts';
import { validateEvent, type StoredEvent, type TrackEvent } from '../shared/events.ts';
import type { SerializedVitrineError, VitrineError } from '../shared/errors.ts';
import { ConsentGate } from './consent-gate.ts';
import { Engine } from './engine.ts';
import { loadPart } from './lazy-part.ts';
import type { Measurement } from './measurement.ts';
import type { BanditLearningConfig } from '../shared/bandit/learning-status.ts';
import type { Bandits } from './bandits.ts';
import { createProfileStore } from './profile/index.ts';
import { bundleResolver } from './profile/catalog.ts';
import { unconfiguredMeasurement, type MeasurementConfig } from '../shared/measurement-status.ts';
import type { ProfileLimits } from '../shared/profile-limits.ts';
import type { VisitorInput } from './visitor.ts';
import type { ArmFeedback, ExperimentSpec } from '../shared/experiment.ts';
import type { ExperimentContext } from './bandit/context.ts';

const engine = new Engine();
/** Memory-only until `personalization` is granted: no signal means nothing persisted. */
const profile = createProfileStore({ resolveProduct: bundleResolver(() => engine.bundle) });
const consent = new ConsentGate(profile, {
  // A measurement revocation drops the counts (events and arm counts) not sent yet, at once.
  onChange: (state) => {
    if (!state.measurement) {
      measurement?.discard();
      bandits?.learning.counts.discard();
    }
  },
});
/** Aggregate measurement: its code loads once a shop configures an endpoint, which few pages do. */
let measurement: Measurement | undefined;
/** The latest configuration: status and flush wait for it, as if it were synchronous (events count once it is done). */
let configured: Promise<unknown> = Promise.resolve();
/** Bandits (experiments, priors, arm counts): their code loads on a page's first bandit call, which few pages make. */
let bandits: Bandits | undefined;
const banditsPart = () =>
  loadPart('bandits', () => import('./bandits.ts')).then(
    (m) => (bandits ??= m.startBandits(consent, profile, engine, visitor, () => measurement)),
  );

/**
 * The visitor as the ranking sees them: this worker's events (memory, or the stored profile with
 * consent) and, only with personalization consent, the long-term affinities.
 */
function visitor(): VisitorInput {
  return { events: profile.events(), affinities: consent.allows('personalization') ? profile.affinities() : null, now: Date.now() };
}

/**
 * A query about the visitor, once a stored profile being opened has been read: a returning
 * visitor's first widgets then rank by what earlier visits stored, not by an empty session.
 */
async function forVisitor<T>(run: () => T): Promise<T> {
  await profile.read();
  return engine.complete(run);
}

const api = {
  /** Loads a bundle: an absolute URL (fetched once, then cached) or its bytes (transfer them in), checked against `integrity` when given. */
  load: (source: string | ArrayBuffer, integrity?: string, maxDownload?: number, head?: string) =>
    engine.load(source, integrity, maxDownload, head),
  /** Stops the latest load (the page stopped waiting for it): its download is aborted, it rejects with an AbortError. */
  abortLoad: () => engine.abortLoad(),
  /** Products similar to `productId` (content + co-visitation + co-purchase), re-ranked for the visitor. */
  similar: (productId: string, options?: SimilarOptions) => forVisitor(() => engine.similar(productId, options, visitor())),
  /** Recommendations for one placement, each item with its score components and "why". */
  recommend: (request: RecommendRequest) => forVisitor(() => engine.recommend(request, visitor())),
  /** The given products (a search or category page) in this visitor's order. */
  rerank: (productIds: string[], context?: RequestContext, options?: RecommendOptions) =>
    forVisitor(() => engine.rerank(productIds, context, options, visitor())),
  /** Intent (browsing / buying) and buyer type (bargain / premium, brand-loyal / exploring), with the evidence. */
  traits: () => forVisitor(() => engine.traits(visitor())),
  /** What is loaded, which kernels run, the last error, where the profile lives. */
  status: (): EngineStatus => ({ ...engine.status(), profile: profile.status() }),
  /**
   * Records a batch of visitor events (the page's track queue sends one message per batch): in the
   * profile (persisted only with `personalization`, one transaction per batch) and, with
   * `measurement`, in the aggregate counts. Resolves once they are in the profile, with one entry
   * per event: null when recorded, else why it was refused (`INVALID_EVENT`). `trackedAt` (when
   * the page's `track()` ran) lets a deletion that came in between take the events with it.
   */
  trackBatch: async (events: TrackEvent[], trackedAt: number[] = []): Promise<(SerializedVitrineError | null)[]> => {
    const now = Date.now();
    const valid: StoredEvent[] = [];
    const refused = events.map((event, i) => {
      try {
        const stored = validateEvent(event, now);
        // Tracked before the profile was deleted, sent after: deleted with it.
        if (!(trackedAt[i]! < profile.deletedAt)) valid.push(stored);
        measurement?.count(stored.type);
        return null;
      } catch (error) {
        return (error as VitrineError).toJSON();
      }
    });
    // A click, a cart change, a search...: the visitor interacts (a page view alone is no interaction).
    if (valid.some((event) => event.type !== 'view' && event.type !== 'impression')) engine.interacted();
    await profile.record(...valid);
    bandits?.experiments.observe(valid);
    return refused;
  },
  /** Everything the profile holds, as readable JSON (titles, ISO dates). */
  profileExport: () => profile.export(),
  /** Deletes everything the profile holds (consent unchanged). */
  profileDelete: () => profile.delete(),
  /** Removes one product's events and its influence on the derived preferences. */
  profileForget: (productId: string) => profile.forget(productId),
  /** What is stored, in plain words, for a privacy panel. */
  profileSummary: () => profile.summary(),
  /** Applies one consent signal (scopes it names, source, time); resolves once enforced (after the purge, for a revocation). */
  setConsent: (signal: unknown) => consent.set(signal),
  /** The consent record: scopes, source, time, recent history. */
  consent: () => consent.record(),
  /** The shop's caps on the stored profile (events count, age in days); apply from the next write. */
  configureProfile: (limits: ProfileLimits) => profile.setLimits(limits),
  /** Sets (or with `endpoint: null` removes) the aggregate measurement endpoint. */
  configureMeasurement: (config: MeasurementConfig): Promise<void> => {
    const done = configured.then(async () => {
      const { Measurement } = await loadPart('measurement', () => import('./measurement.ts'));
      measurement ??= new Measurement({ allowed: () => consent.allows('measurement') });
      measurement.configure(config);
    });
    configured = done.catch(() => undefined);
    return done;
  },
  /** Sends the open measurement window and arm counts now (the page calls it when it is hidden). */
  flushMeasurement: () => configured.then(() => (bandits?.learning.counts.flush(), measurement?.flush())),
  /** Whether measurement is active, what is pending, what was sent. */
  measurement: () => configured.then(() => measurement?.status() ?? unconfiguredMeasurement()),
  /**
   * Learning across visitors (its code loads on the first call): applies `config` (priors file,
   * randomised response, counts endpoint) if given, resolving once the priors file was fetched or
   * failed; returns which priors are in use and the arm counts pending and sent.
   */
  bandits: (config?: BanditLearningConfig) => banditsPart().then((b) => b.learning.use(config)),
  /** Which arms of an experiment to show now (validates the spec: `INVALID_REQUEST` naming the field). */
  experiment: (spec: ExperimentSpec, context?: ExperimentContext) => banditsPart().then((b) => b.experiments.experiment(spec, context)),
  /** What the page saw of chosen arms: viewable impressions (trials), clicks, add-to-carts, purchases (successes). */
  reward: (feedback: ArmFeedback[]) => banditsPart().then((b) => b.experiments.reward(feedback)),
};

export type EngineApi = typeof api;

// Test builds only (gone from production code): sessions end after SESSION_GAP_MS of engine time.
if (import.meta.env.MODE === 'test')
  Object.assign(api, { advanceBanditClock: (ms: number) => banditsPart().then((b) => b.experiments.advanceClock(ms)) });

registerErrorTransfer();
expose(api);

const ready: WorkerReadyMessage = { type: WorkerMessageType.Ready, protocol: PROTOCOL_VERSION };
self.postMessage(ready);
