/**
 * The bench's one statistics module: nearest-rank percentiles, medians and the timing loops every
 * case uses, in Node and in the browser worker alike (no DOM, no Node APIs: `performance.now()` only).
 */

export interface Timing {
  median_ms: number;
  p99_ms: number;
  samples: number;
}

/** Nearest-rank percentile of ascending `sorted` samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Nearest-rank median of samples in any order. */
export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), samples: sorted.length };
}

/**
 * Runs `once` (which must return its own duration in ms) a few times to warm up, then until
 * `budgetMs` of measured time or `maxRuns` runs, but at least `minRuns`.
 */
export function measure(once: (run: number) => number, { budgetMs = 1500, minRuns = 7, maxRuns = 200, warmup = 3 } = {}): Timing {
  for (let i = 0; i < warmup; i++) once(-1 - i);
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < minRuns || (spent < budgetMs && samples.length < maxRuns)) {
    const t = once(samples.length);
    samples.push(t);
    spent += t;
  }
  return summarize(samples);
}

/** Times `once` `runs` times after `warmup` untimed calls; the durations in ms, in run order. */
export function timeRuns(once: () => unknown, warmup: number, runs: number): number[] {
  for (let i = 0; i < warmup; i++) once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Matrix bytes scanned per second, in GB/s (1e9 bytes). */
export function gbps(matrixBytes: number, ms: number): number {
  return matrixBytes / (ms / 1000) / 1e9;
}
