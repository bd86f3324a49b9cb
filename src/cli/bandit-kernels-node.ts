/** Loads the bandit kernels from `wasm/build/` in Node (CLI, benchmarks, node tests). */
import { readFile } from 'node:fs/promises';
import { createReferenceBanditKernels, type BanditKernels } from '../shared/bandit/kernels.ts';
import { instantiateBanditKernels } from '../shared/bandit/wasm-kernels.ts';
import { VitrineError } from '../shared/errors.ts';
import { simdSupported } from '../shared/kernels/simd.ts';
import type { KernelImpl } from '../shared/kernels/types.ts';

/** The .wasm file of each build, relative to this module (works from src/ and from the installed package). */
const WASM_URLS = {
  'wasm-simd': new URL('../../wasm/build/bandit.simd.wasm', import.meta.url),
  wasm: new URL('../../wasm/build/bandit.wasm', import.meta.url),
} as const;

/** Bandit kernels of `impl` (each call a new instance with its own memory); `auto` picks SIMD when this Node validates it. */
export async function loadNodeBanditKernels(impl: KernelImpl | 'auto' = 'auto'): Promise<BanditKernels> {
  if (impl === 'js') return createReferenceBanditKernels();
  const chosen = impl === 'auto' ? (simdSupported() ? 'wasm-simd' : 'wasm') : impl;
  const url = WASM_URLS[chosen];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(url);
  } catch (error) {
    throw new VitrineError('WASM_UNAVAILABLE', `cannot read ${url.pathname}: run \`npm run build:wasm\` first`, { reason: String(error) });
  }
  return instantiateBanditKernels(bytes, chosen);
}
