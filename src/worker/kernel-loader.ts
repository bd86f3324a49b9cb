/**
 * Picks and compiles the scoring kernels once per worker. The compiled module is cached at module
 * scope; every bundle version then gets its own cheap instance (`instantiate`), so swapping
 * versions never rewrites memory a running query could read.
 *
 * Order of preference: the SIMD build where `simdSupported()`, else the plain WASM build, else
 * (WASM refused by a Content-Security-Policy, or missing) the TypeScript reference kernels, with
 * the reason kept for `status()`.
 */
import { simdSupported } from '../shared/kernels/simd.ts';
import { instantiateKernels } from '../shared/kernels/wasm-kernels.ts';
import type { KernelImpl, Kernels } from '../shared/kernels/types.ts';
import { isVitrineError, VitrineError } from '../shared/errors.ts';
import { ANONYMOUS_FETCH } from './bundle-cache.ts';
import { loadPart } from './lazy-part.ts';
import { wasmUrl } from './wasm-url.ts';

/** Vite turns these into hash-named assets next to the worker file (or the page names them: wasm-url.ts). */
const WASM_URLS = {
  'wasm-simd': wasmUrl('kernels.simd', new URL('../../wasm/build/kernels.simd.wasm', import.meta.url)),
  wasm: wasmUrl('kernels', new URL('../../wasm/build/kernels.wasm', import.meta.url)),
} as const;

export interface KernelFactory {
  impl: KernelImpl;
  /** Why WASM is not used, or null. */
  fallback: VitrineError | null;
  /** A fresh, empty kernels instance (call `setMatrix` next). */
  create(): Promise<Kernels>;
}

/** How the loader compiles bytes; tests replace it to act out a CSP refusal. */
export type Compile = (bytes: ArrayBuffer) => Promise<WebAssembly.Module>;

/** What a CSP without `'wasm-unsafe-eval'` makes `WebAssembly.compile` throw (Chromium, Firefox, Safari wordings). */
const CSP_REFUSAL = /content security policy|unsafe-eval|refused to compile/i;

/** Maps a compile/instantiate failure to WASM_BLOCKED (policy) or WASM_UNAVAILABLE (anything else); `url` is the file's. */
export function classifyWasmError(error: unknown, impl: KernelImpl, url?: URL): VitrineError {
  if (isVitrineError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = CSP_REFUSAL.test(message) ? 'WASM_BLOCKED' : 'WASM_UNAVAILABLE';
  return new VitrineError(code, `could not use the ${impl} kernels: ${message}`, { impl, url: url?.href });
}

async function fetchBytes(url: URL, signal?: AbortSignal): Promise<ArrayBuffer> {
  const response = await fetch(url, { ...ANONYMOUS_FETCH, signal });
  if (!response.ok) throw new VitrineError('WASM_UNAVAILABLE', `kernel file answered HTTP ${response.status}`, { url: url.href });
  return response.arrayBuffer();
}

async function compileFirstWorking(
  order: Array<'wasm-simd' | 'wasm'>,
  compile: Compile,
  signal?: AbortSignal,
): Promise<{ impl: 'wasm-simd' | 'wasm'; module: WebAssembly.Module } | VitrineError> {
  let failure: VitrineError | null = null;
  for (const impl of order) {
    try {
      return { impl, module: await compile(await fetchBytes(WASM_URLS[impl], signal)) };
    } catch (error) {
      // Stopped, not failed: no fallback to the JavaScript kernels for that.
      signal?.throwIfAborted();
      failure = classifyWasmError(error, impl, WASM_URLS[impl]);
      // A policy refusal applies to every module: trying the next build would fail the same way.
      if (failure.code === 'WASM_BLOCKED') break;
    }
  }
  return failure ?? new VitrineError('WASM_UNAVAILABLE', 'no WASM build to try');
}

/** The TypeScript reference kernels, with the reason WASM is not used (null when chosen on purpose). */
export function referenceFactory(fallback: VitrineError | null): KernelFactory {
  // Its own chunk: only a page whose policy refuses WebAssembly (or lacks the .wasm files) downloads it.
  const create = async (): Promise<Kernels> =>
    (await loadPart('JavaScript kernels', () => import('./reference-kernels.ts'))).referenceKernels(fallback);
  return { impl: 'js', fallback, create };
}

/** Compiles the best kernels this worker can run, falling back to the JS reference. */
export async function loadKernelFactory({
  compile = (bytes) => WebAssembly.compile(bytes),
  prefer = 'auto',
  signal,
}: { compile?: Compile; prefer?: 'auto' | 'js'; signal?: AbortSignal } = {}): Promise<KernelFactory> {
  if (prefer === 'js') return referenceFactory(null);
  if (typeof WebAssembly !== 'object') {
    return referenceFactory(new VitrineError('WASM_UNAVAILABLE', 'this browser has no WebAssembly'));
  }
  const order: Array<'wasm-simd' | 'wasm'> = simdSupported() ? ['wasm-simd', 'wasm'] : ['wasm'];
  const compiled = await compileFirstWorking(order, compile, signal);
  if (isVitrineError(compiled)) return referenceFactory(compiled);
  const { impl, module } = compiled;
  return { impl, fallback: null, create: () => instantiateKernels(module, impl) };
}

let cached: Promise<KernelFactory> | null = null;

/**
 * The worker's one kernel factory, compiled on first use. `signal` (the first load's) stops its
 * download: a stalled .wasm must not hold every later load; the next one downloads it again.
 */
export function kernelFactory(signal?: AbortSignal): Promise<KernelFactory> {
  const factory = (cached ??= loadKernelFactory({ signal }));
  factory.catch(() => cached === factory && (cached = null));
  return factory;
}
