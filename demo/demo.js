// The demo page: what a shop's own code does with `window.vitrine` (set by the script tag).
// Every product string comes from the bundle, so it is rendered as text, never as HTML.

const recent = [];
const money = (value, currency) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(value);

function productButton(item) {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.vitrineItem = item.productId;
  const title = document.createElement('strong');
  title.textContent = item.title;
  const price = document.createElement('span');
  price.className = 'price';
  if (Number.isFinite(item.price)) {
    if (item.salePrice !== null) {
      const old = document.createElement('s');
      old.textContent = money(item.price, item.currency);
      price.append(old, money(item.salePrice, item.currency));
    } else {
      price.textContent = money(item.price, item.currency);
    }
  }
  const score = document.createElement('span');
  score.className = 'score';
  const parts = Object.entries(item.components)
    .filter(([, value]) => value !== 0)
    .map(([name, value]) => `${name} ${value.toFixed(3)}`);
  score.textContent = parts.join(' · ');
  button.append(title, document.createElement('br'), price, score);
  button.addEventListener('click', () => open(item));
  return button;
}

function show(listId, result) {
  const list = document.getElementById(listId);
  list.replaceChildren(...result.items.map((item) => {
    const li = document.createElement('li');
    li.append(productButton(item));
    return li;
  }));
}

async function open(item) {
  recent.unshift(item.productId);
  document.getElementById('current').textContent = item.title;
  const vitrine = window.vitrine;
  show('similar', await vitrine.similar(item.productId, { limit: 6 }));
  show('for-you', await vitrine.recommend({ placement: 'for_you', limit: 6, context: { recent: recent.slice(0, 10) } }));
}

async function start() {
  const status = document.getElementById('status');
  // The script tag loads asynchronously; wait for its global.
  while (!window.vitrine) await new Promise((resolve) => setTimeout(resolve, 20));
  const ready = await window.vitrine.ready;
  if (!ready) {
    status.textContent = 'Vitrine could not start; the shop works without recommendations.';
    return;
  }
  status.textContent = `${ready.bundle.products} products, ${ready.bundle.dim}-dim ${ready.bundle.dtype} vectors, kernels: ${ready.kernels}.`;
  const trending = await window.vitrine.recommend({ placement: 'trending', limit: 6 });
  show('trending', trending);
  if (trending.items[0]) await open(trending.items[0]);
}

start();
