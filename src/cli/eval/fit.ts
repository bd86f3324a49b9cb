/**
 * Fits the session model per shop, on its own log only: the last sessions by time become a
 * validation part (session-rec style, `time-split.ts`), and the session-kNN constants, then the
 * weights that combine the `for_you` components, are chosen by how well they predict each next
 * validation event (HR@20 + MRR@20 per prediction).
 *
 * Against overfitting a small validation part:
 * - a guard: fewer than `MIN_VALIDATION_PREDICTIONS` predictions → the published defaults, said so;
 * - a change is kept only when its paired gain over the current choice exceeds `Z` standard errors
 *   (the same predictions scored both ways, so the noise of which sessions happened to be sampled
 *   cancels out);
 * - a small search: one pass over a few values per constant and per weight (a few dozen
 *   evaluations), on a fixed-seed sample of the predictions.
 */
import { DEFAULT_SESSION_MODEL } from '../../shared/bundle/session-model.ts';
import type { ModelWeights, SessionModel } from '../../shared/bundle/types.ts';
import { mulberry32 } from '../../shared/random.ts';
import { DEFAULT_WEIGHTS } from '../../worker/components/index.ts';
import { createLoadedBundle } from '../../worker/loaded-bundle.ts';
import { buildSessionKnnIndex, sessionKnnScores } from '../../worker/vstan.ts';
import type { EventLog } from '../bundle-builder/events.ts';
import { buildSessionIndex } from '../bundle-builder/session-index.ts';
import { sessionOrder } from '../bundle-builder/sessions.ts';
import { splitByTime } from './time-split.ts';
import type { EvalData, EvalSession } from './types.ts';
import { loadedModel, TUNED_COMPONENTS, trainingBundle, trainingLog } from './vitrine-model.ts';

/** Fewer validation predictions than this and nothing is fitted (the defaults are kept). */
export const MIN_VALIDATION_PREDICTIONS = 1000;
/** A candidate must beat the current choice by this many standard errors of the paired gain. */
export const Z = 2;
/** Predictions sampled for the session-kNN constants (scored by the kNN alone: cheap). */
export const KNN_SAMPLE = 1500;
/** Upper bound on predictions sampled for the weights (each runs the whole engine). */
export const ENGINE_SAMPLE = 1000;
/** Engine predictions × catalog rows allowed for the weights, so large catalogs stay within a build's time. */
const ENGINE_WORK = 25_000_000;
/** The list length scored. */
const K = 20;
/** Validation part: the sessions ending in the last day, but at least 10% and at most 20% of them. */
const VALIDATION_DAYS = 1;
const VALIDATION_SHARE = [0.1, 0.2] as const;

export interface FitResult {
  /** The constants to ship (the defaults when not fitted), with a note saying how they came. */
  sessionModel: SessionModel;
  /** Fitted component weights, or undefined when not fitted (the built-in defaults apply). */
  weights: ModelWeights | undefined;
  fitted: boolean;
  /** One line for the build output and the bundle: what was fitted on what, or why not. */
  note: string;
  /** Validation predictions available (before sampling). */
  validationPredictions: number;
  /** HR@20 + MRR@20 on the sampled predictions, defaults → fitted (NaN when not fitted). */
  scoreBefore: number;
  scoreAfter: number;
  seconds: number;
}

interface Prediction {
  session: EvalSession;
  /** The target is `session.items[at]`, the prefix everything before. */
  at: number;
}

type Weights = Partial<Record<(typeof TUNED_COMPONENTS)[number], number>>;

/** One value per prediction: 1 + 1/rank when the target is in the top K, else 0 (HR@K + MRR@K). */
function score(rank: number): number {
  return rank > 0 && rank <= K ? 1 + 1 / rank : 0;
}

/** Mean paired gain of `candidate` over `current` and whether it is beyond `Z` standard errors. */
export function pairedGain(candidate: Float64Array, current: Float64Array): { mean: number; se: number; significant: boolean } {
  const n = candidate.length;
  if (n < 2) return { mean: 0, se: Infinity, significant: false };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += candidate[i]! - current[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (candidate[i]! - current[i]! - mean) ** 2;
  const se = Math.sqrt(squares / (n - 1) / n);
  return { mean, se, significant: mean > 0 && mean > Z * se };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length > 0 ? sum / values.length : 0;
}

/** Every next-item prediction of `sessions`, then a fixed-seed sample of at most `limit` of them. */
function predictionsOf(sessions: readonly EvalSession[]): Prediction[] {
  const all: Prediction[] = [];
  for (const session of sessions) for (let at = 1; at < session.items.length; at++) all.push({ session, at });
  return all;
}

function sample<T>(items: readonly T[], limit: number, seed = 1): T[] {
  if (items.length <= limit) return [...items];
  const random = mulberry32(seed);
  const copy = [...items];
  // Partial Fisher–Yates: the first `limit` slots end up a uniform sample.
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, limit);
}

