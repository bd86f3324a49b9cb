/**
 * Vitrine's own session model as a `NextItemModel`: builds a bundle from the training sessions with
 * the real bundle builder, loads it into the real kernels and asks the engine's `for_you` strategy,
 * exactly as the worker does in the browser (same code path; only explanations are skipped, since
 * nobody reads them here, and already-viewed items are allowed, as the protocol requires).
 */
import { decodeBundle, encodeBundle } from '../../shared/bundle/index.ts';
import type { ProductInput } from '../../shared/bundle/types.ts';
import type { StoredEvent } from '../../shared/events.ts';
import { normalizeRequest } from '../../shared/request.ts';
import { DEFAULT_WEIGHTS } from '../../worker/components/index.ts';
import { createLoadedBundle, type LoadedBundle } from '../../worker/loaded-bundle.ts';
import { recommend } from '../../worker/ranking.ts';
import { assembleBundleInput } from '../bundle-builder/build.ts';
import { EventType, type EventLog } from '../bundle-builder/events.ts';
import { createProgress } from '../bundle-builder/progress.ts';
import { loadNodeKernels } from '../kernels-node.ts';
import { evaluateModel } from './next-item-protocol.ts';
import type { EvalData, NextItemModel } from './types.ts';

/** Components the tuner fits (the session model of `for_you`), in the order it tries them. */
export const TUNED_COMPONENTS = ['similarity', 'sessionKnn', 'covisitation', 'revisit', 'popularity'] as const;
type TunedComponent = (typeof TUNED_COMPONENTS)[number];
type Weights = Partial<Record<TunedComponent, number>>;

export interface VitrineModelOptions {
  /** Component weights to use instead of the bundle's fitted ones (the tuner's candidates). */
  weights?: Weights;
  /** Fitted weights to ship in the bundle, as `bundle build --model` would. */
  modelWeights?: Record<string, number>;
}

/** Training items as a bare catalog: ids only (session logs carry no titles or prices). */
function bareProducts(itemIds: readonly string[]): ProductInput[] {
  return itemIds.map((id) => ({
    id,
    title: id,
    url: '',
    image: '',
    category: [],
    brand: '',
    price: null,
    salePrice: null,
    currency: 'EUR',
    inStock: true,
    rating: null,
    variants: [],
    attributes: {},
  }));
}

function trainingLog(data: EvalData): EventLog {
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

/** The bundle `vitrine bundle build` would make from these sessions, loaded into Node kernels. */
export async function trainingBundle(data: EvalData, modelWeights?: Record<string, number>): Promise<LoadedBundle> {
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
  const bundle = decodeBundle(encodeBundle(input));
  return createLoadedBundle(bundle, await loadNodeKernels());
}

/** A next-item model over an already loaded bundle (the tuner reuses one for every candidate). */
export function loadedModel(loaded: LoadedBundle, itemIds: readonly string[], weights?: Weights): NextItemModel {
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
      // The bare catalog was built in item order, so a product's row is its item index.
      return result.items.map((item) => loaded.bundle.products.indexOf(item.productId));
    },
  };
}

export async function createVitrineModel(data: EvalData, options: VitrineModelOptions = {}): Promise<NextItemModel> {
  const loaded = await trainingBundle(data, options.modelWeights);
  return loadedModel(loaded, data.itemIds, options.weights);
}

/** Starting point and steps of the weight search (multiplicative: weights are scale-free). */
const SEARCH_FACTORS = [0, 0.25, 0.5, 2, 4];
const SEARCH_ROUNDS = 2;

/**
 * Fits the session model's weights on `validation` (a train → valid split): coordinate ascent over
 * the tuned components, `sessionKnn` fixed at 1 as the scale, maximising HR@20 + MRR@20. A few
 * dozen evaluations on one loaded version; each candidate runs the full protocol.
 */
export async function tuneVitrine(validation: EvalData, log: (line: string) => void): Promise<Record<string, number>> {
  const loaded = await trainingBundle(validation);
  const weights: Weights = {};
  for (const component of TUNED_COMPONENTS) weights[component] = DEFAULT_WEIGHTS[component];
  weights.sessionKnn = 1;
  const score = (candidate: Weights): number => {
    const result = evaluateModel(loadedModel(loaded, validation.itemIds, candidate), validation, [20]);
    return result.hitRate[0]! + result.mrr[0]!;
  };
  let best = score(weights);
  log(`tune: start ${JSON.stringify(weights)} → HR@20 + MRR@20 = ${best.toFixed(4)}`);
  for (let round = 0; round < SEARCH_ROUNDS; round++) {
    let improved = false;
    for (const component of TUNED_COMPONENTS) {
      if (component === 'sessionKnn') continue;
      const current = weights[component]!;
      const tried = new Set<number>([current]);
      // Zero is always a candidate: a component that does not help is switched off.
      for (const factor of SEARCH_FACTORS) {
        const value = factor === 0 ? 0 : Number(((current || DEFAULT_WEIGHTS[component]!) * factor).toPrecision(3));
        if (tried.has(value)) continue;
        tried.add(value);
        const candidate = { ...weights, [component]: value };
        const result = score(candidate);
        if (result > best + 1e-4) {
          best = result;
          weights[component] = value;
          improved = true;
          log(`tune: ${component} = ${value} → ${best.toFixed(4)}`);
        }
      }
    }
    if (!improved) break;
  }
  log(`tune: done, HR@20 + MRR@20 = ${best.toFixed(4)}`);
  return weights as Record<string, number>;
}
