/**
 * Entry of `dist/vitrine.js`, the `<script>` embed:
 *
 *   <script src="/vitrine/vitrine.js" data-bundle="/vitrine/shop.vtb" async></script>
 *
 * Privacy: `data-privacy="on-device"` (the default and, for now, the only mode) keeps every event,
 * identifier and profile field on the device. Consent starts at `necessary` (nothing persisted)
 * and follows the page's IAB TCF v2.2 CMP (`__tcfapi`), Google Consent Mode v2 commands in
 * `dataLayer`, and `vitrine.consent.set()`; the last signal wins. `data-measurement-endpoint`
 * (off by default) is where aggregate counts go, only with `measurement` consent.
 *
 * Sets `window.vitrine` once and starts loading the bundle. It never throws into the host page:
 * a shop's page must work the same whether or not Vitrine comes up, so failures only show in
 * `window.vitrine.ready` (which resolves to the engine status, or null) and `status()`.
 */
import { createVitrine, type Vitrine } from '../index.ts';
import { watchConsentSignals } from './consent/index.ts';
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

/** A positive number from a `data-*` attribute, else undefined (the default applies: a typo must not break the page). */
function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : undefined;
}

function start(script: HTMLScriptElement | null): void {
  if (window.vitrine) return; // loaded twice: keep the first engine
  const data = script?.dataset ?? {};
  // Only 'on-device' exists: any other value still gets on-device behaviour, never something looser.
  const interval = positive(data.measurementInterval);
  const maxEvents = positive(data.profileMaxEvents);
  const maxAgeDays = positive(data.profileMaxAgeDays);
  const vitrine = createVitrine({
    measurementEndpoint: data.measurementEndpoint || undefined,
    measurementIntervalMs: interval,
    profileLimits: maxEvents || maxAgeDays ? { maxEvents: maxEvents && Math.max(1, Math.floor(maxEvents)), maxAgeDays } : undefined,
  });
  // Consent first: signals already on the page reach the worker before anything is tracked.
  watchConsentSignals(window as Parameters<typeof watchConsentSignals>[0], (signal) => {
    const { source, ...choice } = signal;
    vitrine.consent.set(choice, { source }).catch(() => undefined);
  });
  const bundle = data.bundle;
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
