/**
 * Category `/c/<category>`: the shop's product grid, in its standard order at first, then in the
 * visitor's order from `vitrine.rerank` (the shop keeps its products; Vitrine only orders them).
 */
import { inCategory, productById } from '../catalog.ts';
import { productCard, productGrid } from '../cards.ts';
import { el } from '../dom.ts';
import { categoryName, href, T } from '../i18n.ts';
import { startPage } from '../layout.ts';
import { announceRanked, rankForVisitor } from '../vitrine.ts';

const slug = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const products = inCategory(slug);
const main = startPage(categoryName(slug));

const order = el('p', { class: 'list-order', role: 'status' }, T.sortedStandard);
const grid = productGrid(products.map((product) => productCard(product)));
main.append(
  el('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: href('/') }, T.home)),
  el('div', { class: 'list-head' }, el('h1', {}, categoryName(slug)), el('p', {}, T.products(products.length)), order),
  grid,
);

if (products.length) {
  rankForVisitor(products.map((product) => product.id)).then(
    (ranked) => {
      if (!ranked) return;
      const byId = new Map(ranked.items.map((item) => [item.productId, item]));
      grid.replaceChildren(...ranked.order.map((id) => productCard(productById(id)!, byId.get(id))));
      order.textContent = T.sortedForYou;
      announceRanked('category', ranked.items);
    },
    (error: unknown) => console.warn('demo shop: the standard order stays', error),
  );
}
