/**
 * Entry of `dist/vitrine.js`, the `<script>` embed:
 *
 *   <script>window.vitrine = window.vitrine || []; vitrine.push(['track', 'view', { product: 'SKU-1' }]);</script>
 *   <script src="/vitrine/vitrine.js" data-bundle="/vitrine/shop.vtb" data-locale="de" async></script>
 *   <div data-vitrine="similar" data-product="SKU-1" data-limit="4"></div>
 *
 * It sets `window.vitrine` once (the API; the queued commands run first, in order), starts loading
 * the bundle, mounts a widget in every `data-vitrine` placeholder (now and when the page adds
 * more), and tracks what the markup declares (`data-vitrine-track`, schema.org Product JSON-LD).
 *
 * Privacy: `data-privacy="on-device"` (the default and, for now, the only mode) keeps every event,
 * identifier and profile field on the device. Consent starts at `necessary` (nothing persisted)
 * and follows the page's IAB TCF v2.2 CMP (`__tcfapi`), Google Consent Mode v2 commands in
 * `dataLayer`, and `vitrine.consent.set()`; the last signal wins. `data-measurement-endpoint`
 * (off by default) is where aggregate counts go, only with `measurement` consent.
 *
 * It never throws into the host page: a shop's page must work the same whether or not Vitrine
 * comes up. Failures show as one warning per kind (console and `vitrine.onError(listener)`),
 * `window.vitrine.ready` resolving to null, and placeholders showing their own content.
 */
import { createEngine, type Vitrine } from './create-vitrine.ts';
import type { WidgetEngine } from '../../widgets/index.ts';
import { isAbort } from '../../widgets/errors.ts';
import { VitrineError, type ErrorCode } from '../shared/errors.ts';
import type { EventType, TrackEvent, TrackOutcome } from '../shared/events.ts';
import type { EngineStatus } from '../shared/request.ts';
import { runCommand, type Command } from './command-queue.ts';
import type { CallControl } from './page-methods.ts';
import { watchConsentSignals } from './consent-signals/index.ts';
import { trackPage, within } from './page-tracking.ts';
import { scriptUrl } from './worker-start.ts';
import { createPlaceholders, PLACEHOLDER_ATTRIBUTES } from './placeholders.tsx';
import { createWarnings, type WarningListener } from './warnings.ts';
import { TEMPLATES_EVENT, type FromTemplates } from './templates-contract.ts';

export interface VitrineGlobal extends Omit<Vitrine, 'track'> {
  /** Resolves when the `data-bundle` load finished: the status, or null when it failed or none was given. */
  ready: Promise<EngineStatus | null>;
  /** `track({ type: 'view', product })`, or the queue's form `track('view', { product })`. */
  track(event: TrackEvent, options?: CallControl): Promise<TrackOutcome>;
  track(type: EventType, fields?: Omit<TrackEvent, 'type'>, options?: CallControl): Promise<TrackOutcome>;
  /** Runs queued-style commands now (`['track', 'view', { product }]`, or a function); resolves with their results. */
  push(...commands: Command<VitrineGlobal>[]): Promise<unknown[]>;
  /**
   * Hears each warning once (one per error code per page), including those given before it was
   * added: a bundle that failed to load, a crashed engine, WebAssembly blocked by the page's CSP, a
   * bad placeholder attribute. Returns the listener's removal.
   */
  onError(listener: WarningListener): () => void;
}

declare global {
  interface Window {
    /** The API once `vitrine.js` ran; before that, the shop's command queue (an array). */
    vitrine?: VitrineGlobal;
  }
}

/** A positive number from a `data-*` attribute, else undefined (the default applies: a typo must not break the page). */
function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : undefined;
}

