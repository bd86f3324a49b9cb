/** Messages between the bench page, its worker and the Playwright driver (browser.ts). */
import type { BenchRow } from './scan-bench.ts';

export interface BrowserBenchOptions {
  ns: number[];
  ds: number[];
  dtypes: ('f32' | 'i8')[];
  impls: ('wasm-simd' | 'wasm' | 'js')[];
  budgetMs: number;
  /** URL of a 100000 x 64 bundle to time decode + setMatrix on, or null to skip. */
  bundleUrl: string | null;
}

export interface LoadMetric {
  metric: 'bundle_load_ms';
  n: number;
  d: number;
  bytes: number;
  median_ms: number;
  p99_ms: number;
  decode_median_ms: number;
  set_matrix_median_ms: number;
}

export type BenchMessage =
  | { type: 'row'; row: BenchRow }
  | { type: 'load'; metric: LoadMetric }
  | { type: 'done' }
  | { type: 'error'; message: string };
