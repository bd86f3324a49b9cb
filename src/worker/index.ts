/**
 * The engine Worker. Its API object's type is the page/worker contract: the page imports
 * `EngineApi` with `import type` and calls it through comlink, so there is no hand-written copy.
 */
import { expose } from 'comlink';
import { registerErrorTransfer } from '../shared/error-transfer.ts';
import { PROTOCOL_VERSION, WorkerMessageType, type WorkerReadyMessage } from '../shared/protocol.ts';
import type { RecommendRequest, RequestContext, SimilarOptions } from '../shared/request.ts';
import { Engine } from './engine.ts';

const engine = new Engine();

const api = {
  /** Loads a bundle: an absolute URL (fetched once, then cached) or its bytes (transfer them in). */
  load: (source: string | ArrayBuffer) => engine.load(source),
  /** Products similar to `productId` (content + co-visitation + co-purchase). */
  similar: (productId: string, options?: SimilarOptions) => engine.similar(productId, options),
  /** Recommendations for one placement. */
  recommend: (request: RecommendRequest) => engine.recommend(request),
  /** The given products in a personalised order. */
  rerank: (productIds: string[], context?: RequestContext) => engine.rerank(productIds, context),
  /** What is loaded, which kernels run, the last error. */
  status: () => engine.status(),
};

export type EngineApi = typeof api;

registerErrorTransfer();
expose(api);

const ready: WorkerReadyMessage = { type: WorkerMessageType.Ready, protocol: PROTOCOL_VERSION };
self.postMessage(ready);
