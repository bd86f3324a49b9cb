/// <reference lib="webworker" />
/**
 * The browser bench: the same cases as `vitrine bench`, in a Chromium worker, plus the time to load
 * a 100000 x 64 bundle (decodeBundle: parse + validate, then setMatrix: copy into WASM memory).
 */
import simdUrl from '../../wasm/build/kernels.simd.wasm?url';
import plainUrl from '../../wasm/build/kernels.wasm?url';
import { randomMatrix } from '../../src/cli/bench/data.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { benchQuery } from '../../src/cli/bench/scan-bench.ts';
import { summarize } from '../../src/cli/bench/stats.ts';
import { decodeBundle } from '../../src/shared/bundle/index.ts';
import { createReferenceKernels } from '../../src/shared/kernels/reference.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { instantiateKernels } from '../../src/shared/kernels/wasm-kernels.ts';
import type { BenchMessage, BrowserBenchOptions } from '../../src/cli/bench/browser-protocol.ts';

const post = (message: BenchMessage) => postMessage(message);

async function kernels(impl: 'wasm-simd' | 'wasm' | 'js'): Promise<Kernels> {
  if (impl === 'js') return createReferenceKernels();
  const module = await WebAssembly.compileStreaming(fetch(impl === 'wasm-simd' ? simdUrl : plainUrl));
  return instantiateKernels(module, impl);
}

async function loadBench(url: string): Promise<void> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const k = await kernels('wasm-simd');
  const total: number[] = [];
  const decode: number[] = [];
  const copy: number[] = [];
  let n = 0;
  let d = 0;
  for (let run = -2; run < 10; run++) {
    const t0 = performance.now();
    const bundle = decodeBundle(bytes);
    const t1 = performance.now();
    k.setMatrix(bundle.embeddings);
    const t2 = performance.now();
    n = bundle.embeddings.rows;
    d = bundle.embeddings.dim;
    if (run < 0) continue; // warm-up: JIT and the first memory growth
    total.push(t2 - t0);
    decode.push(t1 - t0);
    copy.push(t2 - t1);
  }
  const t = summarize(total);
  post({
    type: 'load',
    metric: { metric: 'bundle_load_ms', n, d, bytes: bytes.byteLength, median_ms: t.median_ms, p99_ms: t.p99_ms, decode_median_ms: summarize(decode).median_ms, set_matrix_median_ms: summarize(copy).median_ms },
  });
}

addEventListener('message', async (event: MessageEvent<BrowserBenchOptions>) => {
  const options = event.data;
  try {
    for (const d of options.ds) {
      for (const n of options.ns) {
        const f32 = randomMatrix(n, d, 42);
        for (const dtype of options.dtypes) {
          const matrix = dtype === 'f32' ? f32 : quantizeInt8(f32);
          for (const impl of options.impls) post({ type: 'row', row: benchQuery(await kernels(impl), matrix, options.budgetMs) });
        }
      }
    }
    if (options.bundleUrl) await loadBench(options.bundleUrl);
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'error', message: String(error) });
  }
});
