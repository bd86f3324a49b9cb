/**
 * The shop's two languages. German first: the shops Vitrine is for are German-speaking, so `de` is
 * the default and `?lang=en` switches to English. Every link the shop renders keeps the choice, and
 * the shop remembers it (its own localStorage) for links it does not render: the widgets' product links.
 */
import { CATEGORY_NAMES } from './category-names.ts';

export type Lang = 'de' | 'en';

const LANG_KEY = 'demo-shop-lang';

function chooseLang(): Lang {
  const asked = new URLSearchParams(location.search).get('lang');
  try {
    if (asked === 'en' || asked === 'de') localStorage.setItem(LANG_KEY, asked);
    return (asked ?? localStorage.getItem(LANG_KEY)) === 'en' ? 'en' : 'de';
  } catch {
    return asked === 'en' ? 'en' : 'de';
  }
}

export const LANG: Lang = chooseLang();

/** A shop path with the visitor's language kept (`/p/5` → `/p/5?lang=en` in English). */
export function href(path: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params);
  if (LANG === 'en') query.set('lang', 'en');
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export const money = (value: number): string => new Intl.NumberFormat(LANG, { style: 'currency', currency: 'EUR' }).format(value);

const DE = {
  shopName: 'Vitrine Warenhaus',
  tagline: 'Empfehlungen, die in deinem Browser entstehen',
  searchLabel: 'Produkte suchen',
  searchPlaceholder: 'Suchen, z. B. „Uhr“',
  searchButton: 'Suchen',
  cart: 'Warenkorb',
  categories: 'Kategorien',
  allCategories: 'Alle Kategorien',
  home: 'Startseite',
  addToCart: 'In den Warenkorb',
  added: 'Im Warenkorb.',
  inStock: 'Auf Lager',
  soldOut: 'Ausverkauft',
  brand: 'Marke',
  rating: 'Bewertung',
  vat: 'inkl. MwSt., kostenloser Versand ab 50 €',
  products: (n: number) => `${n} ${n === 1 ? 'Produkt' : 'Produkte'}`,
  sortedForYou: 'Für dich sortiert',
  sortedStandard: 'Standardsortierung',
  searchTitle: (q: string) => `Suchergebnisse für „${q}“`,
  searchEmpty: 'Leider nichts gefunden. Versuch es mit einem anderen Wort.',
  searchPrompt: 'Wonach suchst du?',
  why: 'Warum?',
  whyNone: 'Kein persönlicher Grund: eine allgemeine Empfehlung.',
  scoreShare: (percent: string) => `${percent} der Bewertung`,
  manageData: 'Meine Daten verwalten',
  cartTitle: 'Dein Warenkorb',
  cartEmpty: 'Dein Warenkorb ist leer.',
  continueShopping: 'Weiter einkaufen',
  quantity: 'Menge',
  remove: 'Entfernen',
  subtotal: 'Zwischensumme',
  checkout: 'Zur Kasse (Demo)',
  ordered: 'Danke für deine Bestellung! (Demo: es wurde nichts berechnet.)',
  privacyTitle: 'Datenschutz',
  privacyIntro:
    'Unsere Empfehlungen entstehen in deinem Browser: was du ansiehst, bleibt auf deinem Gerät. Hier siehst du, was gespeichert ist, und kannst es exportieren oder löschen.',
  cookieSettings: 'Cookie-Einstellungen',
  privacy: 'Datenschutz',
  imprint: 'Demo-Shop mit Produktdaten von DummyJSON (MIT)',
  language: 'Sprache',
  heroSale: 'Smartphone-Sale: bis zu 19 % reduziert',
  heroNew: 'Neu eingetroffen: frische Ideen für dein Zuhause',
  heroShipping: 'Heute bestellt, morgen da: kostenloser Versand ab 50 €',
  heroCta: 'Jetzt entdecken',
};

const EN: typeof DE = {
  shopName: 'Vitrine Department Store',
  tagline: 'Recommendations made in your browser',
  searchLabel: 'Search products',
  searchPlaceholder: 'Search, e.g. “watch”',
  searchButton: 'Search',
  cart: 'Cart',
  categories: 'Categories',
  allCategories: 'All categories',
  home: 'Home',
  addToCart: 'Add to cart',
  added: 'Added to your cart.',
  inStock: 'In stock',
  soldOut: 'Sold out',
  brand: 'Brand',
  rating: 'Rating',
  vat: 'incl. VAT, free shipping from €50',
  products: (n: number) => `${n} ${n === 1 ? 'product' : 'products'}`,
  sortedForYou: 'Sorted for you',
  sortedStandard: 'Standard order',
  searchTitle: (q: string) => `Search results for “${q}”`,
  searchEmpty: 'Nothing found. Try another word.',
  searchPrompt: 'What are you looking for?',
  why: 'Why?',
  whyNone: 'No personal reason: a general pick.',
  scoreShare: (percent: string) => `${percent} of the score`,
  manageData: 'Manage my data',
  cartTitle: 'Your cart',
  cartEmpty: 'Your cart is empty.',
  continueShopping: 'Continue shopping',
  quantity: 'Quantity',
  remove: 'Remove',
  subtotal: 'Subtotal',
  checkout: 'Checkout (demo)',
  ordered: 'Thank you for your order! (Demo: nothing was charged.)',
  privacyTitle: 'Privacy',
  privacyIntro:
    'Our recommendations are computed in your browser: what you look at stays on your device. Here you see what is stored, and can export or delete it.',
  cookieSettings: 'Cookie settings',
  privacy: 'Privacy',
  imprint: 'Demo shop with product data from DummyJSON (MIT)',
  language: 'Language',
  heroSale: 'Smartphone sale: up to 19% off',
  heroNew: 'Just in: fresh ideas for your home',
  heroShipping: 'Order today, get it tomorrow: free shipping from €50',
  heroCta: 'Discover now',
};

export const T = LANG === 'en' ? EN : DE;

export function categoryName(slug: string): string {
  const names = CATEGORY_NAMES[slug];
  return names ? names[LANG === 'en' ? 1 : 0] : slug;
}
