/**
 * What happens when the engine worker dies, decided in one place. The bridge owns one
 * `CrashRecovery` and consults it; the page API tells it what the page session is.
 *
 * - When to give up: after more than `maxRestarts` crashes within `restartWindowMs` the engine
 *   stops for good and every call rejects with `WORKER_CRASHED` (reason `crash-loop`), so a worker
 *   that dies on every start costs at most `maxRestarts + 1` workers, not a loop.
 * - What is replayed: a restarted worker knows nothing of the page session, so before any call
 *   reaches it, it gets back the last consent decision (same scopes, source and time), the profile
 *   caps, the measurement endpoint and the last bundle loaded from a URL. A bundle loaded from an
 *   ArrayBuffer cannot be replayed (its bytes went to the dead worker): calls that need a bundle
 *   then fail with `NOT_READY` (reason `restarted`) until `load()` succeeds again.
 * - What is retried: `retry()` runs a call once more after the worker crashed under it (the
 *   script tag's widgets use it); a crash loop, a closed engine or a worker that cannot start
 *   stay down.
 */
import type { Remote } from './worker-calls.ts';
import type { EngineApi } from '../worker/index.ts';
import {
  CONSENT_CHANNEL,
  type ConsentChannelMessage,
  type ConsentChoice,
  type ConsentSignal,
  type ConsentSource,
  type ConsentState,
} from '../shared/consent-record.ts';
import { isVitrineError, VitrineError } from '../shared/errors.ts';
import type { MeasurementConfig } from '../shared/measurement-status.ts';
import type { BanditLearningConfig } from '../shared/bandit/learning-status.ts';
import type { ProfileLimits } from '../shared/profile-limits.ts';

/** Crashes tolerated within `DEFAULT_RESTART_WINDOW_MS`; one more and the engine stops for good. */
export const DEFAULT_MAX_RESTARTS = 3;
/** Window over which crashes are counted, ms. */
export const DEFAULT_RESTART_WINDOW_MS = 60_000;

export interface CrashRecoveryOptions {
  /** Crashes tolerated within `restartWindowMs` before giving up. Default `3`. */
  maxRestarts?: number;
  /** Window over which crashes are counted, ms. Default `60000`. */
  restartWindowMs?: number;
  /**
   * How long a restart's replay waits for the bundle to load again (calls queue behind it), ms; then
   * the download is stopped and the bundle counts as lost. Default `60000`.
   */
  replayLoadTimeoutMs?: number;
}

/** The reason of a crash worth one more try: the worker was running and died under the call. */
const crashedUnderCall = (error: unknown): boolean =>
  isVitrineError(error) && error.code === 'WORKER_CRASHED' && (error.details.reason === 'error' || error.details.reason === 'messageerror');

/** A choice made only of boolean scopes, as the worker accepts. */
function wellFormed(choice: unknown): choice is ConsentChoice {
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return false;
  return Object.entries(choice).every(([key, value]) => ['personalization', 'measurement'].includes(key) && typeof value === 'boolean');
}

/** A consent decision as the signal that replays it. */
type Decision = Required<ConsentChoice> & { source: ConsentSource; time: number };

export interface CrashRecovery {
  // ---- when to give up
  /** The crash-loop error once the engine gave up for good, else null. */
  readonly gaveUp: VitrineError | null;
  /** Records a crash; past the budget, gives up for good. */
  crashed(message: string): void;

  // ---- what is replayed
  /** The shop's profile caps, once given. */
  limits: ProfileLimits | null;
  /** The measurement endpoint, from when it is configured; cleared if the worker refuses it. */
  measurement: MeasurementConfig | null;
  /** The bandits' priors file, epsilon and counts endpoint, from when they are configured; cleared if the worker refuses them. */
  bandits: BanditLearningConfig | null;
  /** A consent state seen from the worker (or another tab) replaces ours unless ours is newer. */
  decided(state: ConsentState): void;
  /**
   * A consent choice whose signal was lost with its worker: the visitor still decided it (a
   * revocation above all), so a restart replays it. A well-formed choice only: the worker rejects
   * anything else.
   */
  undelivered(choice: unknown, signal: unknown, error: unknown): void;
  /** A bundle loaded: the absolute URL it came from (and the integrity it was checked against), or its (now transferred) bytes. */
  loaded(source: string | ArrayBuffer, integrity?: string, maxDownload?: number, head?: string): void;
  /** Why a call that needs a bundle cannot be answered now (after a restart lost it), else null. */
  readonly bundleLost: VitrineError | null;
  /** Replays the page session into a restarted worker, before any queued call reaches it. */
  replay(engine: Remote<EngineApi>): Promise<void>;

  // ---- what is retried
  /** Runs `call`, and once more if the worker crashed under it: the retry gets a restarted worker with the session replayed. */
  retry<T>(call: () => Promise<T>): Promise<T>;

