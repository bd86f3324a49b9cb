/**
 * Where the worker finds one of its `.wasm` files. Built as a file of its own (the script tag),
 * the worker has them next to itself (`new URL(…, import.meta.url)`, hash-named by Vite). Bundled
 * into an app (`import 'vitrine'`), it is copied by the app's bundler without being read, so
 * nothing next to it is emitted: the page then resolves each file in code the bundler does read
 * (src/embed/library-worker.ts) and names it in the worker URL's fragment, `#kernels.simd=<url>&…`.
 * The script tag's build leaves this out (Vite replaces `import.meta.env.MODE`): its worker is
 * never started that way, and every byte of it counts against the engine's budget.
 */
/** `name` as the page named it (`kernels.simd`, `kernels`, `bandit.simd`, `bandit`), else `beside`. */
export const wasmUrl = (name: string, beside: URL): URL =>
  import.meta.env.MODE == 'script-tag' ? beside : new URL(new URLSearchParams(globalThis.location?.hash.slice(1)).get(name) ?? beside);
