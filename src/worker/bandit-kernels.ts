/**
 * The bandit kernels for the worker, loaded only by code that runs a bandit (`import()` this
 * module: it is its own chunk, and bandit.wasm its own file, so pages without a bandit download
 * neither). Compiled once per worker; the promise is cached at module scope.
 *
 * Order of preference, as the scoring kernels (kernel-loader.ts): bandit.simd.wasm where SIMD
 * validates, else bandit.wasm, else (WebAssembly refused by a Content-Security-Policy, missing, or
 * the file unreachable) the TypeScript reference. Never rejects.
 */
import { createReferenceBanditKernels, type BanditKernels } from '../shared/bandit/kernels.ts';
import { instantiateBanditKernels } from '../shared/bandit/wasm-kernels.ts';
import { wasmUrl } from './wasm-url.ts';

/** Vite turns these into hash-named assets next to this chunk (or the page names them: wasm-url.ts). */
const WASM_URLS = {
  'wasm-simd': wasmUrl('bandit.simd', new URL('../../wasm/build/bandit.simd.wasm', import.meta.url)),
  wasm: wasmUrl('bandit', new URL('../../wasm/build/bandit.wasm', import.meta.url)),
} as const;

/**
 * SIMD is detected by validating bandit.simd.wasm itself (`instantiateBanditKernels`), not with the
 * worker's probe: importing that would make the worker file every page loads export it.
 */
async function loadBest(): Promise<BanditKernels> {
  if (typeof WebAssembly === 'object') {
    for (const impl of ['wasm-simd', 'wasm'] as const) {
      try {
        const response = await fetch(WASM_URLS[impl], { credentials: 'omit', referrerPolicy: 'no-referrer' });
        if (response.ok) return await instantiateBanditKernels(await response.arrayBuffer(), impl);
      } catch (error) {
        // A policy refusal applies to every module: the next build would fail the same way.
        if (/content security policy|unsafe-eval|refused to compile/i.test(String(error))) break;
      }
    }
  }
  return createReferenceBanditKernels();
}

let cached: Promise<BanditKernels> | null = null;

/** The worker's bandit kernels: wasm (SIMD if it can) or the TypeScript reference; `impl` tells which. */
export function loadBanditKernels(): Promise<BanditKernels> {
  return (cached ??= loadBest());
}