function start(script: HTMLScriptElement | null): void {
  const queued: unknown = window.vitrine;
  if (queued && !Array.isArray(queued)) return; // loaded twice: keep the first engine
  const data = script?.dataset ?? {};
  const warnings = createWarnings();
  const warn = (error: unknown): void => warnings.report(error);
  // Only 'on-device' exists: any other value still gets on-device behaviour, never something looser.
  const interval = positive(data.measurementInterval);
  const maxEvents = positive(data.profileMaxEvents);
  const maxAgeDays = positive(data.profileMaxAgeDays);
  const { vitrine, bridge } = createEngine({
    measurementEndpoint: data.measurementEndpoint || undefined,
    measurementIntervalMs: interval,
    // A malformed epsilon reaches the worker as NaN and is refused: then no arm count is sent at all.
    bandits:
      data.banditPriors || data.banditEpsilon || data.banditCountsEndpoint
        ? {
            priors: data.banditPriors,
            epsilon: data.banditEpsilon ? Number(data.banditEpsilon) : null,
            countsEndpoint: data.banditCountsEndpoint,
          }
        : undefined,
    // Valid by construction (positive, the count a whole number >= 1): the page need not check them.
    profileLimits: maxEvents || maxAgeDays ? { maxEvents: maxEvents && Math.max(1, Math.floor(maxEvents)), maxAgeDays } : undefined,
  });
  // Consent first: signals already on the page reach the worker before anything is tracked.
  watchConsentSignals(window as Parameters<typeof watchConsentSignals>[0], (signal) => {
    // The scopes alone (the API stamps the time): a choice with another key would not be replayed after a crash.
    const { source, time: _time, ...choice } = signal;
    vitrine.consent.set(choice, { source }).catch(warn);
  });

  /** The latest load: widgets wait for it, and fail with its error when it failed. */
  let loading: Promise<EngineStatus | null> = Promise.resolve(null);
  let loadFailure: unknown = null;
  const load: Vitrine['load'] = (source, options) => {
    const loaded = vitrine.load(source, options);
    loading = loaded.then(
      (status) => {
        loadFailure = null;
        // WebAssembly refused (CSP without 'wasm-unsafe-eval'): it works, on the slower JS kernels.
        const fallback = status.kernelsFallback;
        if (fallback) warn(new VitrineError(fallback.code as ErrorCode, fallback.message));
        return status;
      },
      (error: unknown) => {
        loadFailure = error;
        warn(error);
        return null;
      },
    );
    return loaded;
  };
  // `data-bundle` is relative to the page, like any URL attribute the shop writes.
  // `data-bundle-head` names its head part; `data-max-download` (bytes) caps the full bundle's background download after it.
  if (data.bundle)
    load(data.bundle, { integrity: data.bundleIntegrity, maxDownload: positive(data.maxDownload), head: data.bundleHead }).catch(
      () => undefined,
    );
  const ready = loading;

  const api: VitrineGlobal = {
    ...vitrine,
    load,
    ready,
    track(first: TrackEvent | EventType, second?: CallControl | Omit<TrackEvent, 'type'>, third?: CallControl) {
      return typeof first === 'string'
        ? vitrine.track({ ...(second as Omit<TrackEvent, 'type'>), type: first }, third)
        : vitrine.track(first, second as CallControl | undefined);
    },
    push: (...commands) => Promise.all(commands.map((command) => runCommand(api, command, warn))),
    onError: (listener) => warnings.listen(listener),
  };
  window.vitrine = api;
  // The shop's queue, in order: each call is handed to the worker before the next one starts.
  for (const command of (queued as unknown[] | undefined) ?? []) void runCommand(api, command, warn);

  // What widgets ask goes through here: after the bundle is in, and once more after a worker crash
  // (the bridge's recovery decides which crashes are worth it).
  const engine: WidgetEngine = {
    ...api,
    async recommend(request, options) {
      // The latest load: a newer one may replace (and abort) the one awaited meanwhile.
      let awaited, status;
      do status = await (awaited = loading);
      while (awaited !== loading);
      // A stopped load is no failure: the engine answers from the bundle it has, or NOT_READY.
      if (status === null && loadFailure && !isAbort(loadFailure)) throw loadFailure;
      return bridge.recovery.retry(() => vitrine.recommend(request, options));
    },
  };
  const tracking = trackPage(document, (event) => api.track(event), warn);
  let slots: HTMLScriptElement | undefined;
  const locale = data.locale || document.documentElement.lang || 'en';
  /** A script next to this one in dist/, added to the page. */
  const addScript = (file: string): HTMLScriptElement => {
    const script = document.createElement('script');
    script.src = scriptUrl(new URL(file, import.meta.url).href) as string;
    script.dataset.locale = locale;
    return document.head.appendChild(script);
  };
  let templates: Promise<FromTemplates> | undefined;
  const widgets = createPlaceholders({
    engine,
    locale,
    pageProduct: () => tracking.pageProduct(),
    warn,
    // Placeholder templates: their code is a script of its own (vitrine-templates.js), added once a placeholder holds one.
    templates: () =>
      (templates ??= new Promise((resolve, reject) => {
        document.addEventListener(TEMPLATES_EVENT, (event) => resolve((event as CustomEvent<FromTemplates>).detail), { once: true });
        addScript(TEMPLATES_FILE).onerror = () =>
          reject(new VitrineError('CODE_UNAVAILABLE', `${TEMPLATES_FILE} did not load`, { part: 'templates' }));
      })),
  });
  const scan = (root: ParentNode): void => {
    // Content slots and placeholder variants: their code is a script of its own (vitrine-slots.js), added once a page has one.
    if (!slots && within(root, '[data-vitrine-slot],[data-variants]').length) slots = addScript(SLOTS_FILE);
    const product = tracking.pageProduct();
    tracking.scan(root); // first: it finds the JSON-LD product that placeholders may default to
    // JSON-LD that came late (a single-page app): the placeholders naming no product follow it.
    widgets.scan(tracking.pageProduct() === product ? root : document);
  };
  const observer = new MutationObserver((records) => {
    try {
      let removed = false;
      for (const record of records) {
        if (record.type === 'attributes') {
          if ((record.target as Element).hasAttribute('data-vitrine')) widgets.scan(record.target as HTMLElement);
        } else {
          for (const node of record.addedNodes) if (node instanceof Element) scan(node);
          removed ||= record.removedNodes.length > 0;
        }
      }
      if (removed) widgets.sweep();
    } catch (error) {
      warn(error);
    }
  });
  const begin = (): void => {
    try {
      scan(document);
      observer.observe(document.documentElement, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: PLACEHOLDER_ATTRIBUTES,
      });
    } catch (error) {
      warn(error);
    }
  };
  // An async script can run before the body is parsed: wait for it, so the page's JSON-LD is known.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin, { once: true });
  else begin();
}

/** The experiments script (content slots, placeholder variants), next to this one in dist/ (a variable: not an asset for the bundler to resolve). */
const SLOTS_FILE = 'vitrine-slots.js';
/** The placeholder templates script (templates.ts), next to this one in dist/. */
const TEMPLATES_FILE = 'vitrine-templates.js';

try {
  // Only valid during this first synchronous run of the script.
  start(document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
} catch {
  // Never break the host page; without window.vitrine the shop's own fallback shows.
}
