/**
 * Vitrine's own session model as a `NextItemModel`: builds a bundle from the training sessions with
 * the real bundle builder, loads it into the real kernels and asks the engine's `for_you` strategy,
 * exactly as the worker does in the browser (same code path; only explanations are skipped, since
 * nobody reads them here, and already-viewed items are allowed, as the protocol requires).
 */
import { decodeBundle, encodeBundle } from '../../shared/bundle/index.ts';
import type { BundleInput, ProductInput, SessionModel } from '../../shared/bundle/types.ts';
import type { StoredEvent } from '../../shared/events.ts';
import { normalizeRequest } from '../../shared/request.ts';
import { createLoadedBundle, type LoadedBundle } from '../../worker/loaded-bundle.ts';
import { recommend } from '../../worker/ranking.ts';
import { bareProduct } from '../bundle-builder/product.ts';
import { assembleBundleInput } from '../bundle-builder/build.ts';
import { renumberProducts } from '../bundle-builder/product-order.ts';
import { EventType, type EventLog } from '../bundle-builder/events.ts';
import { createProgress } from '../bundle-builder/progress.ts';
import { collectGarbage } from '../heap-growth.ts';
import { loadNodeKernels } from '../kernels-node.ts';
import type { EvalData, NextItemModel } from './types.ts';

/** Components the fitting weighs (the session model of `for_you`), in the order it tries them (`fit.ts`). */
export const TUNED_COMPONENTS = ['similarity', 'sessionKnn', 'covisitation', 'successors', 'revisit', 'popularity'] as const;
type TunedComponent = (typeof TUNED_COMPONENTS)[number];
type Weights = Partial<Record<TunedComponent, number>>;

export interface VitrineModelOptions {
  /** Component weights to use instead of the bundle's fitted ones (the tuner's candidates). */
  weights?: Weights;
  /** Fitted weights to ship in the bundle, as `bundle build --model` would. */
  modelWeights?: Record<string, number> | undefined;
  /** Fitted session-kNN constants to ship in the bundle (default: none, the published defaults). */
  sessionModel?: SessionModel | undefined;
}

/** Shared by every bare product: nothing reads a product's lists to change them. */
const NONE: never[] = [];
const NO_ATTRIBUTES = {};

/**
 * Training items as a bare catalog: ids only (session logs carry no titles or prices). The empty
 * lists are shared, not three new objects per product (a fitting's catalog holds every product of
 * the log).
 */
function bareProducts(itemIds: readonly string[]): ProductInput[] {
  return itemIds.map((id) => bareProduct(id, { category: NONE, variants: NONE, attributes: NO_ATTRIBUTES }));
}

/** The training sessions as the bundle builder's event log (all views). */
export function trainingLog(data: Pick<EvalData, 'train'>): EventLog {
  const count = data.train.reduce((sum, session) => sum + session.items.length, 0);
  const log: EventLog = {
    session: new Uint32Array(count),
    product: new Uint32Array(count),
    time: new Float64Array(count),
    type: new Uint8Array(count).fill(EventType.view),
    count,
    sessions: data.train.length,
    unknownProducts: 0,
  };
  let at = 0;
  data.train.forEach((session, s) => {
    session.items.forEach((item, i) => {
      log.session[at] = s;
      log.product[at] = item;
      log.time[at] = session.times[i]! * 1000;
      at++;
    });
  });
  return log;
}

/**
 * The bundle `vitrine bundle build` would make from these sessions, loaded into Node kernels. Each
 * step's input is let go once the next exists (the input, its renumbered copy, the bytes): held
 * together, their three copies of the vectors made the peak memory of a 200,000-product build.
 */
export async function trainingBundle(
  data: EvalData,
  modelWeights?: Record<string, number>,
  sessionModel?: SessionModel,
): Promise<LoadedBundle> {
  const bytes = encodedTrainingBundle(data, modelWeights, sessionModel);
  // The input's vectors are garbage now: freed before the kernels take their copy.
  collectGarbage();
  return createLoadedBundle(decodeBundle(bytes), await loadNodeKernels());
}

function encodedTrainingBundle(data: EvalData, modelWeights?: Record<string, number>, sessionModel?: SessionModel): Uint8Array {
  const input = storedTrainingInput(data, modelWeights, sessionModel);
  // The input before renumbering is garbage now: freed before the bytes are allocated.
  collectGarbage();
  return encodeBundle(input);
}

/** The training bundle's input, its rows in the order `bundle build` stores them (by category, then popularity), as visitors get it. */
function storedTrainingInput(data: EvalData, modelWeights?: Record<string, number>, sessionModel?: SessionModel): BundleInput {
  const input = assembleBundleInput({
    products: bareProducts(data.itemIds),
    descriptions: data.itemIds.map(() => ''),
    events: trainingLog(data),
    quantize: 'none',
    topM: 50,
    trendingDays: 7,
    seed: 1,
    builtAt: '2000-01-01T00:00:00.000Z',
    modelWeights,
    progress: createProgress(false),
  });
  if (sessionModel) input.sessionModel = sessionModel;
  return renumberProducts(input);
}

/** A next-item model over an already loaded bundle (the tuner reuses one for every candidate). */
export function loadedModel(loaded: LoadedBundle, itemIds: readonly string[], weights?: Weights): NextItemModel {
  const itemIndex = new Map(itemIds.map((id, item) => [id, item]));
  const requests = new Map<number, ReturnType<typeof normalizeRequest>>();
  return {
    name: 'vitrine',
    predict(prefix, times, k) {
      let request = requests.get(k);
      if (!request) {
        request = normalizeRequest({
          placement: 'for_you',
          limit: k,
          includeViewed: true,
          inStockOnly: false,
          rules: { excludePurchased: false },
        });
        requests.set(k, request);
      }
      const events: StoredEvent[] = prefix.map((item, i) => ({ type: 'view', product: itemIds[item]!, time: times[i]! * 1000 }));
      const now = events[events.length - 1]?.time ?? 0;
      const result = recommend(loaded, request, { events, affinities: null, now }, { explain: false, weights });
      // By id: the bundle stores products in its own order, not the items'.
      return result.items.map((item) => itemIndex.get(item.productId)!);
    },
  };
}

export async function createVitrineModel(data: EvalData, options: VitrineModelOptions = {}): Promise<NextItemModel> {
  const loaded = await trainingBundle(data, options.modelWeights, options.sessionModel);
  return loadedModel(loaded, data.itemIds, options.weights);
}
