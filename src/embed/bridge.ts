/**
 * The one place on the page that owns the engine Worker: it starts it lazily, wraps it once
 * (worker-calls.ts speaks comlink's protocol to it), puts a deadline and an optional AbortSignal on every call, turns a dying worker into
 * `WORKER_CRASHED` for every pending call, and terminates it in `terminate()`. Nothing else on the
 * page touches `Worker` or comlink.
 *
 * After a crash the next call starts a fresh worker (restarts are lazy: only a call starts one).
 * What happens then is the policy of the bridge's `recovery` (crash-recovery.ts): it replays the
 * page session into the new worker before any queued call reaches it, says which calls are worth
 * one more try, and decides when the bridge gives up for good.
 *
 * Known limit: a worker that dies without an `error` event (`self.close()`, killed by the browser)
 * is not noticed until a call misses its deadline (`TIMEOUT`); it is not restarted.
 */
import type { Remote } from './worker-calls.ts';
import type { EngineApi } from '../worker/index.ts';
import { VitrineError } from '../shared/errors.ts';
import { isWorkerMessage } from '../shared/worker-ready.ts';
// Vite bundles the worker as its own hash-named file; this is its URL (relative to this script).
import workerUrl from '../worker/index.ts?worker&url';
import { createCrashRecovery, type CrashRecovery, type CrashRecoveryOptions } from './crash-recovery.ts';
import { wrap } from './worker-calls.ts';
import { startModuleWorker } from './worker-start.ts';

/** The engine worker's URL, for the library's own start (library-worker.ts). Typed as a plain string so the published declarations name no `?worker&url` module. */
export const engineWorkerUrl: string = workerUrl;

/** Deadline of one call when the caller gives none: generous, a query takes milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** `maxRestarts` and `restartWindowMs` go to the bridge's `CrashRecovery`. */
export interface BridgeOptions extends CrashRecoveryOptions {
  /** Deadline of one call in milliseconds. Default `10000`. */
  timeoutMs?: number;
  /**
   * Makes the worker. Default: the engine worker, bundled by Vite as its own hash-named file.
   * Tests pass a broken worker here to prove crash handling.
   */
  createWorker?: () => Worker;
  /**
   * Runs against each restarted worker (not the first one) before any queued call reaches it, to
   * replay the page session. If it rejects, the calls waiting for it reject with its error; later
   * calls reach the worker as it is. Default: the recovery's `replay`; tests pass their own.
   */
  onRestart?: (engine: Remote<EngineApi>) => Promise<void>;
}

export interface CallOptions {
  /** Abort the wait: the call rejects with `signal.reason` (an `AbortError` by default). */
  signal?: AbortSignal;
  /** Deadline of this call in milliseconds; default the bridge's `timeoutMs`. */
  timeoutMs?: number;
  /** Name shown in a `TIMEOUT` error, e.g. `'recommend'`. */
  label?: string;
}

function createEngineWorker(): Worker {
  return startModuleWorker(workerUrl);
}

/** Rejects one pending call; kept in a set so a crash can reject them all. */
type Reject = (reason: unknown) => void;

interface Running {
  worker: Worker;
  remote: Remote<EngineApi>;
  /** Resolves when the worker module has evaluated and posted its ready message. */
  ready: Promise<void>;
  /** Settles when the worker may take calls: at once for the first worker, after `onRestart` for the others. */
  restored: Promise<void>;
}

export class EngineBridge {
  /** What a crash leads to: the replay, the retry, the point of giving up. */
  readonly recovery: CrashRecovery;
  readonly #timeoutMs: number;
  readonly #createWorker: () => Worker;
  readonly #onRestart: (engine: Remote<EngineApi>) => Promise<void>;
  readonly #pending = new Set<Reject>();
  #running: Running | null = null;
  #terminated = false;
  /** Whether a worker was ever started: the next one is a restart. */
  #startedOnce = false;

  constructor({ timeoutMs = DEFAULT_TIMEOUT_MS, createWorker = createEngineWorker, onRestart, ...recovery }: BridgeOptions = {}) {
    this.recovery = createCrashRecovery(recovery);
    this.#timeoutMs = timeoutMs;
    this.#createWorker = createWorker;
    this.#onRestart = onRestart ?? ((engine) => this.recovery.replay(engine));
  }

  /** How many workers were replaced after a crash so far. */
  get restarts(): number {
    return this.#restarts;
  }
  #restarts = 0;

  /** True while a worker is running (it starts on the first call). */
  get started(): boolean {
    return this.#running !== null;
  }

