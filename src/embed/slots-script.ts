/**
 * `dist/vitrine-slots.js`, the experiments script: the code of content slots (`data-vitrine-slot`)
 * and of recommendation variants on placeholders (`data-variants`) as a script of its own, which
 * `vitrine.js` adds to the page only when the page has one of them (so other pages never download
 * it). It drives them through the public page API (`window.vitrine.experiment()` and `reward()`),
 * and follows those a single-page app adds later. Its warnings go to the console.
 */
import type { VitrineGlobal } from './script-tag.ts';
import { scanSlots } from './slots.ts';
import { scanVariants } from './variants.ts';

const SELECTOR = '[data-vitrine-slot],[data-variants]';

function start(script: HTMLScriptElement | null): void {
  const vitrine = (window as { vitrine?: VitrineGlobal }).vitrine;
  if (!vitrine) return;
  const locale = script?.dataset.locale || 'en';
  const warn = (error: unknown): void => console.warn(`Vitrine: ${error instanceof Error ? error.message : error}`);
  const scan = (root: ParentNode): void => {
    scanSlots(root, vitrine, locale, warn);
    scanVariants(root, vitrine, locale, warn);
  };
  scan(document);
  new MutationObserver((records) => {
    for (const { addedNodes } of records) {
      for (const node of addedNodes) if (node instanceof Element && (node.matches(SELECTOR) || node.querySelector(SELECTOR))) scan(node);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}

try {
  start(document.currentScript instanceof HTMLScriptElement ? document.currentScript : null);
} catch {
  // Never break the host page: slots keep the shop's first variant, placeholders their own content.
}
