/**
 * The native baseline row (`impl: 'c-avx2'`): bench/c/scan.c compiled with `gcc -O3 -mavx2 -mfma`
 * into a temporary directory at bench time, so the WASM target (at most 1.4x this loop) is checked
 * on the same machine. Skipped, with a reason, when gcc or AVX2 is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../cases/kernel-scan.ts';
import { BENCH_K } from '../cases/kernel-scan.ts';
import { gbps, summarize } from '../stats.ts';

const SOURCE = fileURLToPath(new URL('../c/scan.c', import.meta.url));

export interface CBaseline {
  run(n: number, d: number, dtype: 'f32' | 'i8'): BenchRow;
  dispose(): void;
}

/** Compiles the baseline; returns a reason string instead when it cannot run here. */
export function compileCBaseline(): CBaseline | string {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-bench-'));
  const binary = join(dir, 'scan');
  try {
    execFileSync('gcc', ['-O3', '-mavx2', '-mfma', '-o', binary, SOURCE, '-lm'], { stdio: 'pipe' });
    // Fails with SIGILL on a CPU without AVX2/FMA: better a note than a crash mid-table.
    execFileSync(binary, ['16', '16', 'f32', '1', '1'], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') return 'gcc not found';
    return `cannot build or run the AVX2 baseline: ${(e.stderr?.toString() || e.message).trim().split('\n')[0]}`;
  }
  return {
    run(n, d, dtype) {
      const iterations = Math.max(7, Math.min(200, Math.round(4e8 / (n * d))));
      const out = execFileSync(binary, [String(n), String(d), dtype, String(iterations), '1'], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const timing = summarize(out.trim().split('\n').map(Number));
      const bytes = n * d * (dtype === 'f32' ? 4 : 1);
      return {
        impl: 'c-avx2',
        n,
        d,
        dtype,
        k: BENCH_K,
        median_ms: timing.median_ms,
        p99_ms: timing.p99_ms,
        gbps: gbps(bytes, timing.median_ms),
      };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
