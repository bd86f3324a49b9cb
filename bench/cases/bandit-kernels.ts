/**
 * Bandit kernel speed (issue 13): operations per millisecond at 50 arms and at a 16-dim context.
 * Each timed run repeats the operation `BATCH` times (one call is a few microseconds), so the rate
 * is BATCH · units / median run time. Wasm rows include copying the inputs into kernel memory and
 * the results out, as a caller pays it.
 */
import type { BanditKernels } from '../../src/shared/bandit/kernels.ts';
import { createLinTs } from '../../src/shared/bandit/lin-ts.ts';
import type { BetaArm } from '../../src/shared/bandit/thompson.ts';
import { seededRandom } from '../../src/shared/random.ts';
import { measure } from '../stats.ts';

export const BANDIT_ARMS = 50;
export const BANDIT_DIMS = 16;
const BATCH = 100;

export interface BanditBenchRow {
  impl: BanditKernels['impl'];
  case: 'thompson draws' | 'thompson slates' | 'lints score draws' | 'lints updates';
  arms: number;
  d: number;
  /** What one unit is: a Beta draw (one arm), a slate of 3, an arm's sampled score, a Sherman–Morrison update. */
  unit: string;
  per_ms: number;
  /** Median time of one call (one unit for updates, all arms for draws). */
  call_us: number;
}

/** Posteriors at Open Bandit Dataset scale: tens to a thousand clicks over thousands to 180k impressions. */
function obdLikeArms(): BetaArm[] {
  const rng = seededRandom(13);
  return Array.from({ length: BANDIT_ARMS }, () => ({
    alpha: 2 + Math.floor(1000 * rng.next()),
    beta: 2000 + Math.floor(180_000 * rng.next()),
  }));
}

/** Median ms of one `call` (given how many calls came before, to cycle through inputs). */
function rate(budgetMs: number, call: (count: number) => void): number {
  let count = 0;
  const { median_ms } = measure(
    () => {
      const t0 = performance.now();
      for (let rep = 0; rep < BATCH; rep++) call(count++);
      return performance.now() - t0;
    },
    { budgetMs },
  );
  return median_ms / BATCH;
}

export function benchBandit(kernels: BanditKernels, budgetMs: number): BanditBenchRow[] {
  const rng = seededRandom(1);
  const arms = obdLikeArms();
  const row = (name: BanditBenchRow['case'], d: number, unit: string, units: number, callMs: number): BanditBenchRow => ({
    impl: kernels.impl,
    case: name,
    arms: BANDIT_ARMS,
    d,
    unit,
    per_ms: units / callMs,
    call_us: callMs * 1000,
  });

  const drawMs = rate(budgetMs, () => kernels.drawRates(rng, arms));
  const slateMs = rate(budgetMs, () => kernels.thompsonSlate(rng, arms, 3));

  // A model trained on 2000 observations, then contexts from a pool.
  const state = createLinTs(BANDIT_ARMS, BANDIT_DIMS);
  const data = seededRandom(2);
  const contexts = Array.from({ length: 64 }, () => Float64Array.from({ length: BANDIT_DIMS }, () => 2 * data.next() - 1));
  for (let i = 0; i < 2000; i++) kernels.updateLinTs(state, i % BANDIT_ARMS, contexts[i % 64]!, data.next() < 0.3 ? 1 : 0);
  const scoreMs = rate(budgetMs, (i) => kernels.drawScores(rng, state, contexts[i & 63]!));
  const updateMs = rate(budgetMs, (i) => kernels.updateLinTs(state, i % BANDIT_ARMS, contexts[i & 63]!, i & 1));

  return [
    row('thompson draws', 0, 'Beta draws (arms)', BANDIT_ARMS, drawMs),
    row('thompson slates', 0, 'slates of 3', 1, slateMs),
    row('lints score draws', BANDIT_DIMS, 'arm scores', BANDIT_ARMS, scoreMs),
    row('lints updates', BANDIT_DIMS, 'Sherman–Morrison updates', 1, updateMs),
  ];
}

export function banditTableLines(rows: readonly BanditBenchRow[]): string[] {
  return [
    `\nBandit kernels (${BANDIT_ARMS} arms; LinTS at d = ${BANDIT_DIMS}):`,
    `${'impl'.padEnd(10)}${'case'.padEnd(19)}${'per ms'.padStart(10)}  ${'unit'.padEnd(26)}${'µs/call'.padStart(9)}`,
    ...rows.map(
      (r) =>
        `${r.impl.padEnd(10)}${r.case.padEnd(19)}${r.per_ms.toFixed(1).padStart(10)}  ${r.unit.padEnd(26)}${r.call_us.toFixed(2).padStart(9)}`,
    ),
  ];
}
