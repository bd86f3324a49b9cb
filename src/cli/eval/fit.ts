/**
 * Fits the session model per shop, on its own log only: the last sessions by time validate
 * (session-rec style, `time-split.ts`), in two folds (the latest window after everything before it,
 * the window before that after everything before it), and the session-kNN constants, then the
 * weights that combine the `for_you` components, are chosen by how well they predict each next
 * validation event (HR@20 + MRR@20 per prediction). What is chosen ships with the whole log's
 * session index (choose on the folds, refit on everything).
 *
 * Against overfitting a small validation part:
 * - two folds, pooled: a change that suits only the period that happened to come last is not kept;
 * - windows that grow (to a quarter of the log each) until they hold `TARGET_VALIDATION_PREDICTIONS`,
 *   so a small shop's log is still fitted on enough predictions;
 * - a guard: fewer than `MIN_VALIDATION_PREDICTIONS` predictions even then → the published defaults, said so;
 * - a change is kept only when its paired gain over the current choice exceeds `Z` standard errors
 *   (the same predictions scored both ways, so the noise of which sessions happened to be sampled
 *   cancels out);
 * - a small search: one pass over a few values per constant, then the starting blend
 *   (`startingBlend`), then one pass per weight (under 45 evaluations of the whole engine, as
 *   visitors get it), on one fixed-seed sample of the predictions.
 */
import { DEFAULT_SESSION_MODEL } from '../../shared/bundle/session-model.ts';
import type { ModelWeights, SessionModel } from '../../shared/bundle/types.ts';
import { mulberry32 } from '../../shared/random.ts';
import { DEFAULT_WEIGHTS } from '../../worker/components/index.ts';
import { createLoadedBundle, type LoadedBundle } from '../../worker/loaded-bundle.ts';
import type { EventLog } from '../bundle-builder/events.ts';
import { sessionOrder } from '../bundle-builder/sessions.ts';
import { collectGarbage } from '../heap-growth.ts';
import { endTime, splitByTime } from './time-split.ts';
import type { EvalData, EvalSession } from './types.ts';
import { loadedModel, TUNED_COMPONENTS, trainingBundle } from './vitrine-model.ts';

/** Fewer validation predictions than this and nothing is fitted (the defaults are kept). */
export const MIN_VALIDATION_PREDICTIONS = 500;
/** The validation window grows until it holds this many predictions (or reaches its largest share). */
export const TARGET_VALIDATION_PREDICTIONS = 1000;
/** A candidate must beat the current choice by this many standard errors of the paired gain. */
export const Z = 2;
/**
 * Validation predictions sampled (one sample, scored under every candidate): as many as the work
 * budget (predictions × items, since each prediction scores every item) allows, between a floor and a cap. The more
 * predictions, the smaller the gains the paired test can tell from noise; the budget keeps a
 * 100k-product build within its minute.
 */
const SAMPLE = { min: 200, max: 3000, work: 15_000_000 } as const;
/** The list length scored. */
const K = 20;
/**
 * Validation window (each fold's): the sessions ending in the last day, but at least 10% and at most
 * 20% of them; when the folds hold too few predictions, wider, up to half the log in all (a sparse
 * log drops most validation events, whose products the earlier sessions never show).
 */
const VALIDATION_DAYS = 1;
const VALIDATION_SHARE = [0.1, 0.2] as const;
const WIDER_SHARES: Record<FoldCount, readonly number[]> = { 1: [0.3, 0.4, 0.5], 2: [0.25] };
type FoldCount = 1 | 2;
/**
 * Above this many items, one fold (the latest window): there the sample is at its floor (a few
 * hundred predictions, too few to split), and a second training bundle would cost the build about
 * 90 MB at 100k products (measured), memory a large catalog's build cannot spare.
 */
export const TWO_FOLDS_MAX_ITEMS = SAMPLE.work / SAMPLE.min;

