/// <reference lib="webworker" />
/**
 * The browser bench: the same cases as `npm run bench`, in a Chromium worker, plus the time to load
 * a 100000 x 64 bundle (decodeBundle: parse + validate, then setMatrix: copy into WASM memory), and
 * full recommendation requests through the real engine on a realistic 100000 x 64 bundle.
 */
import simdUrl from '../../wasm/build/kernels.simd.wasm?url';
import plainUrl from '../../wasm/build/kernels.wasm?url';
import { decodeBundle } from '../../src/shared/bundle/index.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { createReferenceKernels } from '../../src/shared/kernels/reference.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { instantiateKernels } from '../../src/shared/kernels/wasm-kernels.ts';
import { Engine } from '../../src/worker/engine.ts';
import type { KernelFactory } from '../../src/worker/kernel-loader.ts';
import { BundleIndexes } from '../../src/worker/bundle-indexes.ts';
import { createLoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { benchQuery } from '../cases/kernel-scan.ts';
import { randomMatrix } from '../cases/matrices.ts';
import { benchCases, benchVisitor, firstRequestCost, profileCase, recommendRow } from '../cases/recommend-requests.ts';
import { summarize } from '../stats.ts';
import type { BenchMessage, BrowserBenchOptions, LoadMetric } from './bench-protocol.ts';

const post = (message: BenchMessage) => postMessage(message);
/** The visitor's clock: a fixed time, so the session and affinities are the same on every run. */
const VISITOR_NOW = Date.parse('2024-06-01T12:00:00Z');

async function compile(impl: 'wasm-simd' | 'wasm'): Promise<WebAssembly.Module> {
  return WebAssembly.compileStreaming(fetch(impl === 'wasm-simd' ? simdUrl : plainUrl));
}

async function kernels(impl: 'wasm-simd' | 'wasm' | 'js'): Promise<Kernels> {
  if (impl === 'js') return createReferenceKernels();
  return instantiateKernels(await compile(impl), impl);
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  return (await fetch(url)).arrayBuffer();
}

async function loadBench(url: string, label: LoadMetric['bundle']): Promise<void> {
  const bytes = new Uint8Array(await fetchBytes(url));
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
    metric: {
      metric: 'bundle_load_ms',
      bundle: label,
      n,
      d,
      bytes: bytes.byteLength,
      median_ms: t.median_ms,
      p99_ms: t.p99_ms,
      decode_median_ms: summarize(decode).median_ms,
      set_matrix_median_ms: summarize(copy).median_ms,
    },
  });
}

/**
 * Full requests through `Engine` (load → recommend / rerank), the first-request costs, then a
 * step-by-step profile of each case on a second version of the same bundle.
 */
async function recommendBench(url: string, runs: number): Promise<void> {
  const bytes = await fetchBytes(url);
  const module = await compile('wasm-simd');
  const factory: KernelFactory = { impl: 'wasm-simd', fallback: null, create: () => instantiateKernels(module, 'wasm-simd') };
  const engine = new Engine(async () => factory);
  // The engine keeps views on what it is given: each load gets its own copy of the bytes.
  await engine.load(bytes.slice(0));
  const bundle = engine.bundle!;
  const n = bundle.products.count;
  const cases = benchCases(benchVisitor(bundle, VISITOR_NOW));

  const t0 = performance.now();
  cases[0]!.run(engine);
  const firstEver = performance.now() - t0;
  for (const benchCase of cases) post({ type: 'recommend', row: recommendRow(benchCase.name, n, () => benchCase.run(engine), { runs }) });

  // The engine's bundle on kernels of its own, its indexes built before the profile.
  const loaded = createLoadedBundle(bundle, await factory.create());
  await loaded.warm();
  // The same request on the bundle's vectors stored as int8 (`bundle build --quantize int8`): a
  // quarter of the bytes for the similarity scan (warm-up runs build its indexes).
  if (bundle.embeddings.dtype === 'f32') {
    const int8 = createLoadedBundle({ ...bundle, embeddings: quantizeInt8(bundle.embeddings) }, await factory.create());
    const forYou = cases[0]!;
    post({ type: 'recommend', row: recommendRow(`${forYou.name} int8`, n, () => forYou.direct(int8), { runs }) });
  }
  for (const benchCase of cases) post({ type: 'profile', steps: profileCase(loaded, benchCase) });

  const fresh = (): BundleIndexes => new BundleIndexes(decodeBundle(bytes.slice(0)));
  post({ type: 'first', metric: await firstRequestCost(engine, cases[0]!, firstEver, () => engine.load(bytes.slice(0)), fresh) });
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
    if (options.bundleUrl) await loadBench(options.bundleUrl, 'minimal');
    if (options.catalogUrl) {
      await loadBench(options.catalogUrl, 'catalog');
      await recommendBench(options.catalogUrl, options.recommendRuns);
    }
    post({ type: 'done' });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  }
});
