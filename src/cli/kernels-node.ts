/** Loads the built kernels from `wasm/build/` in Node (CLI, benchmarks, node tests). */
import { readFile } from 'node:fs/promises';
import { VitrineError } from '../shared/errors.ts';
import { createReferenceKernels } from '../shared/kernels/reference.ts';
import { simdSupported } from '../shared/kernels/simd.ts';
import type { KernelImpl, Kernels } from '../shared/kernels/types.ts';
import { instantiateKernels } from '../shared/kernels/wasm-kernels.ts';

export type KernelBuild = 'release' | 'debug';

/** The .wasm file of each build, relative to this module (works from src/ and from the installed package). */
function wasmUrl(impl: 'wasm-simd' | 'wasm', build: KernelBuild): URL {
  if (build === 'debug') {
    return impl === 'wasm-simd'
      ? new URL('../../wasm/build/kernels.debug.wasm', import.meta.url)
      : new URL('../../wasm/build/kernels.debug.nosimd.wasm', import.meta.url);
  }
  return impl === 'wasm-simd'
    ? new URL('../../wasm/build/kernels.simd.wasm', import.meta.url)
    : new URL('../../wasm/build/kernels.wasm', import.meta.url);
}

const loaded = new Map<string, Promise<Uint8Array>>();

/**
 * A new kernels instance (its own memory: one per bundle version, as in the worker). The .wasm file
 * is read once per impl and build; `auto` picks SIMD when this Node validates it.
 */
export async function loadNodeKernels(impl: KernelImpl | 'auto' = 'auto', build: KernelBuild = 'release'): Promise<Kernels> {
  if (impl === 'js') return createReferenceKernels();
  const chosen = impl === 'auto' ? (simdSupported() ? 'wasm-simd' : 'wasm') : impl;
  const key = `${chosen}:${build}`;
  let promise = loaded.get(key);
  if (!promise) {
    const url = wasmUrl(chosen, build);
    promise = readFile(url).then(
      (bytes) => bytes,
      (error: unknown) => {
        throw new VitrineError('WASM_UNAVAILABLE', `cannot read ${url.pathname}: run \`npm run build:wasm\` first`, {
          reason: String(error),
        });
      },
    );
    promise.catch(() => loaded.delete(key));
    loaded.set(key, promise);
  }
  // A fresh copy: instantiateKernels shares one instance per source object (the worker wants that).
  return instantiateKernels((await promise).slice(), chosen);
}