export interface FitResult {
  /** The constants to ship (the defaults when not fitted), with a note saying how they came. */
  sessionModel: SessionModel;
  /** Fitted component weights, or undefined when not fitted (the built-in defaults apply). */
  weights: ModelWeights | undefined;
  fitted: boolean;
  /** One line for the build output and the bundle: what was fitted on what, or why not (no timings: builds stay reproducible). */
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

export type Weights = Partial<Record<(typeof TUNED_COMPONENTS)[number], number>>;

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

/** Every next-item prediction of `sessions` (`sample` then picks those scored). */
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

function sampleSize(items: number): number {
  return Math.max(SAMPLE.min, Math.min(SAMPLE.max, Math.floor(SAMPLE.work / Math.max(1, items))));
}

/** The validation window: sessions ending in the last day, clamped to 10–20% of all sessions. */
export function validationSessionCount(train: readonly EvalSession[]): number {
  let end = -Infinity;
  for (const s of train) end = Math.max(end, endTime(s));
  let lastDay = 0;
  for (const s of train) if (endTime(s) >= end - VALIDATION_DAYS * 86_400) lastDay++;
  const [low, high] = VALIDATION_SHARE;
  return Math.round(Math.min(Math.max(lastDay, train.length * low), train.length * high));
}

/** A training part and the validation sessions that follow it in time. */
export interface Fold {
  train: EvalSession[];
  test: EvalSession[];
}

/**
 * The time folds fitting validates on (rolling origin): the last `count` sessions validate a model
 * trained on everything before them, and (two folds) the `count` sessions before those validate one
 * trained on everything before them. With two, a constant is kept only when it helps across both
 * periods, not in the one week that happened to come last (the false positives of a single window,
 * docs/eval/fitting-results.md).
 */
function consecutiveFolds(train: readonly EvalSession[], count: number, folds: FoldCount): Fold[] {
  const recent = splitByTime<number, EvalSession>(train, { sessions: count });
  if (folds === 1) return [{ train: recent.train, test: recent.test }];
  const earlier = train.filter((session) => endTime(session) < recent.splitTime);
  const before = splitByTime<number, EvalSession>(earlier, { sessions: count });
  return [
    { train: recent.train, test: recent.test },
    { train: before.train, test: before.test },
  ];
}

/**
 * The folds fitting validates on (two, or one for a catalog above `TWO_FOLDS_MAX_ITEMS`): the usual
 * window, widened while the folds together hold fewer than `TARGET_VALIDATION_PREDICTIONS`
 * predictions. More validation data buys a paired test that can tell real gains from noise; the
 * training part it costs matters less than fitting nothing.
 */
export function validationFolds(train: readonly EvalSession[], folds: FoldCount = 2): Fold[] {
  const usual = validationSessionCount(train);
  const counts = [usual, ...WIDER_SHARES[folds].map((share) => Math.round(train.length * share)).filter((count) => count > usual)];
  let result = consecutiveFolds(train, counts[0]!, folds);
  for (const count of counts.slice(1)) {
    if (predictionsOfFolds(result) >= TARGET_VALIDATION_PREDICTIONS) break;
    result = consecutiveFolds(train, count, folds);
  }
  return result;
}

function predictionsOfFolds(folds: readonly Fold[]): number {
  return folds.reduce((sum, fold) => sum + predictionsOf(fold.test).length, 0);
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

/**
 * Blends the fit may start from instead of the built-in weights: session-kNN with what shoppers
 * viewed next and came back to (the signals of the session's own order), and session-kNN alone
 * (V-STAN). The built-in weights were set on a catalog-dense log (YOOCHOOSE), where content
 * similarity, co-visitation and popularity add a little; on a sparse one (the DIGINETICA sample)
 * they pull in products the neighbours never back and cost HR@20 (docs/eval/fitting-results.md).
 */
export const BLEND_PRIORS: ReadonlyArray<[string, Weights]> = [
  [
    'session order only',
    {
      similarity: 0,
      sessionKnn: 1,
      covisitation: 0,
      successors: DEFAULT_WEIGHTS.successors!,
      revisit: DEFAULT_WEIGHTS.revisit!,
      popularity: 0,
    },
  ],
  ['session-kNN alone', { similarity: 0, sessionKnn: 1, covisitation: 0, successors: 0, revisit: 0, popularity: 0 }],
];

/**
 * The blend the weight search starts from: `builtIn` (with its validation scores), unless one of
 * `BLEND_PRIORS` scores better on average. No significance is asked here, unlike for each change
 * after it: neither blend is the favourite a priori, the built-in weights being tuned on one log.
 */
export function startingBlend(
  builtIn: { weights: Weights; scores: Float64Array },
  scoresOf: (weights: Weights) => Float64Array,
  log: (line: string) => void = () => {},
): { weights: Weights; scores: Float64Array } {
  let best = builtIn;
  for (const [name, prior] of BLEND_PRIORS) {
    const scores = scoresOf(prior);
    if (mean(scores) <= mean(best.scores)) continue;
    log(`fit: weights from ${name} (${mean(scores).toFixed(4)} against ${mean(best.scores).toFixed(4)})`);
    best = { weights: { ...prior }, scores };
  }
  return best;
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
export function fitOnSplit(split: EvalData, options: FitOptions = {}): Promise<FitResult> {
  return fitOnFolds(split.itemIds, [{ train: split.train, test: split.test }], options);
}

/** "fitted on 900 sessions, validated on the next 100", or "... on 900 and 800 sessions, ... the next 100 and 100" for two folds. */
function describeFolds(folds: readonly Fold[]): string {
  const list = (counts: number[]) => (counts.length === 1 ? String(counts[0]) : `${counts.slice(0, -1).join(', ')} and ${counts.at(-1)}`);
  const trained = list(folds.map((fold) => fold.train.length));
  const validated = list(folds.map((fold) => fold.test.length));
  return `fitted on ${trained} sessions, validated on the next ${validated}`;
}

/** One fold's training bundle and the predictions of it that are scored. */
interface ScoredFold {
  base: LoadedBundle;
  loaded: LoadedBundle;
  predictions: Prediction[];
}

/** A candidate's HR@20 + MRR@20 per sampled validation prediction, one array per fold. */
export type FoldScorer = (model: SessionModel, weights: Weights) => Float64Array[];

export interface SearchResult {
  model: SessionModel;
  weights: Weights;
  /** Mean HR@20 + MRR@20 over all folds' predictions, defaults → chosen. */
  before: number;
  after: number;
  evaluations: number;
}

/** The folds' scores as one paired sample: a gain in one period offset by a loss in the other is no gain. */
function pooled(scores: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(scores.reduce((sum, fold) => sum + fold.length, 0));
  let at = 0;
  for (const fold of scores) {
    all.set(fold, at);
    at += fold.length;
  }
  return all;
}

/**
 * The search: the session-kNN constants first (under the built-in weights), then the blend to start
 * the weights from, then the weights one by one; each change kept only when its paired gain over
 * the current choice, pooled over the folds, is beyond `Z` standard errors.
 */
export function searchModel(scoreFolds: FoldScorer, trainSessions: number, log: (line: string) => void = () => {}): SearchResult {
  let evaluations = 0;
  const scoresOf = (model: SessionModel, weights: Weights): Float64Array => {
    evaluations++;
    return pooled(scoreFolds(model, weights));
  };
  let model: SessionModel = { ...DEFAULT_SESSION_MODEL };
  let weights: Weights = {};
  for (const component of TUNED_COMPONENTS) weights[component] = DEFAULT_WEIGHTS[component];
  weights.sessionKnn = 1;
  let current = scoresOf(model, weights);
  const before = mean(current);
  /** Keeps `candidate` when its paired gain over the current choice is beyond noise. */
  const tryCandidate = (what: string, candidateModel: SessionModel, candidateWeights: Weights): boolean => {
    const scores = scoresOf(candidateModel, candidateWeights);
    const gain = pairedGain(scores, current);
    if (!gain.significant) return false;
    log(`fit: ${what} +${gain.mean.toFixed(4)} (± ${gain.se.toFixed(4)})`);
    current = scores;
    return true;
  };

  for (const [name, candidates] of constantCandidates(trainSessions)) {
    for (const change of candidates) {
      const candidate = { ...model, ...change };
      if (tryCandidate(`${name} ${JSON.stringify(change)}`, candidate, weights)) model = candidate;
    }
  }
  ({ weights, scores: current } = startingBlend({ weights, scores: current }, (blend) => scoresOf(model, blend), log));
  for (const component of TUNED_COMPONENTS) {
    if (component === 'sessionKnn') continue;
    const value = weights[component]!;
    for (const factor of WEIGHT_FACTORS) {
      const next = factor === 0 ? 0 : Number(((value || DEFAULT_WEIGHTS[component]!) * factor).toPrecision(3));
      if (next === value) continue;
      const candidate = { ...weights, [component]: next };
      if (tryCandidate(`${component} = ${next}`, model, candidate)) {
        weights[component] = next;
        break;
      }
    }
  }
  return { model, weights, before, after: mean(current), evaluations };
}

/**
 * Fits on `folds` (each a training part and the validation sessions after it): every candidate is
 * scored on the predictions of all folds together, so its paired gain must hold across them.
 */
export async function fitOnFolds(itemIds: string[], folds: readonly Fold[], { log = () => {} }: FitOptions = {}): Promise<FitResult> {
  const started = performance.now();
  const all = folds.map((fold) => predictionsOf(fold.test));
  const available = all.reduce((sum, predictions) => sum + predictions.length, 0);
  // One budget for all folds, shared in proportion to the predictions each holds.
  const budget = sampleSize(itemIds.length);
  const scored: ScoredFold[] = [];
  for (const [f, fold] of folds.entries()) {
    const base = await trainingBundle({ itemIds, train: fold.train, test: fold.test });
    const share = available > budget ? Math.round((budget * all[f]!.length) / available) : all[f]!.length;
    scored.push({ base, loaded: base, predictions: sample(all[f]!, share, f + 1) });
  }
  const sampled = scored.reduce((sum, fold) => sum + fold.predictions.length, 0);
  /** HR@20 + MRR@20 per sampled prediction of each fold, of the engine's `for_you` under these constants and weights. */
  const scoresOf: FoldScorer = (model, weights) =>
    scored.map((fold) => {
      // A new session model needs its own kNN index (one per loaded bundle); weights alone do not.
      if (fold.loaded.bundle.sessionModel !== model) {
        // The previous index and the evaluations' score arrays (a row-long array per request) are
        // garbage: freed first, as they add up to tens of MB (not before every evaluation: each
        // full collection costs a fifth of a second at 100,000 products).
        collectGarbage();
        fold.loaded = createLoadedBundle({ ...fold.base.bundle, sessionModel: model }, fold.base.kernels);
      }
      const predictor = loadedModel(fold.loaded, itemIds, weights);
      return Float64Array.from(fold.predictions, ({ session, at }) => {
        const list = predictor.predict(session.items.slice(0, at), session.times.slice(0, at), K);
        const target = session.items[at]!;
        let rank = 0;
        for (let r = 0; r < list.length && rank === 0; r++) if (list[r] === target) rank = r + 1;
        return score(rank);
      });
    });
  const { model, weights, before, after, evaluations } = searchModel(scoresOf, folds[0]!.train.length, log);
  const seconds = (performance.now() - started) / 1000;
  const note = `${describeFolds(folds)} (${sampled} of ${available} predictions); HR@20 + MRR@20 ${before.toFixed(4)} → ${after.toFixed(4)} in ${evaluations} evaluations`;
  log(`fit: ${note} (${seconds.toFixed(1)} s)`);
  return {
    sessionModel: { ...model, note },
    weights: weights as ModelWeights,
    fitted: true,
    note,
    validationPredictions: available,
    scoreBefore: before,
    scoreAfter: after,
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
 * Fits on a training log alone: its last sessions by time validate, in two folds (`validationFolds`),
 * items they hold that the earlier sessions never show are dropped, then sessions shorter than 2.
 * Too few validation predictions → the defaults, and the note says why.
 */
export async function fitOnTrain(itemIds: string[], train: readonly EvalSession[], options: FitOptions = {}): Promise<FitResult> {
  const started = performance.now();
  const folds = validationFolds(train, itemIds.length > TWO_FOLDS_MAX_ITEMS ? 1 : 2);
  const predictions = predictionsOfFolds(folds);
  if (predictions < MIN_VALIDATION_PREDICTIONS) {
    const sessions = folds.reduce((sum, fold) => sum + fold.test.length, 0);
    return defaultsKept(
      `only ${predictions} validation predictions in the last ${sessions} sessions (fitting needs ${MIN_VALIDATION_PREDICTIONS})`,
      predictions,
      started,
    );
  }
  const result = await fitOnFolds(itemIds, folds, options);
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
  const { itemIds, train } = sessionsOfLog(log, productIds);
  return fitOnTrain(itemIds, train, options);
}

/**
 * The log's sessions (all event types, in time order) over its own products, numbered in order of
 * first appearance. A function of its own so that its lookup tables are garbage once it returns.
 */
function sessionsOfLog(log: EventLog, productIds: readonly string[]): { itemIds: string[]; train: EvalSession[] } {
  // Items renumbered in order of first appearance: the fitting's catalog is the log's products only.
  const itemOf = new Map<number, number>();
  const itemIds: string[] = [];
  const train: EvalSession[] = [];
  const order = sessionOrder(log);
  let start = 0;
  for (let k = 1; k <= order.length; k++) {
    if (k < order.length && log.session[order[k]!] === log.session[order[start]!]) continue;
    // Exactly as long as the session: an array grown by push keeps room for at least 17 events,
    // and most sessions hold 2 to 9.
    const items = new Array<number>(k - start);
    const times = new Array<number>(k - start);
    for (let j = start; j < k; j++) {
      const row = log.product[order[j]!]!;
      let item = itemOf.get(row);
      if (item === undefined) {
        item = itemIds.length;
        itemOf.set(row, item);
        itemIds.push(productIds[row]!);
      }
      items[j - start] = item;
      times[j - start] = log.time[order[j]!]! / 1000;
    }
    train.push({ id: String(log.session[order[start]!]), items, times });
    start = k;
  }
  return { itemIds, train };
}
