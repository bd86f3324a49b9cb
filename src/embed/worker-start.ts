/**
 * Starts the engine worker from its URL, wherever `vitrine.js` is hosted:
 *
 * - Same origin as the page: `new Worker(url)`. The shop's CSP needs `worker-src 'self'`.
 * - Another origin (a CDN): browsers refuse cross-origin worker scripts, so a one-line module in a
 *   `blob:` URL of the page's origin imports the real worker from the CDN. The worker then runs
 *   with the shop's origin (its IndexedDB profile and consent belong to the shop, as on the same
 *   origin) while `import.meta.url` inside it is the CDN file, so its chunks and `.wasm` load from
 *   there. Needs CORS on the CDN and `worker-src blob:` in the shop's CSP (README, "Hosting"); the
 *   worker's error names CORS when that is what is missing.
 *
 * Under Trusted Types (`require-trusted-types-for 'script'`) a worker URL must be a
 * TrustedScriptURL: a policy named `vitrine` lets through exactly the URLs made here, nothing else.
 */

/** The bits of the Trusted Types API used here (TypeScript's DOM library does not declare them yet). */
interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
interface TrustedTypesFactory {
  createPolicy(name: string, rules: { createScriptURL: (url: string) => string }): ScriptUrlPolicy;
}

/** Name of the Trusted Types policy; a shop with a `trusted-types` CSP directive must list it. */
export const TRUSTED_TYPES_POLICY = 'vitrine';

/** URLs this module asked to start; the policy refuses any other. */
const startable = new Set<string>();
let policy: ScriptUrlPolicy | null = null;

/** `url` as the Worker constructor (or a script's `src`) accepts it on this page: a TrustedScriptURL where Trusted Types are on. */
export function scriptUrl(url: string): string | URL {
  const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  if (!factory) return url;
  startable.add(url);
  policy ??= factory.createPolicy(TRUSTED_TYPES_POLICY, {
    createScriptURL: (candidate) => {
      if (!startable.has(candidate)) throw new TypeError(`vitrine: refusing to start ${candidate} as a worker`);
      return candidate;
    },
  });
  // The Worker constructor takes a TrustedScriptURL here; its type is not in TypeScript's DOM lib.
  return policy.createScriptURL(url) as string;
}

/** Starts the module worker at `url` (absolute, or relative to the page), cross-origin or not. */
export function startModuleWorker(url: string): Worker {
  const target = new URL(url, document.baseURI);
  if (target.origin === location.origin) return new Worker(scriptUrl(target.href), { type: 'module' });
  // A dynamic import, so that a failure can be explained: when the file cannot even be fetched
  // with CORS, the CDN's CORS headers are missing and the worker's error (the bridge's
  // WORKER_CRASHED message) says so; when it can (a 404, a script error), the import's own error
  // stands. Messages that arrive before the worker module listens are kept and dispatched again
  // once it does (a static import delayed them by itself).
  const source = `const url = ${JSON.stringify(target.href)};
const early = [];
const keep = (event) => early.push(event);
addEventListener('message', keep);
try {
  await import(url);
} catch (error) {
  throw await fetch(url).then(() => error, () => Error(url + ' is blocked by CORS: its server must send Access-Control-Allow-Origin'));
}
removeEventListener('message', keep);
for (const event of early) dispatchEvent(event);`;
  const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  // The worker reads its URL's fragment (the app's .wasm URLs, library-worker.ts) from `location`: the blob's.
  const trampoline = blob + target.hash;
  const worker = new Worker(scriptUrl(trampoline), { type: 'module' });
  // The blob is fetched asynchronously: release it once the worker has spoken or failed.
  const release = (): void => {
    URL.revokeObjectURL(blob);
    startable.delete(trampoline);
    worker.removeEventListener('message', release);
    worker.removeEventListener('error', release);
  };
  worker.addEventListener('message', release);
  worker.addEventListener('error', release);
  return worker;
}