  /** Stops listening to other tabs. */
  close(): void;
}

/** The crash policy of one bridge, and the page session it replays. */
export function createCrashRecovery({
  maxRestarts = DEFAULT_MAX_RESTARTS,
  restartWindowMs = DEFAULT_RESTART_WINDOW_MS,
  replayLoadTimeoutMs = 60_000,
}: CrashRecoveryOptions = {}): CrashRecovery {
  /** Times of recent crashes, oldest first, within the restart window. */
  let crashes: number[] = [];
  /** The last consent decision; `source: 'default'`: none yet. */
  let consent: Decision = { personalization: false, measurement: false, source: 'default', time: 0 };
  /** The last bundle that loaded: its absolute URL, or `'bytes'` for a transferred ArrayBuffer. */
  let bundle: string | null = null;
  /** The `integrity` that bundle was loaded with: a restart checks the replayed copy against it too. */
  let bundleIntegrity: string | undefined;
  /** The cap on the background download that bundle was loaded with: a restart keeps it. */
  let bundleMaxDownload: number | undefined;
  /** Its head part's URL: a restart loads the same way. */
  let bundleHead: string | undefined;
  const decide = (decision: Decision): void => {
    if (decision.time >= consent.time) consent = decision;
  };
  // Other tabs' decisions reach our worker over this channel; the page hears them too, so a restart
  // never replays a decision another tab has since replaced (a grant over a revocation, above all).
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CONSENT_CHANNEL);
  // Writable here, read-only to the rest of the page (the interface).
  const recovery: { -readonly [K in keyof CrashRecovery]: CrashRecovery[K] } = {
    gaveUp: null,
    crashed(message) {
      const now = Date.now();
      crashes = crashes.filter((time) => now - time < restartWindowMs);
      crashes.push(now);
      if (crashes.length > maxRestarts) {
        recovery.gaveUp = new VitrineError(
          'WORKER_CRASHED',
          `the engine worker crashed ${crashes.length} times within ${restartWindowMs} ms; it is not restarted again (last: ${message})`,
          { reason: 'crash-loop', crashes: crashes.length },
        );
      }
    },
    limits: null,
    measurement: null,
    bandits: null,
    decided({ personalization, measurement, source, updatedAt: time }) {
      decide({ personalization, measurement, source, time });
    },
    undelivered(choice, signal, error) {
      // A well-formed choice went out as `{ ...choice, source, time }`: the scopes it names, over ours.
      if (isVitrineError(error) && error.code === 'WORKER_CRASHED' && wellFormed(choice))
        decide({ ...consent, ...(signal as ConsentSignal) });
    },
    loaded(source, integrity, maxDownload, head) {
      bundle = typeof source === 'string' ? source : 'bytes';
      bundleIntegrity = integrity;
      bundleMaxDownload = maxDownload;
      bundleHead = head;
      recovery.bundleLost = null;
    },
    bundleLost: null,
    async replay(engine) {
      // Consent first: the new worker reads the stored profile only once persistence is allowed.
      if (consent.source !== 'default') await engine.setConsent(consent);
      if (recovery.limits) await engine.configureProfile(recovery.limits);
      if (recovery.measurement) await engine.configureMeasurement(recovery.measurement);
      if (recovery.bandits) await engine.bandits(recovery.bandits);
      const url = bundle;
      if (url === 'bytes') {
        recovery.bundleLost = new VitrineError('NOT_READY', 'the engine restarted without the ArrayBuffer bundle: call load() again', {
          reason: 'restarted',
        });
      } else if (url !== null) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          // A download that stalls must not hold every call queued behind the replay (RELIABILITY.md V13).
          await Promise.race([
            engine.load(url, bundleIntegrity, bundleMaxDownload, bundleHead),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                engine.abortLoad().catch(() => 0);
                reject(new VitrineError('TIMEOUT', `took longer than ${replayLoadTimeoutMs} ms`, { timeoutMs: replayLoadTimeoutMs }));
              }, replayLoadTimeoutMs);
            }),
          ]);
        } catch (error) {
          const cause = isVitrineError(error) ? error : null;
          recovery.bundleLost = new VitrineError(
            'NOT_READY',
            `the engine worker restarted and reloading ${url} failed: ${cause?.message ?? String(error)}`,
            { reason: 'restarted', url, cause: cause?.code },
          );
        } finally {
          clearTimeout(timer);
        }
      }
    },
    async retry(call) {
      try {
        return await call();
      } catch (error) {
        if (crashedUnderCall(error)) return call();
        throw error;
      }
    },
    close() {
      channel?.close();
    },
  };
  channel?.addEventListener('message', (event: MessageEvent<Partial<ConsentChannelMessage> | null>) => {
    if (event.data?.type === 'consent' && event.data.state) recovery.decided(event.data.state);
  });
  return recovery;
}
