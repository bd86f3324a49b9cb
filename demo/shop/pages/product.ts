/**
 * Product `/p/<id>`: the product (with schema.org JSON-LD, from which Vitrine tracks the view),
 * "similar" and "bought together" under it.
 */
import { productById, salePrice } from '../catalog.ts';
import { addToCart } from '../cart.ts';
import { priceTag } from '../cards.ts';
import { el } from '../dom.ts';
import { categoryName, href, T } from '../i18n.ts';
import { placeholder, startPage } from '../layout.ts';

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const product = productById(id);
const main = startPage(product?.title ?? '404');

if (!product) {
  main.append(el('h1', {}, '404'), el('p', {}, el('a', { href: href('/') }, T.home)));
} else {
  const price = salePrice(product);
  const jsonLd = el('script', { type: 'application/ld+json' });
  jsonLd.textContent = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Product',
    sku: product.id,
    name: product.title,
    brand: product.brand,
    offers: { '@type': 'Offer', price, priceCurrency: 'EUR' },
  });
  document.head.append(jsonLd);

  const add = el('button', { type: 'button', class: 'button button-primary', id: 'add-to-cart' }, T.addToCart);
  const note = el('p', { class: 'note', role: 'status' });
  add.addEventListener('click', () => {
    addToCart(product.id);
    note.textContent = T.added;
  });
  main.append(
    el(
      'nav',
      { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
      el('a', { href: href('/') }, T.home),
      ' › ',
      el('a', { href: href(`/c/${product.category}`) }, categoryName(product.category)),
    ),
    el(
      'article',
      { class: 'product' },
      el('img', { src: `/images/${product.id}.svg`, alt: '', width: '400', height: '300' }),
      el(
        'div',
        { class: 'product-info' },
        el('p', { class: 'card-brand' }, product.brand),
        el('h1', { id: 'product-title' }, product.title),
        priceTag(product),
        el('p', { class: 'vat' }, T.vat),
        el('p', {}, product.description),
        el('p', { class: product.stock > 0 ? 'stock' : 'stock sold-out' }, product.stock > 0 ? T.inStock : T.soldOut),
        add,
        note,
      ),
    ),
    placeholder('similar', { product: product.id, limit: '6' }),
    placeholder('also_bought', { product: product.id, limit: '6' }),
  );
}
