/**
 * What every page of the shop has: the header (name, category navigation, search box, cart
 * count, language switch), the footer (privacy, cookie settings), the consent banner, and the
 * `?debug=1` overlay. Each page module calls `startPage()` first, before vitrine.js runs.
 */
import { CATEGORIES } from './catalog.ts';
import { cartCount } from './cart.ts';
import { openConsentBanner, startConsent } from './consent.ts';
import { el } from './dom.ts';
import { categoryName, href, LANG, T } from './i18n.ts';
import './shop.css';

/** Categories named in the header; the others are one click away on the home page. */
const NAV_CATEGORIES = 8;

function languageLink(lang: 'de' | 'en', label: string): HTMLAnchorElement {
  const params = new URLSearchParams(location.search);
  params.set('lang', lang);
  return el('a', { href: `${location.pathname}?${params}`, lang, hreflang: lang, ...(LANG === lang && { 'aria-current': 'true' }) }, label);
}

function header(query: string): HTMLElement {
  const count = el('span', { class: 'cart-count', 'data-cart-count': true }, String(cartCount()));
  document.addEventListener('demo:cart', () => (count.textContent = String(cartCount())));
  const current = location.pathname.startsWith('/c/') ? decodeURIComponent(location.pathname.slice(3)) : '';
  return el(
    'header',
    { class: 'site-header' },
    el(
      'div',
      { class: 'header-main' },
      el('a', { class: 'logo', href: href('/') }, el('span', { class: 'logo-mark', 'aria-hidden': 'true' }, 'V'), T.shopName),
      el(
        'form',
        { class: 'search-form', role: 'search', action: '/search' },
        el('label', { class: 'visually-hidden', for: 'search-input' }, T.searchLabel),
        el('input', { id: 'search-input', type: 'search', name: 'q', value: query, placeholder: T.searchPlaceholder, autocomplete: 'off' }),
        LANG === 'en' && el('input', { type: 'hidden', name: 'lang', value: 'en' }),
        el('button', { type: 'submit', class: 'button' }, T.searchButton),
      ),
      el('a', { class: 'cart-link', href: href('/cart') }, T.cart, ' ', count),
      el('nav', { class: 'language', 'aria-label': T.language }, languageLink('de', 'DE'), languageLink('en', 'EN')),
    ),
    el(
      'nav',
      { class: 'category-nav', 'aria-label': T.categories },
      ...CATEGORIES.slice(0, NAV_CATEGORIES).map((slug) =>
        el('a', { href: href(`/c/${slug}`), ...(slug === current && { 'aria-current': 'page' }) }, categoryName(slug)),
      ),
    ),
  );
}

function footer(): HTMLElement {
  const settings = el('button', { type: 'button', class: 'link-button' }, T.cookieSettings);
  settings.addEventListener('click', () => openConsentBanner(true));
  return el(
    'footer',
    { class: 'site-footer' },
    el('a', { href: href('/privacy') }, T.privacy),
    settings,
    el('span', {}, T.imprint),
    el('span', {}, T.tagline),
  );
}

/**
 * Frames the page's `<main>` with header and footer, signals consent, and mounts the debug
 * overlay when asked for. `query` fills the search box (the search page's own query).
 */
export function startPage(title: string, query = ''): HTMLElement {
  document.documentElement.lang = LANG;
  // vitrine.js reads its attributes when it runs, after this module: it speaks the visitor's language.
  document.querySelector<HTMLScriptElement>('script[src="/vitrine/vitrine.js"]')?.setAttribute('data-locale', LANG);
  document.title = title ? `${title} · ${T.shopName}` : T.shopName;
  const main = document.querySelector('main')!;
  main.before(header(query));
  main.after(footer());
  startConsent();
  if (new URLSearchParams(location.search).get('debug') === '1') {
    // Once the page module has built its content slots, before Vitrine replaces their first variant: the overlay names every arm.
    queueMicrotask(() => {
      for (const slot of document.querySelectorAll<HTMLElement>('[data-vitrine-slot]'))
        slot.dataset.debugArms = [...slot.querySelectorAll<HTMLElement>(':scope > [data-variant]')].map((v) => v.dataset.variant).join(' ');
    });
    void import('./debug-overlay.ts').then(({ mountDebugOverlay }) => mountDebugOverlay());
  }
  return main;
}

/** A Vitrine placeholder: the script tag mounts a widget in it, in the shop's language. */
export function placeholder(placement: string, attributes: Record<string, string> = {}): HTMLDivElement {
  return el('div', {
    'data-vitrine': placement,
    'data-locale': LANG,
    ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`data-${k}`, v])),
  });
}
