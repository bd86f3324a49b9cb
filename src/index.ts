/**
 * Vitrine's library entry: `import { createVitrine } from 'vitrine'`. Everything runs in a Web
 * Worker started on first use; this module only holds the page-side API around the bridge.
 */
import { transfer } from 'comlink';
import { EngineBridge, type BridgeOptions, type CallOptions } from './embed/bridge.ts';
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
  /** Stops the worker; every later call rejects with `WORKER_CRASHED` (reason `closed`). */
  close(): void;
}

/** Creates a Vitrine engine; the worker starts on the first call. */
export function createVitrine({ timeoutMs, loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS, createWorker }: VitrineOptions = {}): Vitrine {
  const bridge = new EngineBridge({ timeoutMs, createWorker });
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
    close() {
      bridge.terminate();
    },
  };
}

export { VitrineError, isVitrineError, ERROR_CODES, type ErrorCode, type ErrorDetails } from './shared/errors.ts';
export type { EngineApi } from './worker/index.ts';
export type {
  BundleStatus,
  EngineState,
  EngineStatus,
  Placement,
  RecommendOptions,
  RecommendRequest,
  RecommendResult,
  RequestContext,
  RerankResult,
  ResultItem,
  SimilarOptions,
} from './shared/request.ts';
