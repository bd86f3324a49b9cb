/**
 * Search `/search?q=`: the shop's own text match over its catalog, then ordered for the visitor
 * by `vitrine.rerank`, each result with Vitrine's reasons behind a "Why?".
 */
import { productById, search } from '../catalog.ts';
import { productCard, productGrid } from '../cards.ts';
import { el } from '../dom.ts';
import { T } from '../i18n.ts';
import { startPage } from '../layout.ts';
import { announceRanked, rankForVisitor, withVitrine } from '../vitrine.ts';

const query = (new URLSearchParams(location.search).get('q') ?? '').trim();
const hits = search(query);
const main = startPage(query ? T.searchTitle(query) : T.searchButton, query);

const order = el('p', { class: 'list-order', role: 'status' }, T.sortedStandard);
const grid = productGrid(hits.map((product) => productCard(product, undefined, true)));
main.append(
  el(
    'div',
    { class: 'list-head' },
    el('h1', {}, query ? T.searchTitle(query) : T.searchPrompt),
    query && el('p', {}, T.products(hits.length)),
    hits.length > 1 && order,
  ),
  hits.length ? grid : query && el('p', { class: 'empty' }, T.searchEmpty),
);

if (query) {
  // What the visitor searched for is context for their recommendations (kept like any event, by consent).
  withVitrine((vitrine) => vitrine.track('search', { query })).catch(() => undefined);
}
if (hits.length) {
  rankForVisitor(hits.map((product) => product.id)).then(
    (ranked) => {
      if (!ranked) return;
      const byId = new Map(ranked.items.map((item) => [item.productId, item]));
      grid.replaceChildren(...ranked.order.map((id) => productCard(productById(id)!, byId.get(id), true)));
      order.textContent = T.sortedForYou;
      announceRanked('search', ranked.items);
    },
    (error: unknown) => console.warn("demo shop: the shop's own order stays", error),
  );
}
