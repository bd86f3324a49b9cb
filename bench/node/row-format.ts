/** Prints benchmark rows (kernel scans, full recommendation requests) as a table or as JSON lines. */
import type { FirstRequestMetric, ProfileStep, RecommendRow } from '../cases/recommend-requests.ts';
import type { BenchRow } from '../cases/kernel-scan.ts';

const fmt = (value: number, digits: number): string => value.toFixed(digits);

export function tableHeader(): string {
  return `${'impl'.padEnd(10)}${'n'.padStart(9)}${'d'.padStart(5)} ${'dtype'.padEnd(6)}${'k'.padStart(3)}${'median ms'.padStart(11)}${'p99 ms'.padStart(10)}${'GB/s'.padStart(8)}`;
}

export function tableRow(row: BenchRow): string {
  return `${row.impl.padEnd(10)}${String(row.n).padStart(9)}${String(row.d).padStart(5)} ${row.dtype.padEnd(6)}${String(row.k).padStart(3)}${fmt(row.median_ms, 3).padStart(11)}${fmt(row.p99_ms, 3).padStart(10)}${fmt(row.gbps, 2).padStart(8)}`;
}

/** One JSON object per line, numbers rounded so the output stays readable. */
export function jsonRow(row: BenchRow): string {
  return JSON.stringify({ ...row, median_ms: +row.median_ms.toFixed(4), p99_ms: +row.p99_ms.toFixed(4), gbps: +row.gbps.toFixed(3) });
}

/** Table of full recommendation requests (bench/cases/recommend-requests.ts). */
export function recommendHeader(): string {
  return `${'recommend case'.padEnd(16)}${'n'.padStart(8)}${'median ms'.padStart(11)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}${'runs'.padStart(6)}${'items'.padStart(7)}  fallback`;
}

export function recommendTableRow(row: RecommendRow): string {
  return `${row.case.padEnd(16)}${String(row.n).padStart(8)}${fmt(row.median_ms, 3).padStart(11)}${fmt(row.p95_ms, 3).padStart(9)}${fmt(row.p99_ms, 3).padStart(9)}${fmt(row.max_ms, 3).padStart(9)}${String(row.samples).padStart(6)}${String(row.items).padStart(7)}  ${row.fallback ?? '-'}`;
}

/** Rounded copy for JSON output. */
export function recommendJson<T extends object>(metric: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metric))
    out[key] = typeof value === 'number' && !Number.isInteger(value) ? +value.toFixed(4) : value;
  return out as T;
}

export function profileLines(steps: readonly ProfileStep[]): string[] {
  if (steps.length === 0) return [];
  return [`  ${steps[0]!.case}:`, ...steps.map((s) => `    ${s.step.padEnd(44)}${fmt(s.median_ms, 3).padStart(9)} ms`)];
}

export function firstRequestText(m: FirstRequestMetric): string {
  return (
    `\nfirst ${m.case} request, ${m.n} products: ${fmt(m.first_ever_ms, 1)} ms after the first load (cold JIT + caches), ` +
    `${fmt(m.new_version_ms, 1)} ms right after loading the bundle again (warm JIT, its indexes not built yet), warm median ${fmt(m.warm_median_ms, 3)} ms.\n` +
    `  the bundle's indexes, each built alone: session-kNN ${fmt(m.session_knn_index_ms, 1)} ms, cold-start text ${fmt(m.text_index_ms, 1)} ms, ` +
    `price statistics (traits) ${fmt(m.price_stats_ms, 1)} ms`
  );
}
