import type { BenchOptions } from './run.ts';
export async function runBrowserBench(_options: BenchOptions): Promise<number> {
  return 1;
}
