/**
 * The "why recommended" texts, as message templates per locale. Widgets and the engine never
 * concatenate sentences: they pick a message id and pass parameters; numbers, prices, dates and
 * percentages are formatted with `Intl` for the locale.
 *
 * Text comes in English and German; any other language gets the English text, but its numbers,
 * prices and dates still follow the visitor's tag when `Intl` supports it (`fr` → "Was 79,00 €…").
 */

import { VitrineError } from './errors.ts';

export const MESSAGE_IDS = [
  /** "Because you viewed {title}" — session similarity to a viewed product. */
  'viewed',
  /** "Shoppers who viewed {title} also viewed this" — co-visitation / session neighbours. */
  'viewedTogether',
  /** "Often bought with {title} in your cart" — co-purchase with a cart item. */
  'boughtWith',
  /** "Goes well with {title}" — a complement of a cart / page product. */
  'goesWith',
  /** "Similar to {title}" — content similarity to the page's product. */
  'similarTo',
  /** "Popular in {category} this week" — trending within a category. */
  'popularIn',
  /** "Trending this week" */
  'trending',
  /** "A bestseller" — all-time popularity. */
  'bestseller',
  /** "Was {oldPrice}, now {price} — you looked at it on {date}" */
  'priceDrop',
  /** "Matches your favourite brand {brand}" */
  'favouriteBrand',
  /** "You often look at {category}" */
  'favouriteCategory',
  /** "{percent} off — a good deal" (bargain-hunter fit). */
  'deal',
  /** "A premium pick, like what you look at" (premium fit). */
  'premium',
  /** "Matches your search “{query}”" */
  'matchesSearch',
  /** "Picked for {category}" — landing category / campaign context on a first visit. */
  'pickedFor',
  /** "You looked at this {date}" — a recently viewed product shown again. */
  'lookedAgain',
  /** "Featured by the shop" — a business-rule boost (said openly). */
  'featured',
  /** "Often bought together with {title}" — co-purchase with the product on the page. */
  'boughtTogether',
  /** "Popular with other shoppers" — some popularity, not (yet) a bestseller. */
  'popular',
] as const;
export type MessageId = (typeof MESSAGE_IDS)[number];

/** Parameters a message may use; each message documents which. */
export interface MessageParams {
  title?: string;
  category?: string;
  brand?: string;
  query?: string;
  /** Prices in `currency` units. */
  price?: number;
  oldPrice?: number;
  /** ISO 4217, e.g. `'EUR'`. */
  currency?: string;
  /** ms since epoch. */
  date?: number;
  /** Fraction, e.g. 0.25 for 25 %. */
  percent?: number;
}

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * A message's forms, most specific first. Rendering takes the first form whose placeholders all
 * have usable values; the last form has no placeholders, so some text always comes out (the short
 * form, used when the engine could not supply e.g. the title).
 */
export type MessageForms = readonly [string, ...string[]];

/**
 * Texts per locale, as data. German speaks to the visitor with "du", as German fashion and
 * electronics shops (Zalando, Otto) do. Placeholders are `{name}` with a name of `MessageParams`.
 */
