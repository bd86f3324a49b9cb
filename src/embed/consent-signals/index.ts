/**
 * The page side of consent: collects signals from the CMP (IAB TCF v2.2), Google Consent Mode v2
 * and the explicit API, and forwards each one to the worker, which merges them (last signal wins,
 * per scope) and enforces them. Nothing here stores anything.
 */
import type { ConsentSignal } from '../../shared/consent-record.ts';
import { listenConsentMode } from './consent-mode.ts';
import { listenTcf } from './tcf.ts';

export { consentModeSignal, listenConsentMode, type ConsentModeSignal } from './consent-mode.ts';
export { listenTcf, tcfDecision, TCF_MEASUREMENT_PURPOSES, TCF_PERSONALIZATION_PURPOSES, type TcData, type TcfDecision } from './tcf.ts';

/** What the adapters need from the page. */
export interface ConsentWindow {
  __tcfapi?: unknown;
  dataLayer?: unknown;
  addEventListener?: (type: string, listener: () => void, options?: { once?: boolean }) => void;
}

/**
 * Watches the CMP and dataLayer on `win` and calls `send` for each signal. A CMP stub or a
 * dataLayer that appears only after this script ran is picked up at `DOMContentLoaded` and `load`.
 * Returns a stop function. `send` failures are the caller's; this function never throws.
 */
export function watchConsentSignals(win: ConsentWindow, send: (signal: ConsentSignal) => void): () => void {
  const stops: (() => void)[] = [];
  let tcf = false;
  let consentMode = false;
  const attach = (): void => {
    if (!tcf) {
      const stop = listenTcf(win, (decision) => send({ ...decision, source: 'tcf', time: Date.now() }));
      if (stop) {
        stops.push(stop);
        tcf = true;
      }
    }
    if (!consentMode) {
      const stop = listenConsentMode(win, (signal) => send({ ...signal, source: 'consent-mode', time: Date.now() }));
      if (stop) {
        stops.push(stop);
        consentMode = true;
      }
    }
  };
  attach();
  if (!tcf || !consentMode) {
    win.addEventListener?.('DOMContentLoaded', attach, { once: true });
    win.addEventListener?.('load', attach, { once: true });
  }
  return () => {
    for (const stop of stops.splice(0)) stop();
    tcf = consentMode = true; // a late event must not re-attach
  };
}
