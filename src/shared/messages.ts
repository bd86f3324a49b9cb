/**
 * The "why recommended" texts, as message templates per locale. Widgets and the engine never
 * concatenate sentences: they pick a message id and pass parameters; numbers, prices, dates and
 * percentages are formatted with `Intl` for the locale.
 *
 * CONTRACT (skeleton written by the integrator; the messages helper implements `renderMessage`).
 */

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
  /** "New to you: we're trying something different" — exploration. */
  'exploration',
  /** "Featured by the shop" — a business-rule boost (said openly). */
  'featured',
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

/** The supported locale for a BCP 47 tag (`'de-AT'` → `'de'`), English when unsupported. */
export function resolveLocale(tag: string | null | undefined): Locale {
  void tag;
  throw new Error('resolveLocale: not implemented yet');
}

/**
 * The message's text in `locale` (a BCP 47 tag; regional formats honoured, e.g. `de-CH`).
 * Missing parameters never produce "undefined": the message falls back to its short form.
 */
export function renderMessage(id: MessageId, params: MessageParams, locale: string): string {
  void id;
  void params;
  void locale;
  throw new Error('renderMessage: not implemented yet');
}
