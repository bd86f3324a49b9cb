/**
 * Timing of a request's steps, for the bench's profile: the ranking path reports each step as it
 * finishes, so the bench times the real code rather than a copy of it. Without a `Trace` nothing is
 * measured.
 */
import type { StrategyName } from '../shared/request.ts';

/** One finished step: `strategy` is the one being run (a fallback's steps carry its name). */
export interface TraceStep {
  strategy: StrategyName;
  /** e.g. `'visitor'`, `'fill'`, `'combine'`, `'topK'`, `'explain'`. */
  step: string;
  /** What the step worked on, e.g. the component of a `fill` or `explain`; '' when nothing. */
  detail: string;
  ms: number;
}

export type Trace = (step: TraceStep) => void;

/** Measures consecutive steps: each `lap` reports the time since the previous one. */
export class Stopwatch {
  readonly #trace: Trace | undefined;
  #last: number;

  constructor(trace?: Trace) {
    this.#trace = trace;
    this.#last = trace ? performance.now() : 0;
  }

  lap(strategy: StrategyName, step: string, detail = ''): void {
    if (!this.#trace) return;
    const now = performance.now();
    this.#trace({ strategy, step, detail, ms: now - this.#last });
    this.#last = now;
  }
}
