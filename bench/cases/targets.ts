/** The issue #2 (kernel) and issue 4 (recommendation latency) targets at n = 100000, d = 64, checked against this run's rows. */
import type { RecallResult } from './int8-recall.ts';
import type { RecommendRow } from './recommend-requests.ts';
import type { BenchRow } from './kernel-scan.ts';

const N = 100_000;
const D = 64;
/** Issue 4's headline: a personalised `for_you` request, median in the browser worker. */
const TARGET_CASE = 'for_you';
const TARGET_MS = 5;

export interface TargetLine {
  text: string;
  data?: { metric: 'target'; name: string; value: number; limit: number; ok: boolean };
}

function find(rows: BenchRow[], impl: string, dtype: string): BenchRow | undefined {
  return rows.find((r) => r.impl === impl && r.dtype === dtype && r.n === N && r.d === D);
}

function line(name: string, value: number, limit: number, ok: boolean, detail: string): TargetLine {
  return { text: `  ${ok ? 'ok  ' : 'MISS'} ${name}: ${detail}`, data: { metric: 'target', name, value: +value.toFixed(4), limit, ok } };
}

export function targetLines(rows: BenchRow[], recall: RecallResult | undefined, implPrefix = 'wasm-simd'): TargetLine[] {
  const out: TargetLine[] = [];
  const simd = find(rows, implPrefix, 'f32');
  const simd8 = find(rows, implPrefix, 'i8');
  const c = find(rows, 'c-avx2', 'f32');
  const js = find(rows, 'js', 'f32');
  if (simd && c) {
    const ratio = simd.median_ms / c.median_ms;
    out.push(
      line(
        'simd_f32_vs_c',
        ratio,
        1.4,
        ratio <= 1.4,
        `WASM SIMD f32 ${simd.median_ms.toFixed(3)} ms = ${ratio.toFixed(2)}x C AVX2 ${c.median_ms.toFixed(3)} ms (target <= 1.4x), ${simd.gbps.toFixed(1)} GB/s`,
      ),
    );
  }
  if (simd && js) {
    const speedup = js.median_ms / simd.median_ms;
    out.push(
      line(
        'simd_f32_vs_js',
        speedup,
        5,
        speedup >= 5,
        `WASM SIMD f32 is ${speedup.toFixed(1)}x faster than the TS reference (target >= 5x)`,
      ),
    );
  }
  if (simd && simd8) {
    const speedup = simd.median_ms / simd8.median_ms;
    out.push(
      line(
        'int8_vs_f32',
        speedup,
        1.8,
        speedup >= 1.8,
        `int8 ${simd8.median_ms.toFixed(3)} ms is ${speedup.toFixed(2)}x faster than f32 (target >= 1.8x)`,
      ),
    );
  }
  if (recall) {
    const ok = recall.recall >= 0.97 || recall.rescored_recall >= 0.995;
    out.push(
      line(
        'int8_recall_at_10',
        recall.recall,
        0.97,
        ok,
        `int8 recall@10 ${recall.recall.toFixed(4)} (target >= 0.97, or re-scored ${recall.rescored_recall.toFixed(4)} >= 0.995)`,
      ),
    );
  }
  if (out.length) out.unshift({ text: `\nTargets at n = ${N}, d = ${D}:` });
  return out;
}

/** Issue 4: one `for_you` request on a 100k-product bundle under 5 ms median in the browser worker. */
export function recommendTargetLine(rows: readonly RecommendRow[]): TargetLine | null {
  const row = rows.find((r) => r.case === TARGET_CASE && r.n === N);
  if (!row) return null;
  const ok = row.median_ms < TARGET_MS;
  return {
    text: `recommend (${TARGET_CASE}, 100k) median ${row.median_ms.toFixed(2)} ms — target < ${TARGET_MS} ms: ${ok ? 'met' : 'NOT met'}`,
    data: { metric: 'target', name: 'recommend_for_you_100k', value: +row.median_ms.toFixed(4), limit: TARGET_MS, ok },
  };
}
