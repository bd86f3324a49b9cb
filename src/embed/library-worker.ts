/**
 * The engine worker as an app that bundles Vitrine (`import 'vitrine'`) starts it. The app's
 * bundler finds the worker file through the bridge's `new URL(…, import.meta.url)` and copies it,
 * but does not read it, so the `.wasm` files the worker would load from next to itself are never
 * emitted (a production build answered their URL with its index.html). Named here instead, in code
 * the bundler reads, each is emitted with the app's assets (Vite, webpack 5, Parcel; Rollup with an
 * `import.meta.url` assets plugin), and the worker gets their URLs in its URL's fragment
 * (src/worker/wasm-url.ts). The script tag does not use this: its worker finds them next to itself.
 */
import { engineWorkerUrl } from './bridge.ts';
import { startModuleWorker } from './worker-start.ts';

/** The worker's `.wasm` files, by the names src/worker/wasm-url.ts reads. A function: nothing is resolved unless the library starts a worker. */
const wasmFiles = (): Record<string, URL> => ({
  'kernels.simd': new URL('../../wasm/build/kernels.simd.wasm', import.meta.url),
  kernels: new URL('../../wasm/build/kernels.wasm', import.meta.url),
  'bandit.simd': new URL('../../wasm/build/bandit.simd.wasm', import.meta.url),
  bandit: new URL('../../wasm/build/bandit.wasm', import.meta.url),
});

/** Starts the engine worker, telling it where the app's build put its `.wasm` files. */
export function startLibraryWorker(): Worker {
  const named = new URLSearchParams(Object.entries(wasmFiles()).map(([name, url]) => [name, url.href]));
  return startModuleWorker(`${engineWorkerUrl}#${named}`);
}