/** The validation window: sessions ending in the last day, clamped to 10–20% of all sessions. */
export function validationSessionCount(train: readonly EvalSession[]): number {
  let end = -Infinity;
  for (const s of train) end = Math.max(end, s.times[s.times.length - 1] ?? -Infinity);
  let lastDay = 0;
  for (const s of train) if ((s.times[s.times.length - 1] ?? -Infinity) >= end - VALIDATION_DAYS * 86_400) lastDay++;
  const [low, high] = VALIDATION_SHARE;
  return Math.round(Math.min(Math.max(lastDay, train.length * low), train.length * high));
}

/** Scores the session-kNN ranking alone under `model`, one value per prediction. */
function knnScores(data: EvalData, predictions: readonly Prediction[], model: SessionModel): Float64Array {
  const sessions = buildSessionIndex(trainingLog(data));
  const scores = new Float64Array(predictions.length);
  if (!sessions) return scores;
  const products = data.itemIds.length;
  const index = buildSessionKnnIndex(sessions, products, model);
  const into = new Float32Array(products);
  predictions.forEach(({ session, at }, p) => {
    into.fill(0);
    sessionKnnScores(index, session.items.slice(0, at), into);
    const target = session.items[at]!;
    const value = into[target]!;
    if (value <= 0) return;
    // Rank with the engine's tie-break: equal scores, lower row first.
    let rank = 1;
    for (let i = 0; i < products; i++) if (into[i]! > value || (into[i] === value && i < target)) rank++;
    scores[p] = score(rank);
  });
  return scores;
}

/** Candidate values per constant: a few around the published defaults, in the units of each. */
function constantCandidates(trainSessions: number): Array<[string, Partial<SessionModel>[]]> {
  const d = DEFAULT_SESSION_MODEL;
  return [
    ['neighbours', [50, 100, 200, 1000].map((neighbours) => ({ neighbours }))],
    ['sample', [500, 1000, 2500, 10_000].map((sample) => ({ sample }))],
    [
      'recency',
      [
        { recencyUnit: 'seconds', recencyScale: 86_400 },
        { recencyUnit: 'seconds', recencyScale: 25 * 86_400 },
        { recencyUnit: 'sessions', recencyScale: Math.max(1, Math.round(trainSessions / 10)) },
        { recencyUnit: 'sessions', recencyScale: Math.max(1, Math.round(trainSessions / 2)) },
        { recencyUnit: 'none', recencyScale: d.recencyScale },
      ],
    ],
    ['spw', [0.5, 2, 4].map((spw) => ({ spw }))],
    ['inh', [1, 4, 8].map((inh) => ({ inh }))],
    ['ipw', [0.5, 2, 4].map((ipw) => ({ ipw }))],
    ['idf', [0, 1, 10].map((idf) => ({ idf }))],
  ];
}

/** Weight candidates: multiples of the current weight (weights are scale-free; 0 switches one off). */
const WEIGHT_FACTORS = [0, 0.5, 2];

