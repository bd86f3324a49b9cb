// The demo shop's page as a shop's server would render it, set up while the page is parsed (a
// classic script, before Vitrine's first look at the page): the language, and on a product page
// (`?product=<id>`) its own placeholders. Placements on one page never repeat a product and the
// first in document order keeps it, so the product's own lists, first on the page, must be there
// from the start, not added after the product data has loaded.

(() => {
  const params = new URLSearchParams(location.search);
  const lang = params.get('lang') === 'de' ? 'de' : 'en';
  document.documentElement.lang = lang;
  const product = params.get('product');
  if (product) {
    const widgets = document.getElementById('product-widgets');
    for (const placement of ['similar', 'also_bought']) {
      const div = document.createElement('div');
      div.dataset.vitrine = placement;
      div.dataset.product = product;
      div.dataset.limit = '6';
      widgets.append(div);
    }
    widgets.hidden = false;
  }
  for (const placeholder of document.querySelectorAll('[data-vitrine]')) placeholder.dataset.locale = lang;
})();
