/** Messages between the bench page, its worker and the Playwright driver (bench/node/browser-bench.ts). */
import type { BenchRow } from '../cases/kernel-scan.ts';
import type { FirstRequestMetric, ProfileStep, RecommendRow } from '../cases/recommend-requests.ts';

export interface BrowserBenchOptions {
  ns: number[];
  ds: number[];
  dtypes: ('f32' | 'i8')[];
  impls: ('wasm-simd' | 'wasm' | 'js')[];
  budgetMs: number;
  /** URL of a 100000 x 64 bundle (products + embeddings only) to time decode + setMatrix on, or null to skip. */
  bundleUrl: string | null;
  /**
   * URL of a realistic 100000 x 64 bundle (categories, graphs, sessions: bench/cases/synthetic-bundle.ts) to
   * time full recommendation requests on, or null to skip.
   */
  catalogUrl: string | null;
  /** Timed requests per recommendation case (after warm-up). */
  recommendRuns: number;
}

export interface LoadMetric {
  metric: 'bundle_load_ms';
  /** Which bundle: `minimal` (products + embeddings) or `catalog` (with graphs and sessions). */
  bundle: 'minimal' | 'catalog';
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
  | { type: 'recommend'; row: RecommendRow }
  | { type: 'first'; metric: FirstRequestMetric }
  | { type: 'profile'; steps: ProfileStep[] }
  | { type: 'done' }
  | { type: 'error'; message: string };
