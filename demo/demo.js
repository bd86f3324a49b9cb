// The demo shop's own code, what any shop already has: a product page filled from its catalog, a
// language switch and cart buttons. Vitrine itself needs none of it: the script tag, the
// placeholders and the markup (`data-vitrine-track`, the JSON-LD below) are all it reads.
// Every product string and URL parameter is used as text or as a lookup key, never as HTML.

const params = new URLSearchParams(location.search);
// Set by page.js, with the placeholders' language, while the page was parsed.
const lang = document.documentElement.lang;
for (const link of document.querySelectorAll('nav a[data-lang]')) {
  const target = new URLSearchParams(params);
  target.set('lang', link.dataset.lang);
  link.href = `?${target}`;
  if (link.dataset.lang === lang) link.setAttribute('aria-current', 'true');
}

const money = (value) => new Intl.NumberFormat(lang, { style: 'currency', currency: 'EUR' }).format(value);

/** The sale price the bundle builder derives from DummyJSON's discount (rounded to cents). */
const salePrice = (product) => Math.round(product.price * (100 - product.discountPercentage)) / 100;

function showProduct(product) {
  const id = String(product.id);
  const price = salePrice(product);
  document.title = `${product.title} · Vitrine demo shop`;
  document.getElementById('product-image').src = `/images/${id}.svg`;
  document.getElementById('product-title').textContent = product.title;
  document.getElementById('product-brand').textContent = product.brand ?? '';
  const old = document.createElement('del');
  old.textContent = money(product.price);
  document.getElementById('product-price').replaceChildren(old, ' ', money(price));
  document.getElementById('product-description').textContent = product.description;
  const add = document.getElementById('add-to-cart');
  add.dataset.product = id;
  add.dataset.price = String(price);
  add.addEventListener('click', () => {
    document.getElementById('cart-note').textContent = lang === 'de' ? 'Im Warenkorb.' : 'Added to your cart.';
    refresh('goes_with');
  });
  document.getElementById('buy').addEventListener('click', () => {
    window.vitrine.push(['track', 'purchase', { product: id, price }]);
    document.getElementById('cart-note').textContent = lang === 'de' ? 'Danke für deinen Kauf!' : 'Thank you for your order!';
  });
  document.getElementById('product').hidden = false;
  // schema.org Product: Vitrine tracks the view from it and takes it as the page's product.
  const jsonLd = document.createElement('script');
  jsonLd.type = 'application/ld+json';
  jsonLd.textContent = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Product',
    sku: id,
    name: product.title,
    offers: { '@type': 'Offer', price, priceCurrency: 'EUR' },
  });
  document.head.append(jsonLd);
}

/** A placeholder put back in the page mounts afresh: the cart-based list asks again. */
function refresh(placement) {
  const old = document.querySelector(`[data-vitrine="${placement}"]`);
  setTimeout(() => old?.replaceWith(old.cloneNode(true)), 50);
}

async function start() {
  const id = params.get('product');
  if (id) {
    const products = await (await fetch('/data/products.json')).json();
    const product = products.find((p) => String(p.id) === id);
    if (product) showProduct(product);
  }
  window.vitrine.push(async (vitrine) => {
    const status = await vitrine.ready;
    const line = document.getElementById('status');
    line.textContent = status
      ? `${status.bundle.products} products · ${status.bundle.dim}-dim ${status.bundle.dtype} vectors · kernels: ${status.kernels} · everything computed in this browser`
      : 'Vitrine could not start; the shop works without recommendations.';
  });
}

start();
