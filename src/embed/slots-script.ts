/**
 * `dist/vitrine-slots.js`: the content-slot code as a script of its own, which `vitrine.js` adds to
 * the page only when the page has a `data-vitrine-slot` (so pages without slots never download
 * it). It drives the slots through the public page API (`window.vitrine.experiment()` and
 * `reward()`), and follows slots a single-page app adds later. Its warnings go to the console.
 */
import type { VitrineGlobal } from './script-tag.ts';
import { scanSlots } from './slots.ts';

const SELECTOR = '[data-vitrine-slot]';

function start(script: HTMLScriptElement | null): void {
  const vitrine = (window as { vitrine?: VitrineGlobal }).vitrine;
  if (!vitrine) return;
  const locale = script?.dataset.locale || 'en';
  const warn = (error: unknown): void => console.warn(`Vitrine: ${error instanceof Error ? error.message : error}`);
  scanSlots(document, vitrine, locale, warn);
  new MutationObserver((records) => {
    for (const { addedNodes } of records) {
      for (const node of addedNodes)
        if (node instanceof Element && (node.matches(SELECTOR) || node.querySelector(SELECTOR))) scanSlots(node, vitrine, locale, warn);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}

try {
  start(document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
} catch {
  // Never break the host page: the slots keep the shop's first variant.
}