  /**
   * Runs `fn` against the engine and settles with its result, a `TIMEOUT`, a `WORKER_CRASHED`,
   * or the signal's abort reason, whichever comes first. Aborting only stops the wait: queries
   * are milliseconds long, so killing the worker (and its loaded bundle) would cost more.
   */
  run<T>(fn: (engine: Remote<EngineApi>) => Promise<T>, { signal, timeoutMs, label = 'call' }: CallOptions = {}): Promise<T> {
    if (this.#terminated) {
      return Promise.reject(new VitrineError('WORKER_CRASHED', 'the engine was closed', { reason: 'closed' }));
    }
    const gaveUp = this.recovery.gaveUp;
    if (gaveUp) return Promise.reject(gaveUp);
    if (signal?.aborted) return Promise.reject(signal.reason);
    let running: Running;
    try {
      running = this.#start();
    } catch (error) {
      // `new Worker` itself threw (a CSP or Trusted Types refusal, a bad URL): a crash like any other.
      return Promise.reject(this.#startFailed(error));
    }
    const deadline = timeoutMs ?? this.#timeoutMs;
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => settle(() => reject(signal?.reason));
      const settle = (finish: () => void): void => {
        if (!this.#pending.delete(fail)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const fail: Reject = (reason) => settle(() => reject(reason));
      this.#pending.add(fail);
      timer = setTimeout(
        () => fail(new VitrineError('TIMEOUT', `${label} took longer than ${deadline} ms`, { method: label, timeoutMs: deadline })),
        deadline,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      running.restored
        .then(() => fn(running.remote))
        .then(
          (value) => settle(() => resolve(value)),
          (error: unknown) => fail(error),
        );
    });
  }

  /** Resolves once the worker has started (starting it if needed); rejects like `run`. */
  ready(options: CallOptions = {}): Promise<void> {
    return this.run(() => this.#start().ready, { label: 'start', ...options });
  }

  /** Stops the worker for good and rejects every pending call. Safe to call twice. */
  terminate(): void {
    this.#terminated = true;
    this.recovery.close();
    this.#stop(new VitrineError('WORKER_CRASHED', 'the engine was closed', { reason: 'closed' }));
  }

  #start(): Running {
    if (this.#running) return this.#running;
    const restart = this.#startedOnce;
    this.#startedOnce = true;
    const worker = this.#createWorker();
    const remote = wrap<EngineApi>(worker);
    const ready = new Promise<void>((resolve) => {
      const onMessage = (event: MessageEvent): void => {
        if (!isWorkerMessage(event.data)) return;
        worker.removeEventListener('message', onMessage);
        resolve();
      };
      worker.addEventListener('message', onMessage);
    });
    const onError = (event: ErrorEvent): void => {
      // Handled: it becomes WORKER_CRASHED for the callers, so keep it out of the shop's console.
      event.preventDefault();
      this.#crash(worker, 'error', event.message || 'the worker failed to start or threw');
    };
    const onMessageError = (): void => this.#crash(worker, 'messageerror', 'a message from the worker could not be read');
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onMessageError);
    const running: Running = { worker, remote, ready, restored: Promise.resolve() };
    if (restart) {
      this.#restarts++;
      // Calls queue behind the replay; if the worker dies during it, #stop rejects them. A failed
      // replay holds only the calls already waiting for it (they get its error), not later ones.
      running.restored = this.#onRestart(remote);
      running.restored.catch(() => {
        running.restored = Promise.resolve();
      });
    }
    this.#running = running;
    return running;
  }

  #crash(worker: Worker, reason: string, message: string): void {
    // A late event from a worker we already replaced must not reject the new worker's calls.
    if (this.#running?.worker !== worker) return;
    this.recovery.crashed(message);
    this.#stop(new VitrineError('WORKER_CRASHED', message, { reason }));
  }

  /** The error for a worker that could not even be constructed; counted against the restart budget. */
  #startFailed(error: unknown): VitrineError {
    const message = `the engine worker could not be started: ${error instanceof Error ? error.message : String(error)}`;
    this.recovery.crashed(message);
    return this.recovery.gaveUp ?? new VitrineError('WORKER_CRASHED', message, { reason: 'start' });
  }

  /** The single clean-up path: kill the worker, reject what is pending. */
  #stop(error: VitrineError): void {
    const running = this.#running;
    this.#running = null;
    running?.worker.terminate();
    const pending = [...this.#pending];
    for (const reject of pending) reject(error);
  }
}