export const MESSAGE_TEMPLATES: Readonly<Record<Locale, Readonly<Record<MessageId, MessageForms>>>> = {
  en: {
    viewed: ['Because you viewed {title}', 'Because of what you viewed'],
    viewedTogether: ['Shoppers who viewed {title} also viewed this', 'Often viewed together'],
    boughtWith: ['Often bought with {title} in your cart', 'Often bought with items in your cart'],
    goesWith: ['Goes well with {title}', 'Goes well with your choice'],
    similarTo: ['Similar to {title}', 'Similar to this product'],
    popularIn: ['Popular in {category} this week', 'Popular this week'],
    trending: ['Trending this week'],
    bestseller: ['A bestseller'],
    priceDrop: ['Was {oldPrice}, now {price} — you looked at it on {date}', 'Was {oldPrice}, now {price}', 'Now at a lower price'],
    favouriteBrand: ['Matches your favourite brand {brand}', 'From a brand you like'],
    favouriteCategory: ['You often look at {category}', 'From a category you often look at'],
    deal: ['{percent} off — a good deal', 'A good deal'],
    premium: ['A premium pick, like what you look at'],
    matchesSearch: ['Matches your search “{query}”', 'Matches your search'],
    pickedFor: ['Picked for {category}', 'Picked for you'],
    lookedAgain: ['You looked at this on {date}', 'You looked at this before'],
    featured: ['Featured by the shop'],
    boughtTogether: ['Often bought together with {title}', 'Often bought together'],
    popular: ['Popular with other shoppers'],
  },
  de: {
    viewed: ['Weil du {title} angesehen hast', 'Weil du dir Ähnliches angesehen hast'],
    viewedTogether: ['Wer {title} angesehen hat, sah sich auch das hier an', 'Wird oft zusammen angesehen'],
    boughtWith: ['Wird oft mit {title} aus deinem Warenkorb gekauft', 'Wird oft mit Artikeln aus deinem Warenkorb gekauft'],
    goesWith: ['Passt gut zu {title}', 'Passt gut zu deiner Auswahl'],
    similarTo: ['Ähnlich wie {title}', 'Ähnlich wie dieser Artikel'],
    popularIn: ['Diese Woche beliebt in {category}', 'Diese Woche beliebt'],
    trending: ['Diese Woche im Trend'],
    bestseller: ['Ein Bestseller'],
    priceDrop: [
      'Vorher {oldPrice}, jetzt {price} – du hast es dir am {date} angesehen',
      'Vorher {oldPrice}, jetzt {price}',
      'Jetzt günstiger',
    ],
    favouriteBrand: ['Von deiner Lieblingsmarke {brand}', 'Von einer Marke, die du magst'],
    favouriteCategory: ['Du schaust dir oft {category} an', 'Aus einer Kategorie, die du dir oft ansiehst'],
    deal: ['{percent} reduziert – ein gutes Angebot', 'Ein gutes Angebot'],
    premium: ['Eine Premium-Wahl, passend zu deinem Geschmack'],
    matchesSearch: ['Passt zu deiner Suche „{query}“', 'Passt zu deiner Suche'],
    pickedFor: ['Ausgewählt für {category}', 'Für dich ausgewählt'],
    lookedAgain: ['Du hast dir das am {date} angesehen', 'Du hast dir das schon einmal angesehen'],
    featured: ['Vom Shop empfohlen'],
    boughtTogether: ['Wird oft zusammen mit {title} gekauft', 'Wird oft zusammen gekauft'],
    popular: ['Bei anderen Kund:innen beliebt'],
  },
};

/** Options for `renderMessage`. */
export interface RenderOptions {
  /**
   * IANA time zone for `{date}`. Default: the runtime's zone, i.e. the visitor's, since this runs
   * in their browser. An invalid zone falls back to the default. Example: `'Europe/Berlin'`.
   */
  timeZone?: string;
}

/** The supported locale for a BCP 47 tag (`'de-AT'` → `'de'`), English when unsupported. */
export function resolveLocale(tag: string | null | undefined): Locale {
  const canonical = canonicalTag(tag);
  if (canonical === null) return 'en';
  const language = canonical.split('-')[0]!.toLowerCase();
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : 'en';
}

/**
 * The message's text in `locale` (a BCP 47 tag; regional formats honoured, e.g. `de-CH`).
 * Missing parameters never produce "undefined": the message falls back to its short form.
 *
 * The text's language is `resolveLocale(locale)`; numbers, prices and dates follow the full tag
 * when `Intl` knows it (`'fr'` → English text, French number format `1 234,50 €`), else the text's
 * language. The result is plain text for `textContent`: parameters are inserted verbatim, never
 * escaped or interpreted as markup, and never re-scanned for placeholders.
 */
export function renderMessage(id: MessageId, params: MessageParams, locale: string, options: RenderOptions = {}): string {
  const language = resolveLocale(locale);
  const templates = MESSAGE_TEMPLATES[language];
  // Own-property check: callers from plain JS could pass 'toString' and reach the prototype.
  const forms = Object.hasOwn(templates, id) ? templates[id] : undefined;
  if (forms === undefined) {
    throw new VitrineError('INVALID_REQUEST', `id: unknown message id ${JSON.stringify(id)}`, {
      field: 'id',
    });
  }
  const canonical = canonicalTag(locale);
  const context: FormatContext = {
    // Intl takes the first tag it supports, so an unknown language lands on the text's language
    // rather than on the runtime's default locale.
    locales: canonical === null ? [language] : [canonical, language],
    params: params ?? {},
    timeZone: options.timeZone,
  };
  for (const form of forms) {
    const text = fillTemplate(form, context);
    if (text !== null) return text;
  }
  // Unreachable while every last form is placeholder-free (a test checks it); never show braces.
  return forms[forms.length - 1]!.replace(PLACEHOLDER, '');
}

const PLACEHOLDER = /\{(\w+)\}/g;

