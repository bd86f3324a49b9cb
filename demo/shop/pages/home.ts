/**
 * Home `/`: a content slot whose banner the bandit chooses, "recommended for you" (bestsellers and
 * context for a new visitor), "now reduced", and the shop's categories.
 */
import { CATEGORIES, inCategory } from '../catalog.ts';
import { el } from '../dom.ts';
import { categoryName, href, T } from '../i18n.ts';
import { placeholder, startPage } from '../layout.ts';

const main = startPage('');

/** One banner variant: the first is ordinary markup (shown without Vitrine), the others templates. */
function banner(variant: string, text: string, target: string, template: boolean): HTMLElement {
  const content = el(
    'a',
    { class: `hero hero-${variant}`, href: href(target) },
    el('strong', {}, text),
    el('span', { class: 'button' }, T.heroCta),
  );
  if (!template) {
    content.dataset.variant = variant;
    return content;
  }
  const wrapper = el('template', { 'data-variant': variant });
  wrapper.content.append(content);
  return wrapper;
}

const slot = el(
  'div',
  { class: 'hero-slot', 'data-vitrine-slot': 'home-hero' },
  banner('sale', T.heroSale, '/c/smartphones', false),
  banner('new-in', T.heroNew, '/c/home-decoration', true),
  banner('shipping', T.heroShipping, '/c/kitchen-accessories', true),
);

const categories = el(
  'section',
  { class: 'category-tiles', 'aria-labelledby': 'all-categories' },
  el('h2', { id: 'all-categories' }, T.allCategories),
  el(
    'ul',
    {},
    ...CATEGORIES.map((slug) =>
      el('li', {}, el('a', { href: href(`/c/${slug}`) }, categoryName(slug), el('small', {}, T.products(inCategory(slug).length)))),
    ),
  ),
);

main.append(
  slot,
  placeholder('for_you', { limit: '8', layout: 'grid' }),
  placeholder('now_reduced', { limit: '4', layout: 'grid' }),
  categories,
);
