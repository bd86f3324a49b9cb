/**
 * The evaluation loop of Ludewig & Jannach's session-rec framework ("next item, every prefix"):
 * for a test session of n events and i = 1..n-1, the model sees events 1..i and its ranked list is
 * scored against event i+1. The candidates are all training items, including those already in the
 * session (repeat clicks count as hits).
 *
 * Metrics, per prediction, averaged over all predictions:
 * - HR@k: 1 when the target is among the first k items;
 * - MRR@k: 1 / rank when rank ≤ k, else 0;
 * A model returning fewer than k items simply has no hit below its list.
 * Over the largest cutoff K:
 * - coverage@K: share of training items that appear in at least one top-K list;
 * - popularity_bias@K: mean over predictions of the mean normalised training popularity
 *   (event count / the top item's) of the distinct items in the list (session-rec's Popularity);
 * - ms per prediction: the median wall time of one `predict` call.
 */
import type { EvalData, EvalSession, NextItemModel } from './types.ts';

/** The cutoffs reported by default; `--cutoff` keeps those up to it and adds itself. */
export const DEFAULT_CUTOFFS = [5, 10, 20] as const;

/** Cutoffs of the table for `--cutoff N`: the defaults up to N, plus N itself, ascending. */
export function cutoffsUpTo(cutoff: number): number[] {
  const ks: number[] = DEFAULT_CUTOFFS.filter((k) => k <= cutoff);
  if (!ks.includes(cutoff)) ks.push(cutoff);
  return ks;
}

export interface ModelEvaluation {
  model: string;
  /** Ascending; the last is the list length asked of the model. */
  cutoffs: number[];
  /** HR@k per cutoff, same order. */
  hitRate: number[];
  /** MRR@k per cutoff, same order. */
  mrr: number[];
  /** coverage@K, K = the largest cutoff. */
  coverage: number;
  /** popularity_bias@K. */
  popularityBias: number;
  /** Median milliseconds per `predict` call. */
  msPerPrediction: number;
  predictions: number;
}

export interface EvaluateOptions {
  /** Called about every tenth of the work with predictions done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Training event count per item: the popularity that POP ranks by and popularity bias measures. */
export function itemEventCounts(train: readonly EvalSession[], itemCount: number): Float64Array {
  const counts = new Float64Array(itemCount);
  for (const session of train) for (const item of session.items) counts[item]!++;
  return counts;
}

/** Number of predictions the protocol makes on `test`: n - 1 per session. */
export function predictionCount(test: readonly EvalSession[]): number {
  let total = 0;
  for (const session of test) total += Math.max(0, session.items.length - 1);
  return total;
}

export function evaluateModel(
  model: NextItemModel,
  data: EvalData,
  cutoffs: readonly number[],
  options: EvaluateOptions = {},
): ModelEvaluation {
  const ks = [...cutoffs].sort((a, b) => a - b);
  const maxK = ks[ks.length - 1];
  if (maxK === undefined || ks[0]! < 1) throw new RangeError('evaluateModel: cutoffs must be positive');
  const itemCount = data.itemIds.length;
  const counts = itemEventCounts(data.train, itemCount);
  let maxCount = 0;
  for (const c of counts) if (c > maxCount) maxCount = c;

  const hits = new Float64Array(ks.length);
  const reciprocal = new Float64Array(ks.length);
  const covered = new Uint8Array(itemCount);
  const seen = new Uint8Array(itemCount);
  let popularitySum = 0;
  let popularityLists = 0;
  const total = predictionCount(data.test);
  const durations = new Float64Array(total);
  const step = Math.max(1, Math.ceil(total / 10));
  let done = 0;

  for (const session of data.test) {
    for (let i = 1; i < session.items.length; i++) {
      const prefix = session.items.slice(0, i);
      const times = session.times.slice(0, i);
      const target = session.items[i]!;
      const started = performance.now();
      const list = model.predict(prefix, times, maxK);
      durations[done] = performance.now() - started;

      const length = Math.min(list.length, maxK);
      let rank = 0;
      let distinct = 0;
      let popularity = 0;
      for (let r = 0; r < length; r++) {
        const item = list[r]!;
        if (!Number.isInteger(item) || item < 0 || item >= itemCount) {
          throw new RangeError(`${model.name} returned ${item}, not a training item index (0..${itemCount - 1})`);
        }
        if (rank === 0 && item === target) rank = r + 1;
        covered[item] = 1;
        if (seen[item] === 0) {
          seen[item] = 1;
          distinct++;
          popularity += maxCount > 0 ? counts[item]! / maxCount : 0;
        }
      }
      for (let r = 0; r < length; r++) seen[list[r]!] = 0;
      if (distinct > 0) {
        popularitySum += popularity / distinct;
        popularityLists++;
      }
      if (rank > 0) {
        for (let c = 0; c < ks.length; c++) {
          if (rank <= ks[c]!) {
            hits[c]!++;
            reciprocal[c]! += 1 / rank;
          }
        }
      }
      done++;
      if (options.onProgress && (done % step === 0 || done === total)) options.onProgress(done, total);
    }
  }

  let coveredCount = 0;
  for (const c of covered) coveredCount += c;
  return {
    model: model.name,
    cutoffs: ks,
    hitRate: Array.from(hits, (h) => (total > 0 ? h / total : 0)),
    mrr: Array.from(reciprocal, (m) => (total > 0 ? m / total : 0)),
    coverage: itemCount > 0 ? coveredCount / itemCount : 0,
    popularityBias: popularityLists > 0 ? popularitySum / popularityLists : 0,
    msPerPrediction: median(durations),
    predictions: total,
  };
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
