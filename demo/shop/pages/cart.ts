/**
 * Cart `/cart`: the shop's cart lines, a pretend checkout that tells Vitrine of each purchase, and
 * "goes with" (what goes with the cart) under it.
 */
import { productById, salePrice } from '../catalog.ts';
import { checkout, readCart, removeFromCart } from '../cart.ts';
import { priceTag } from '../cards.ts';
import { el } from '../dom.ts';
import { href, money, T } from '../i18n.ts';
import { placeholder, startPage } from '../layout.ts';

const main = startPage(T.cartTitle);
const lines = el('div', { class: 'cart-lines' });
const status = el('p', { class: 'note', role: 'status' });

function render(): void {
  const cart = readCart();
  const entries = Object.entries(cart).filter(([id]) => productById(id));
  if (!entries.length) {
    lines.replaceChildren(el('p', { class: 'empty' }, T.cartEmpty, ' ', el('a', { href: href('/') }, T.continueShopping)));
    return;
  }
  let subtotal = 0;
  const rows = entries.map(([id, quantity]) => {
    const product = productById(id)!;
    subtotal += salePrice(product) * quantity;
    const remove = el('button', { type: 'button', class: 'link-button' }, T.remove);
    remove.addEventListener('click', () => {
      removeFromCart(id);
      render();
    });
    return el(
      'li',
      { class: 'cart-line', 'data-product': id },
      el('img', { src: `/images/${id}.svg`, alt: '', width: '96', height: '72' }),
      el('div', {}, el('a', { href: href(`/p/${id}`) }, product.title), el('p', { class: 'card-brand' }, product.brand)),
      el('span', {}, `${T.quantity}: ${quantity}`),
      priceTag(product),
      remove,
    );
  });
  const buy = el('button', { type: 'button', class: 'button button-primary', id: 'checkout' }, T.checkout);
  buy.addEventListener('click', () => {
    checkout();
    render();
    status.textContent = T.ordered;
  });
  lines.replaceChildren(el('ul', {}, ...rows), el('p', { class: 'subtotal' }, `${T.subtotal}: `, el('strong', {}, money(subtotal))), buy);
}

render();
main.append(el('h1', {}, T.cartTitle), lines, status, placeholder('goes_with', { limit: '4', layout: 'grid' }));
