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

/** A queued command (`['consent.set', { … }]`), run in order with the others. */
export const pushCommand = (...command: unknown[]): void => void queue().push(command);

/**
 * The shop's own list of products in the visitor's order, with Vitrine's reasons; undefined when
 * Vitrine has no bundle (blocked, offline on a first visit): the shop keeps its own order then.
 */
export function rankForVisitor(productIds: string[]): Promise<RerankResult | undefined> {
  return withVitrine(async (vitrine) => ((await vitrine.ready) ? vitrine.rerank(productIds, {}, { locale: LANG }) : undefined));
}

/**
 * Tells listeners (the debug overlay, the end-to-end tests) that the shop rendered a ranked list:
 * `list` names it (`'category'`, `'search'`), `items` are Vitrine's items in the order shown.
 */
export function announceRanked(list: string, items: ResultItem[]): void {
  document.dispatchEvent(new CustomEvent('demo:ranked', { detail: { list, items } }));
}
