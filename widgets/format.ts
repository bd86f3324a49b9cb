/** Numbers, prices and dates for the visitor's locale, with `Intl` (no hand-made formats). */

/**
 * The canonical form of a BCP 47 tag, or `'en'` for a malformed one: the tag comes from the shop's
 * markup (`data-locale`), and a typo there must not make every `Intl` call throw.
 */
export function tag(locale = 'en'): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** A price in `currency`; a catalog with a bad currency code still shows the number. */
export function money(value: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
  } catch {
    return number(value, locale, 2);
  }
}

export function number(value: number, locale: string, digits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

export function percent(fraction: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent' }).format(fraction);
}

/** An ISO date as a date in the visitor's locale and time zone. */
export function day(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
}
