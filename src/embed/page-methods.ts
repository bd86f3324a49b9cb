/**
 * The page API as one table. Each entry is one method of `Vitrine`: the worker call it makes, the
 * argument that holds its call options (`signal`, `timeoutMs`), whether it needs a loaded bundle,
 * and, where the page does more than pass arguments on, how it prepares them and what the crash
 * recovery must hear of the result. Its label (`'profile.forget'`, shown in a `TIMEOUT`) is its
 * path in the table. Both the `Vitrine` type and the methods themselves are made from the table,
 * so a new engine call is one entry here, and its page signature follows the worker's.
 */
import { transfer } from './worker-calls.ts';
import { unsendable } from './unsendable.ts';
import type { EngineApi } from '../worker/index.ts';
import type { ConsentChoice, ConsentSignal } from '../shared/consent-record.ts';
import type { CallOptions, EngineBridge } from './bridge.ts';
import type { CrashRecovery } from './crash-recovery.ts';

/** Per-call options: abort the wait, or override the deadline. */
export type CallControl = Pick<CallOptions, 'signal' | 'timeoutMs'>;

type EngineCall = keyof EngineApi;
type WorkerArgs<C extends EngineCall> = Parameters<EngineApi[C]>;
type WorkerResult<C extends EngineCall> = Awaited<ReturnType<EngineApi[C]>>;

/** How one page method reaches the worker method `C`. */
interface MethodSpec<C extends EngineCall> {
  /** The worker method it calls. */
  call: C;
  /**
   * Position of the page method's last, optional argument, which holds `CallControl`: the
   * worker's argument there (its options) gains `signal` and `timeoutMs`, or is added.
   */
  control: 0 | 1 | 2;
  /** The rest of that argument goes to the worker (`similar`, `rerank`); else it is call control only. */
  forward?: true;
  /** Needs the bundle: after a restart that lost it, the call fails with `NOT_READY` until `load()` again. */
  bundle?: true;
  /** Names of the worker's arguments where there are several, for an error naming a field that cannot be sent. */
  params?: string[];
  /** A long call: its deadline defaults to `loadTimeoutMs`, not the per-call `timeoutMs`. */
  long?: true;
  /**
   * The worker call that stops this one when the page stops waiting for it (deadline or abort),
   * unless a newer call of this method came since (the worker dropped the older one for it then).
   */
  stop?: EngineCall;
  /**
   * The worker's arguments from the page's (those before the control one) and the rest of the
   * control argument; a throw rejects the call before the worker starts. Its parameter types are
   * the page method's. Default: the page's arguments as they are.
   */
  wire?: (args: never, options: never) => WorkerArgs<C>;
  /** The call succeeded: what the crash recovery must remember for a restart. */
  done?: (recovery: CrashRecovery, value: WorkerResult<C>, sent: WorkerArgs<C>) => void;
  /** The call failed: what the crash recovery must remember anyway. */
  failed?: (recovery: CrashRecovery, error: unknown, given: unknown[], sent: WorkerArgs<C>) => void;
}

type AnyMethodSpec = { [C in EngineCall]: MethodSpec<C> }[EngineCall];
interface MethodTable {
  [name: string]: AnyMethodSpec | MethodTable;
}

/** The worker's arguments with `CallControl` joined to the one at `At`, or added there as the last, optional one. */
type WithControl<P extends unknown[], At extends number> = `${At}` extends keyof P
  ? { [I in keyof P]: I extends `${At}` ? P[I] & CallControl : P[I] }
  : [...P, options?: CallControl];

/** The page signature of one entry: its `wire`'s parameters, else the worker's, plus call control; always a promise. */
type PageMethod<S> = S extends { call: infer C extends EngineCall; control: infer At extends number }
  ? S extends { wire: (args: infer A extends unknown[], options: infer O) => unknown }
    ? (...args: [...A, options?: CallControl & O]) => Promise<WorkerResult<C>>
    : (...args: WithControl<WorkerArgs<C>, At>) => Promise<WorkerResult<C>>
  : never;

/**
 * The page API a table describes. Homomorphic, so each method keeps its entry's JSDoc; `infer`
 * lets editors show a nested API (`vitrine.consent`) by its methods rather than by its table.
 */
export type PageApi<T> = { -readonly [K in keyof T]: T[K] extends { call: EngineCall } ? PageMethod<T[K]> : PageApi<T[K]> } extends infer A
  ? { [K in keyof A]: A[K] }
  : never;

