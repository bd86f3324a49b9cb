/**
 * How the shop talks to Vitrine: only through the public page API of the script tag, queued
 * (`window.vitrine.push`) so that calls made before `vitrine.js` has run are kept, as the README
 * tells shops to do. Plus the hook the demo's tooling listens to.
 */
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { RerankResult, ResultItem } from '../../src/shared/request.ts';
import { LANG } from './i18n.ts';

type Queue = { push(...commands: unknown[]): unknown };

/** The queued global: an array until vitrine.js takes it over. */
function queue(): Queue {
  const global = window as unknown as { vitrine?: Queue };
  global.vitrine ??= [];
  return global.vitrine;
}

/** Runs `use` with the API once Vitrine is there (never, if it is blocked: the shop works without it). */
export function withVitrine<T>(use: (vitrine: VitrineGlobal) => T | Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    queue().push(async (vitrine: VitrineGlobal) => {
      try {
        resolve(await use(vitrine));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The last consent signal given to Vitrine, settled once Vitrine applied it. */
let consentApplied: Promise<unknown> = Promise.resolve();

/**
 * Signals the visitor's consent choice. Vitrine starts queued commands in order without waiting
 * for each, and a query made while it still opens the stored profile answers without the profile:
 * the shop's own rankings wait for this first.
 */
export function signalConsent(choice: { personalization: boolean; measurement: boolean }): void {
  consentApplied = withVitrine((vitrine) => vitrine.consent.set(choice)).catch(() => undefined);
}

/**
 * The shop's own list of products in the visitor's order, with Vitrine's reasons; undefined when
 * Vitrine has no bundle (blocked, offline on a first visit): the shop keeps its own order then.
 */
export function rankForVisitor(productIds: string[]): Promise<RerankResult | undefined> {
  return withVitrine(async (vitrine) => {
    if (!(await vitrine.ready)) return undefined;
    await consentApplied;
    return vitrine.rerank(productIds, {}, { locale: LANG });
  });
}

/** The shop's ranked lists on this page so far, by name: the debug overlay may load after they were announced. */
export const rankedLists = new Map<string, ResultItem[]>();

/**
 * Tells listeners (the debug overlay, the end-to-end tests) that the shop rendered a ranked list:
 * `list` names it (`'category'`, `'search'`), `items` are Vitrine's items in the order shown.
 */
export function announceRanked(list: string, items: ResultItem[]): void {
  rankedLists.set(list, items);
  document.dispatchEvent(new CustomEvent('demo:ranked', { detail: { list, items } }));
}