interface FormatContext {
  locales: string[];
  params: MessageParams;
  timeZone: string | undefined;
}

/** The form with its placeholders filled, or null when one of them has no usable value. */
function fillTemplate(form: string, context: FormatContext): string | null {
  let complete = true;
  // One pass with a replacer function: values are not re-scanned and `$&` in a title stays literal.
  const text = form.replace(PLACEHOLDER, (_match, name: string) => {
    const value = formatParam(name, context);
    if (value === null) complete = false;
    return value ?? '';
  });
  return complete ? text : null;
}

type Formatter = (context: FormatContext) => string | null;

/** How each placeholder is rendered; `currency` is not a placeholder, it shapes the prices. */
const PARAM_FORMATTERS: Readonly<Record<Exclude<keyof MessageParams, 'currency'>, Formatter>> = {
  title: ({ params }) => plainText(params.title),
  category: ({ params }) => plainText(params.category),
  brand: ({ params }) => plainText(params.brand),
  query: ({ params }) => plainText(params.query),
  price: ({ params, locales }) => formatPrice(params.price, params.currency, locales),
  oldPrice: ({ params, locales }) => formatPrice(params.oldPrice, params.currency, locales),
  percent: ({ params, locales }) => formatPercent(params.percent, locales),
  date: ({ params, locales, timeZone }) => formatDate(params.date, locales, timeZone),
};

function formatParam(name: string, context: FormatContext): string | null {
  if (!Object.hasOwn(PARAM_FORMATTERS, name)) return null;
  return PARAM_FORMATTERS[name as keyof typeof PARAM_FORMATTERS](context);
}

/** Text as given (trimmed, so a stray space does not end up inside quotes); blank is missing. */
function plainText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function formatPrice(value: unknown, currency: string | undefined, locales: string[]): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  const withCurrency = typeof currency === 'string' && currency !== '' ? numberFormat(locales, { style: 'currency', currency }) : null;
  // No or malformed currency: still show the amount rather than drop the message.
  const format = withCurrency ?? numberFormat(locales, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return format === null ? null : format.format(value);
}

function formatPercent(value: unknown, locales: string[]): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  // "0 % off" would be a false claim, and over 100 % is no discount (likely 25 passed for 0.25).
  if (Math.round(value * 100) < 1 || value > 1) return null;
  const format = numberFormat(locales, { style: 'percent', maximumFractionDigits: 0 });
  return format === null ? null : format.format(value);
}

/** Largest |ms| a JavaScript Date can hold (ECMA-262 §21.4.1.22). */
const MAX_DATE_MS = 8.64e15;

function formatDate(value: unknown, locales: string[], timeZone: string | undefined): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (Math.abs(value) > MAX_DATE_MS) return null;
  const format =
    (timeZone !== undefined ? dateFormat(locales, { dateStyle: 'medium', timeZone }) : null) ??
    dateFormat(locales, { dateStyle: 'medium' });
  return format === null ? null : format.format(value);
}

/**
 * The canonical form of a BCP 47 tag, or null for anything `Intl` rejects (never throws).
 * POSIX-style `de_DE` (Magento and Java configs use it) is read as `de-DE`, not thrown away.
 */
function canonicalTag(tag: unknown): string | null {
  if (typeof tag !== 'string' || tag === '') return null;
  try {
    return Intl.getCanonicalLocales(tag.replaceAll('_', '-'))[0] ?? null;
  } catch {
    return null;
  }
}

// Creating an Intl formatter costs far more than using one (locale data lookup); a page renders
// many explanations with the same few (locale, options), so each is made once. A formatter the
// options make impossible (bad currency or time zone → RangeError) is cached as null. The cache is
// cleared when it grows past a bound so odd inputs cannot grow it without end.
const FORMATTER_CACHE_LIMIT = 64;
const numberFormats = new Map<string, Intl.NumberFormat | null>();
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

function numberFormat(locales: string[], options: Intl.NumberFormatOptions): Intl.NumberFormat | null {
  return cached(numberFormats, locales, options, () => new Intl.NumberFormat(locales, options));
}

function dateFormat(locales: string[], options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat | null {
  return cached(dateFormats, locales, options, () => new Intl.DateTimeFormat(locales, options));
}

function cached<T>(cache: Map<string, T | null>, locales: string[], options: object, create: () => T): T | null {
  const key = JSON.stringify([locales, options]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let made: T | null;
  try {
    made = create();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    made = null;
  }
  if (cache.size >= FORMATTER_CACHE_LIMIT) cache.clear();
  cache.set(key, made);
  return made;
}
