/**
 * The TypeScript reference kernels as the worker's fallback: its own chunk, loaded only by a worker
 * that cannot use WebAssembly. A `.wasm` file that is missing or answered with a web page (an app's
 * build that did not emit it, a server's HTML fallback) is a mistake the shop can fix and would
 * otherwise show only in `status()`, so the first use says so on the console, with the file's URL.
 * A policy refusal (`WASM_BLOCKED`) is the shop's own choice: it is not repeated there.
 */
import { createReferenceKernels } from '../shared/kernels/reference.ts';
import type { Kernels } from '../shared/kernels/types.ts';
import type { VitrineError } from '../shared/errors.ts';

let told = false;

/** Fresh reference kernels; `fallback` is why WebAssembly is not used (null when chosen on purpose). */
export function referenceKernels(fallback: VitrineError | null): Kernels {
  if (!told && fallback?.code == 'WASM_UNAVAILABLE' && fallback.details.url) {
    told = true;
    console.warn(`Vitrine: ${fallback.message} (${fallback.details.url}), so JavaScript kernels. Fix: README "WebAssembly files"`);
  }
  return createReferenceKernels();
}
