/**
 * The offline evaluation's data and model contract. Sessions are item indices into `itemIds` (the
 * training items), times in seconds, ordered by time.
 */

export interface EvalSession {
  id: string;
  items: number[];
  /** Event times, unix seconds (fractions allowed), same length as `items`. */
  times: number[];
}

export interface EvalData {
  /** Training item ids; a session's `items` index into this list. */
  itemIds: string[];
  train: EvalSession[];
  /** Test sessions, already restricted to training items (see `filterToTrain`). */
  test: EvalSession[];
}

/** A next-item predictor under evaluation. */
export interface NextItemModel {
  readonly name: string;
  /**
   * The `k` items most likely to come next after `prefix` (item indices, oldest first; `times` are
   * their event times), best first.
   */
  predict(prefix: readonly number[], times: readonly number[], k: number): ArrayLike<number>;
}

/** One row of the results table (and of `--json`'s `results`). */
export interface ModelResult {
  model: string;
  'HR@5': number;
  'MRR@5': number;
  'HR@10': number;
  'MRR@10': number;
  'HR@20': number;
  'MRR@20': number;
  /** Share of training items that appear in at least one top-20 list. */
  'coverage@20': number;
  /** Mean popularity (training event share, normalised by the most popular item's) of recommended items. */
  'popularity_bias@20': number;
  /** Median milliseconds per prediction. */
  ms_per_prediction: number;
}