export interface FitOptions {
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * Fits on `split` (its `test` is the validation part): constants first (kNN alone), then weights
 * (the whole engine). No guard here: `fitOnTrain` applies it; `vitrine eval --tune` calls this with
 * a split the user made.
 */
export async function fitOnSplit(split: EvalData, { log = () => {} }: FitOptions = {}): Promise<FitResult> {
  const started = performance.now();
  const all = predictionsOf(split.test);
  const knnSample = sample(all, KNN_SAMPLE);
  let model: SessionModel = { ...DEFAULT_SESSION_MODEL };
  let current = knnScores(split, knnSample, model);
  const knnBefore = mean(current);
  let evaluations = 1;
  for (const [name, candidates] of constantCandidates(split.train.length)) {
    for (const change of candidates) {
      const candidate = { ...model, ...change };
      const scores = knnScores(split, knnSample, candidate);
      evaluations++;
      const gain = pairedGain(scores, current);
      if (process.env.FIT_DEBUG) log(`try ${name} ${JSON.stringify(change)} ${gain.mean.toFixed(4)} ± ${gain.se.toFixed(4)}`);
      if (gain.significant) {
        log(`fit: ${name} ${JSON.stringify(change)} +${gain.mean.toFixed(4)} (± ${gain.se.toFixed(4)})`);
        model = candidate;
        current = scores;
      }
    }
  }
  log(`fit: session-kNN alone, HR@20 + MRR@20 ${knnBefore.toFixed(4)} → ${mean(current).toFixed(4)} on ${knnSample.length} predictions`);

  const base = await trainingBundle(split);
  const loaded = createLoadedBundle({ ...base.bundle, sessionModel: model }, base.kernels);
  const engineLimit = Math.max(100, Math.min(ENGINE_SAMPLE, Math.floor(ENGINE_WORK / Math.max(1, split.itemIds.length))));
  const engineSample = sample(all, engineLimit, 2);
  const engineScores = (weights: Weights): Float64Array => {
    const predictor = loadedModel(loaded, split.itemIds, weights);
    return Float64Array.from(engineSample, ({ session, at }) => {
      const list = predictor.predict(session.items.slice(0, at), session.times.slice(0, at), K);
      const target = session.items[at]!;
      let rank = 0;
      for (let r = 0; r < list.length && rank === 0; r++) if (list[r] === target) rank = r + 1;
      return score(rank);
    });
  };
  const weights: Weights = {};
  for (const component of TUNED_COMPONENTS) weights[component] = DEFAULT_WEIGHTS[component];
  weights.sessionKnn = 1;
  let currentEngine = engineScores(weights);
  const engineBefore = mean(currentEngine);
  evaluations++;
  for (const component of TUNED_COMPONENTS) {
    if (component === 'sessionKnn') continue;
    const value = weights[component]!;
    for (const factor of WEIGHT_FACTORS) {
      const next = factor === 0 ? 0 : Number(((value || DEFAULT_WEIGHTS[component]!) * factor).toPrecision(3));
      if (next === value) continue;
      const candidate = { ...weights, [component]: next };
      const scores = engineScores(candidate);
      evaluations++;
      const gain = pairedGain(scores, currentEngine);
      if (process.env.FIT_DEBUG) log(`try ${component} ${next} ${gain.mean.toFixed(4)} ± ${gain.se.toFixed(4)}`);
      if (gain.significant) {
        log(`fit: ${component} = ${next} +${gain.mean.toFixed(4)} (± ${gain.se.toFixed(4)})`);
        weights[component] = next;
        currentEngine = scores;
        break;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const note = `fitted on ${split.train.length} sessions, validated on the next ${split.test.length} (${all.length} predictions; ${knnSample.length} sampled for the constants, ${engineSample.length} for the weights); HR@20 + MRR@20 ${engineBefore.toFixed(4)} → ${mean(currentEngine).toFixed(4)}; ${evaluations} evaluations in ${seconds.toFixed(1)} s`;
  log(`fit: ${note}`);
  return {
    sessionModel: { ...model, note },
    weights: weights as ModelWeights,
    fitted: true,
    note,
    validationPredictions: all.length,
    scoreBefore: engineBefore,
    scoreAfter: mean(currentEngine),
    seconds,
  };
}

/** What fitting on a log too small for it returns: the defaults, with the reason. */
function defaultsKept(reason: string, validationPredictions: number, started: number): FitResult {
  const note = `published defaults kept: ${reason}`;
  return {
    sessionModel: { ...DEFAULT_SESSION_MODEL, note },
    weights: undefined,
    fitted: false,
    note,
    validationPredictions,
    scoreBefore: NaN,
    scoreAfter: NaN,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Fits on a training log alone: its last sessions by time validate (`validationSessionCount`),
 * items they hold that the earlier sessions never show are dropped, then sessions shorter than 2.
 * Too few validation predictions → the defaults, and the note says why.
 */
export async function fitOnTrain(itemIds: string[], train: readonly EvalSession[], options: FitOptions = {}): Promise<FitResult> {
  const started = performance.now();
  const split = splitByTime<number, EvalSession>(train, { sessions: validationSessionCount(train) });
  const predictions = predictionsOf(split.test).length;
  if (predictions < MIN_VALIDATION_PREDICTIONS) {
    return defaultsKept(
      `only ${predictions} validation predictions in the last ${split.test.length} sessions (fitting needs ${MIN_VALIDATION_PREDICTIONS})`,
      predictions,
      started,
    );
  }
  const result = await fitOnSplit({ itemIds, train: split.train, test: split.test }, options);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/**
 * `bundle build`'s fitting: the events log as sessions of the products it names (all event types,
 * in time order, as the shipped session index holds them), then `fitOnTrain`. A log without times
 * cannot be split by time: the defaults are kept.
 */
export async function fitOnEventLog(log: EventLog, productIds: readonly string[], options: FitOptions = {}): Promise<FitResult> {
  const started = performance.now();
  if (log.count === 0) return defaultsKept('the events log is empty', 0, started);
  for (let e = 0; e < log.count; e++) {
    if (!Number.isFinite(log.time[e]!)) return defaultsKept('the events log has no times to split it by', 0, started);
  }
  // Items renumbered in order of first appearance: the fitting's catalog is the log's products only.
  const itemOf = new Map<number, number>();
  const itemIds: string[] = [];
  const train: EvalSession[] = [];
  const order = sessionOrder(log);
  let start = 0;
  for (let k = 1; k <= order.length; k++) {
    if (k < order.length && log.session[order[k]!] === log.session[order[start]!]) continue;
    const items: number[] = [];
    const times: number[] = [];
    for (let j = start; j < k; j++) {
      const row = log.product[order[j]!]!;
      let item = itemOf.get(row);
      if (item === undefined) {
        item = itemIds.length;
        itemOf.set(row, item);
        itemIds.push(productIds[row]!);
      }
      items.push(item);
      times.push(log.time[order[j]!]! / 1000);
    }
    train.push({ id: String(log.session[order[start]!]), items, times });
    start = k;
  }
  return fitOnTrain(itemIds, train, options);
}
