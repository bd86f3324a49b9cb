/**
 * `?debug=1`: an overlay for the shop owner. For now an empty, labelled panel; it will show each
 * item's score components, the visitor's intent and buyer type, and the experiments' arms.
 */
import { el } from './dom.ts';

export function mountDebugOverlay(): void {
  document.body.append(el('aside', { class: 'debug-overlay', 'aria-label': 'Vitrine debug' }, el('h2', {}, 'Vitrine debug')));
}
