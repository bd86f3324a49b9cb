/**
 * The shop's product cards and its "Why?" for lists it renders itself (category grid, search
 * results). The reasons are Vitrine's (`item.why`, already in the visitor's language); the shop
 * only lays them out, as text.
 */
import { salePrice, type ShopProduct } from './catalog.ts';
import { addToCart } from './cart.ts';
import { el } from './dom.ts';
import { href, LANG, money, T } from './i18n.ts';
import type { ResultItem } from '../../src/shared/request.ts';

/** List price struck through beside the sale price, or just the price. */
export function priceTag(product: ShopProduct): HTMLElement {
  const sale = salePrice(product);
  return sale < product.price
    ? el('p', { class: 'price' }, el('del', {}, money(product.price)), ' ', el('ins', {}, money(sale)))
    : el('p', { class: 'price' }, money(product.price));
}

/** A reason's part of the item's score, as the widgets' "Why?" shows it ("45 % der Bewertung"). */
function share(contribution: number, score: number): string {
  const part = new Intl.NumberFormat(LANG, { style: 'percent' }).format(Math.min(1, Math.max(0, contribution / score)));
  return T.scoreShare(part);
}

/** Vitrine's reasons for one item, and the way to the visitor's data, in a disclosure. */
export function whyBox(item: ResultItem | undefined): HTMLElement {
  const reasons = item?.why.length
    ? item.why.map((reason) => el('li', {}, reason.text, item.score > 0 && el('small', {}, share(reason.contribution, item.score))))
    : [el('li', {}, T.whyNone)];
  return el(
    'details',
    { class: 'why', 'data-why': true },
    el('summary', {}, T.why),
    el('ul', {}, ...reasons),
    el('a', { href: href('/privacy') }, T.manageData),
  );
}

export function productCard(product: ShopProduct, item?: ResultItem, showWhy = false): HTMLElement {
  const link = href(`/p/${product.id}`);
  const add = el('button', { type: 'button', class: 'button button-small' }, T.addToCart);
  add.addEventListener('click', () => {
    addToCart(product.id);
    add.textContent = T.added;
  });
  return el(
    'article',
    { class: 'card', 'data-product': product.id },
    el(
      'a',
      { href: link, class: 'card-image', tabindex: '-1', 'aria-hidden': 'true' },
      el('img', { src: `/images/${product.id}.svg`, alt: '', width: '400', height: '300', loading: 'lazy' }),
    ),
    el('p', { class: 'card-brand' }, product.brand),
    el('h3', { class: 'card-title' }, el('a', { href: link }, product.title)),
    priceTag(product),
    el('div', { class: 'card-actions' }, add, showWhy && whyBox(item)),
  );
}

export const productGrid = (cards: HTMLElement[]): HTMLElement => el('div', { class: 'grid' }, ...cards);