/** The page API, one entry per method; its JSDoc is what users see on `Vitrine`. */
export const PAGE_METHODS = {
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
   *
   * `integrity` (Subresource Integrity syntax, e.g. `'sha384-…'`): every copy of the bundle (from
   * the network, the cache or a revalidation) is checked against it before use; one that differs
   * fails with `BUNDLE_INTEGRITY_MISMATCH` and nothing from it is used.
   * `head`: the bundle's head part (`shop.head.vtb`, written by `vitrine bundle build` next to a
   * large catalog's bundle). A first visit loads it first and resolves once it serves; the full bundle follows in the background
   * and swaps in whole (`status().bundle.part`). With Save-Data or a slow connection it waits for
   * the visitor's first interaction; `maxDownload` (bytes) caps it: a larger full bundle is never
   * fetched and the head keeps serving. With `integrity` the head part is not used.
   * @example await vitrine.load('/shop.vtb', { integrity: 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC' })
   */
  load: {
    call: 'load',
    control: 1,
    long: true,
    // A download that stalls must not hold the worker's load queue once the page gave up on it.
    stop: 'abortLoad',
    // The worker's base URL is its own script, not the page: resolve relative URLs here.
    wire: (
      [source]: [source: string | URL | ArrayBuffer],
      { integrity, maxDownload, head }: { integrity?: string; maxDownload?: number; head?: string | URL },
    ) => [
      source instanceof ArrayBuffer ? transfer(source, [source]) : new URL(source, document.baseURI).href,
      integrity,
      maxDownload,
      head && new URL(head, document.baseURI).href,
    ],
    done: (recovery, _status, [source, integrity, maxDownload, head]) => recovery.loaded(source, integrity, maxDownload, head),
  },
  /** @example await vitrine.similar('sku-1', { limit: 4 }) */
  similar: { call: 'similar', control: 1, forward: true, bundle: true, params: ['productId', 'options'] },
  /** @example await vitrine.recommend({ placement: 'for_you', context: { recent: ['sku-9'] } }) */
  recommend: { call: 'recommend', control: 1, bundle: true },
  /** @example await vitrine.rerank(['sku-1', 'sku-2'], { recent: ['sku-9'] }, { locale: 'de' }) */
  rerank: { call: 'rerank', control: 2, forward: true, bundle: true, params: ['productIds', 'context', 'options'] },
  /**
   * The visitor's intent (browsing / buying) and buyer type (bargain / premium, brand-loyal /
   * exploring), each with a confidence and the evidence, computed on the device.
   */
  traits: { call: 'traits', control: 0, bundle: true },
  status: { call: 'status', control: 0 },
  /** Consent: the page collects signals, the worker enforces them. */
  consent: {
    /**
     * Records a consent choice and enforces it; resolves with the consent record once done (for a
     * revocation of `personalization`: after everything persisted is deleted). The last signal wins,
     * whether it came from here, the TCF CMP or Consent Mode. `source` is for adapters.
     * @example await vitrine.consent.set({ personalization: true })
     */
    set: {
      call: 'setConsent',
      control: 1,
      // A non-object goes through as is, for the worker to reject with INVALID_REQUEST.
      wire: ([choice]: [choice: ConsentChoice], { source = 'api' }: { source?: ConsentSignal['source'] }) => [
        typeof choice === 'object' && choice !== null ? { ...choice, source, time: Date.now() } : choice,
      ],
      done: (recovery, record) => recovery.decided(record),
      failed: (recovery, error, [choice], [signal]) => recovery.undelivered(choice, signal, error),
    },
    /** The consent record: scopes, where the last signal came from, when, and recent history. */
    get: {
      call: 'consent',
      control: 0,
      // It may carry another tab's decision, which this worker adopted.
      done: (recovery, record) => recovery.decided(record),
    },
  },
  /**
   * On-device experiments (bandits): which of the shop's arms to show this visitor now. Resolves with
   * the chosen arms (`spec.slots` of them) and the one exploration position, if any (`explore`).
   * A bad spec rejects with `INVALID_REQUEST` naming the field. See docs/bandits.md.
   * @example const { arms } = await vitrine.experiment({ name: 'home-hero', arms: ['sale', 'new-in', 'free-shipping'] })
   */
  experiment: { call: 'experiment', control: 2, params: ['spec', 'context'] },
  /**
   * What the visitor saw of chosen arms: `'impression'` (viewable: the trial), `'click'`,
   * `'add_to_cart'`, `'purchase'` (a success, once per session and arm, weighted by `spec.reward`).
   * @example await vitrine.reward([{ experiment: 'home-hero', arm: 'sale', kind: 'click' }])
   */
  reward: { call: 'reward', control: 1, params: ['feedback'] },
  /** State of aggregate measurement: active or not, pending counts, batches sent. */
  measurement: { call: 'measurement', control: 0 },
  /**
   * Bandits learning across visitors: applies `config` if given (as the `bandits` option does, but
   * not replayed after a worker crash), then returns the priors in use (file, its `updatedAt`, the
   * last priors error) and the arm counts pending and sent. @example await vitrine.bandits({ priors: '/vitrine/priors.json' })
   */
  bandits: { call: 'bandits', control: 1, params: ['config'] },
  /** The visitor's rights over their profile: see, export, edit, delete. */
  profile: {
    /** Everything stored about the visitor as readable JSON (product titles, ISO dates). @example JSON.stringify(await vitrine.profile.export(), null, 2) */
    export: { call: 'profileExport', control: 0 },
    /** Deletes everything stored about the visitor (consent stays as it is). */
    delete: { call: 'profileDelete', control: 0 },
    /** Removes one product from the profile: its events and its influence on derived preferences. @example await vitrine.profile.forget('sku-1') */
    forget: { call: 'profileForget', control: 1, params: ['productId'] },
    /** What is stored, in plain English sentences, for a privacy panel. */
    summary: { call: 'profileSummary', control: 0 },
  },
} satisfies MethodTable;

/** What the methods need: the bridge to call through (it owns the crash recovery), and `load`'s default deadline. */
export interface MethodContext {
  bridge: EngineBridge;
  loadTimeoutMs: number;
}

/** Makes the methods a table describes; a nested table becomes a nested object (`consent.set`). */
export function makePageMethods<T extends MethodTable>(table: T, context: MethodContext, path = ''): PageApi<T> {
  const api: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(table)) {
    api[name] =
      'call' in entry
        ? pageMethod(entry as LooseSpec, path + name, context)
        : makePageMethods(entry as MethodTable, context, `${path + name}.`);
  }
  return api as PageApi<T>;
}

/**
 * An entry as the code below sees it. The table's types tie each entry's hooks to its worker
 * method; one loose shape serves all of them here.
 */
type Hook = (...args: unknown[]) => unknown;
type LooseSpec = Omit<MethodSpec<EngineCall>, 'wire' | 'done' | 'failed'> & { wire?: Hook; done?: Hook; failed?: Hook };

function pageMethod(
  { call, control, forward, bundle, long, stop, params, wire, done, failed }: LooseSpec,
  label: string,
  { bridge, loadTimeoutMs }: MethodContext,
): (...args: unknown[]) => Promise<unknown> {
  const { recovery } = bridge;
  let calls = 0;
  // Async: a throw in `wire` (a bad argument) rejects the call like any other failure.
  return async (...args) => {
    const number = ++calls;
    const { signal, timeoutMs = long ? loadTimeoutMs : undefined, ...options } = (args[control] ?? {}) as CallControl;
    const given = Array.from({ length: control }, (_, i) => args[i]);
    const sent = wire ? (wire(given, options) as unknown[]) : forward ? [...given, options] : given;
    try {
      const value = await bridge.run(
        // Checked inside the call, so after a restart's replay has run.
        (engine) =>
          bundle && recovery.bundleLost
            ? Promise.reject(recovery.bundleLost)
            : (engine[call] as (...a: unknown[]) => Promise<unknown>)(...sent),
        { signal, timeoutMs, label },
      );
      done?.(recovery, value, sent);
      return value;
    } catch (thrown) {
      // What postMessage could not copy (a function, a DOM node, ...) is the caller's input error.
      const error = (thrown as Error)?.name == 'DataCloneError' ? unsendable(sent, params) : thrown;
      failed?.(recovery, error, given, sent);
      if (stop && number == calls && (signal?.aborted || (error as { code?: string }).code == 'TIMEOUT')) {
        bridge.run((engine) => (engine[stop] as () => Promise<unknown>)(), { label }).catch(() => 0);
      }
      throw error;
    }
  };
}
