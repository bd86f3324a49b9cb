/** Prints benchmark rows as a table or as JSON lines. */
import type { BenchRow } from './scan-bench.ts';

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
