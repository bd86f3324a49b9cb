/**
 * The engine worker as an app that bundles Vitrine (`import 'vitrine'`) starts it. The app's
 * bundler finds the worker file through the bridge's `new URL(…, import.meta.url)` and copies it,
 * but does not read it, so the `.wasm` files the worker would load from next to itself are never
 * emitted (a production build answered their URL with its index.html). Named here instead, in code
 * the bundler reads, each is emitted with the app's assets (Vite, webpack 5, Parcel; Rollup with an
 * `import.meta.url` assets plugin), and the worker gets their URLs in its URL's fragment
 * (src/worker/wasm-url.ts). The script tag does not use this: its worker finds them next to itself.
 */
import banditUrl from '../../wasm/build/bandit.wasm?url';
import banditSimdUrl from '../../wasm/build/bandit.simd.wasm?url';
import kernelsUrl from '../../wasm/build/kernels.wasm?url';
import kernelsSimdUrl from '../../wasm/build/kernels.simd.wasm?url';
import { engineWorkerUrl } from './bridge.ts';
import { startModuleWorker } from './worker-start.ts';

/**
 * The worker's `.wasm` files, by the names src/worker/wasm-url.ts reads. `?url` imports, not
 * `new URL(…, import.meta.url)` here: Vite would wrap the built URL in a second `new URL(…, '' +
 * import.meta.url)`, and webpack writes a bare `import.meta.url` into the app's bundle as the build
 * machine's `file://` path. Built, each is `new URL('./../assets/….wasm', import.meta.url).href`.
 */
const WASM_FILES: Record<string, string> = {
  'kernels.simd': kernelsSimdUrl,
  kernels: kernelsUrl,
  'bandit.simd': banditSimdUrl,
  bandit: banditUrl,
};

/** Starts the engine worker, telling it where the app's build put its `.wasm` files. */
export function startLibraryWorker(): Worker {
  const named = new URLSearchParams(Object.entries(WASM_FILES).map(([name, url]) => [name, new URL(url, document.baseURI).href]));
  return startModuleWorker(`${engineWorkerUrl}#${named}`);
}
