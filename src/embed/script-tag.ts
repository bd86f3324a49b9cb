/**
 * Entry of `dist/vitrine.js`, the `<script>` embed:
 *
 *   <script src="/vitrine/vitrine.js" data-bundle="/vitrine/shop.vtb" async></script>
 *
 * Sets `window.vitrine` once and starts loading the bundle. It never throws into the host page:
 * a shop's page must work the same whether or not Vitrine comes up, so failures only show in
 * `window.vitrine.ready` (which resolves to the engine status, or null) and `status()`.
 */
import { createVitrine, type Vitrine } from '../index.ts';
import type { EngineStatus } from '../shared/request.ts';

export interface VitrineGlobal extends Vitrine {
  /** Resolves when the `data-bundle` load finished: the status, or null when it failed or none was given. */
  ready: Promise<EngineStatus | null>;
}

declare global {
  interface Window {
    vitrine?: VitrineGlobal;
  }
}

function start(script: HTMLScriptElement | null): void {
  if (window.vitrine) return; // loaded twice: keep the first engine
  const vitrine = createVitrine();
  const bundle = script?.dataset.bundle;
  // `data-bundle` is relative to the page, like any URL attribute the shop writes.
  const ready = bundle ? vitrine.load(bundle).catch(() => null) : Promise.resolve(null);
  window.vitrine = { ...vitrine, ready };
}

try {
  // Only valid during this first synchronous run of the script.
  start(document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
} catch {
  // Never break the host page; without window.vitrine the shop's own fallback shows.
}
