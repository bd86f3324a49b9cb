import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isVitrineError } from '../../src/shared/errors.ts';
import {
  LOCALES,
  MESSAGE_IDS,
  MESSAGE_TEMPLATES,
  renderMessage,
  resolveLocale,
  type MessageId,
  type MessageParams,
} from '../../src/shared/messages.ts';
import { DUMMYJSON } from './cli-helpers.ts';

interface DummyProduct {
  title: string;
  category: string;
  brand?: string;
  price: number;
  discountPercentage: number;
  meta: { createdAt: string };
}

const PRODUCTS = JSON.parse(readFileSync(DUMMYJSON, 'utf8')) as DummyProduct[];

/** Every parameter a message can use, from a real product (DummyJSON's price is the list price). */
function paramsOf(product: DummyProduct): MessageParams {
  const percent = product.discountPercentage / 100;
  return {
    title: product.title,
    category: product.category,
    // 92 of the 194 DummyJSON products have no brand: their brand message takes the short form.
    brand: product.brand,
    query: product.title.split(' ')[0],
    oldPrice: product.price,
    price: Math.round(product.price * (1 - percent) * 100) / 100,
    currency: 'EUR',
    date: Date.parse(product.meta.createdAt),
    percent,
  };
}

/** Things a half-filled template leaves behind. */
const LEFTOVERS = /\{\w*\}|undefined|NaN|null|“\s*”|„\s*“|""/;
const PLACEHOLDER = /\{\w+\}/;
/** Any space Intl may put between number and symbol: plain, no-break, narrow no-break. */
const SP = '[ \\u00a0\\u202f]';

const UTC = { timeZone: 'UTC' };
const MARCH_5_NOON = Date.UTC(2024, 2, 5, 12);
const priceDrop: MessageParams = { oldPrice: 79, price: 59, currency: 'EUR', date: MARCH_5_NOON };

describe('resolveLocale', () => {
  it('should map regional and differently cased tags to their language', () => {
    expect(resolveLocale('de-AT')).toBe('de');
    expect(resolveLocale('de-CH')).toBe('de');
    expect(resolveLocale('EN-gb')).toBe('en');
    expect(resolveLocale('de')).toBe('de');
  });

  it('should read POSIX-style tags such as de_DE', () => {
    expect(resolveLocale('de_DE')).toBe('de');
  });

  it('should fall back to English for missing, unsupported and malformed tags', () => {
    for (const tag of [undefined, null, '', 'fr', 'tlh', 'x!!', '-', 'de-', '12345', 'ü']) {
      expect(resolveLocale(tag), String(tag)).toBe('en');
    }
    expect(resolveLocale(42 as unknown as string)).toBe('en');
  });
});

describe('MESSAGE_TEMPLATES', () => {
  it('should hold every message id in every locale and nothing else', () => {
    for (const locale of LOCALES) {
      expect(Object.keys(MESSAGE_TEMPLATES[locale]).sort()).toEqual([...MESSAGE_IDS].sort());
    }
  });

  it('should end every message with a short form that needs no parameter', () => {
    for (const locale of LOCALES) {
      for (const id of MESSAGE_IDS) {
        const forms = MESSAGE_TEMPLATES[locale][id];
        expect(forms[forms.length - 1], `${locale}/${id}`).not.toMatch(PLACEHOLDER);
      }
    }
  });

  it('should use the same placeholders in German as in English for each form', () => {
    const names = (form: string) => [...form.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const id of MESSAGE_IDS) {
      expect(MESSAGE_TEMPLATES.de[id].map(names), id).toEqual(MESSAGE_TEMPLATES.en[id].map(names));
    }
  });
});

describe('renderMessage', () => {
  it('should render every message for every catalog product in both locales completely', () => {
    for (const product of PRODUCTS) {
      const params = paramsOf(product);
      for (const locale of LOCALES) {
        for (const id of MESSAGE_IDS) {
          const text = renderMessage(id, params, locale, UTC);
          expect(text, `${locale}/${id}/${product.title}`).not.toMatch(LEFTOVERS);
          expect(text.trim()).toBe(text);
          expect(text.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('should use the full form, with the given values, when every parameter is there', () => {
    const product = PRODUCTS.find((p) => p.title === 'Blue & Black Check Shirt')!;
    const params = paramsOf(product);
    for (const locale of LOCALES) {
      for (const id of MESSAGE_IDS) {
        const [full] = MESSAGE_TEMPLATES[locale][id];
        const text = renderMessage(id, params, locale);
        for (const key of ['title', 'category', 'brand', 'query'] as const) {
          if (full.includes(`{${key}}`)) expect(text, `${locale}/${id}`).toContain(params[key]);
        }
        const isFixedText = !PLACEHOLDER.test(full);
        expect(text === full, `${locale}/${id}`).toBe(isFixedText);
      }
    }
  });

  it('should render the short form, without placeholders, when parameters are missing', () => {
    for (const locale of LOCALES) {
      for (const id of MESSAGE_IDS) {
        const forms = MESSAGE_TEMPLATES[locale][id];
        const text = renderMessage(id, {}, locale);
        expect(text, `${locale}/${id}`).toBe(forms[forms.length - 1]);
        expect(text).not.toMatch(LEFTOVERS);
      }
    }
  });

  it('should treat blank text and non-finite numbers as missing rather than print them', () => {
    expect(renderMessage('viewed', { title: '   ' }, 'en')).toBe('Because of what you viewed');
    expect(renderMessage('matchesSearch', { query: '' }, 'de')).toBe('Passt zu deiner Suche');
    expect(renderMessage('deal', { percent: Number.NaN }, 'en')).toBe('A good deal');
    expect(renderMessage('deal', { percent: 0.001 }, 'en')).toBe('A good deal');
    expect(renderMessage('lookedAgain', { date: Number.POSITIVE_INFINITY }, 'de')).toBe('Du hast dir das schon einmal angesehen');
    expect(renderMessage('deal', { percent: 25 }, 'en')).toBe('A good deal');
    const negativePrice = { oldPrice: 79, price: -1, currency: 'EUR' };
    expect(renderMessage('priceDrop', negativePrice, 'en')).toBe('Now at a lower price');
    const noParams = null as unknown as MessageParams;
    expect(renderMessage('viewed', noParams, 'en')).toBe('Because of what you viewed');
  });

  it('should drop only the clause whose parameter is missing when a middle form exists', () => {
    const { date: _date, ...withoutDate } = priceDrop;
    expect(renderMessage('priceDrop', withoutDate, 'en')).toBe('Was €79.00, now €59.00');
    expect(renderMessage('priceDrop', withoutDate, 'de')).toMatch(new RegExp(`^Vorher 79,00${SP}€, jetzt 59,00${SP}€$`));
  });

  it('should trim text parameters so quotes sit tight around the query', () => {
    const query = '  Mascara ';
    expect(renderMessage('matchesSearch', { query }, 'en')).toBe('Matches your search “Mascara”');
    expect(renderMessage('matchesSearch', { query }, 'de')).toBe('Passt zu deiner Suche „Mascara“');
  });

  it('should reject an unknown message id with a typed error', () => {
    for (const id of ['nope', 'toString', '__proto__']) {
      let caught: unknown;
      try {
        renderMessage(id as MessageId, {}, 'en');
      } catch (error) {
        caught = error;
      }
      expect(isVitrineError(caught), id).toBe(true);
      expect(caught).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'id' } });
    }
  });
});

describe('renderMessage formatting', () => {
  it('should format euro prices the German way and the English way', () => {
    const de = renderMessage('priceDrop', priceDrop, 'de', UTC);
    const en = renderMessage('priceDrop', priceDrop, 'en', UTC);
    expect(de).toMatch(new RegExp(`^Vorher 79,00${SP}€, jetzt 59,00${SP}€ – ` + 'du hast es dir am 05\\.03\\.2024 angesehen$'));
    expect(en).toBe('Was €79.00, now €59.00 — you looked at it on Mar 5, 2024');
  });

  it('should format percentages with the locale’s spacing and no decimals', () => {
    expect(renderMessage('deal', { percent: 0.25 }, 'en')).toBe('25% off — a good deal');
    expect(renderMessage('deal', { percent: 0.25 }, 'de')).toMatch(new RegExp(`^25${SP}% reduziert – ein gutes Angebot$`));
    // A real DummyJSON discount: 10.48 % rounds to a whole percent.
    const percent = PRODUCTS[0]!.discountPercentage / 100;
    expect(renderMessage('deal', { percent }, 'en')).toBe('10% off — a good deal');
  });

  it('should format dates per locale in the requested time zone', () => {
    const created = Date.parse(PRODUCTS[0]!.meta.createdAt); // 2025-04-30T09:41Z
    expect(renderMessage('lookedAgain', { date: created }, 'en', UTC)).toBe('You looked at this on Apr 30, 2025');
    expect(renderMessage('lookedAgain', { date: created }, 'de', UTC)).toBe('Du hast dir das am 30.04.2025 angesehen');
    // Half past eleven at night in UTC is already the next day in Berlin: the zone is honoured.
    const lateEvening = Date.UTC(2024, 2, 5, 23, 30);
    const params = { date: lateEvening };
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(renderMessage('lookedAgain', params, 'de', UTC)).toContain('05.03.2024');
    expect(renderMessage('lookedAgain', params, 'de', berlin)).toContain('06.03.2024');
  });

  it('should use the runtime time zone by default and when the given zone is invalid', () => {
    const date = Date.UTC(2024, 2, 5, 23, 30);
    const local = new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(date);
    const expected = `Du hast dir das am ${local} angesehen`;
    expect(renderMessage('lookedAgain', { date }, 'de')).toBe(expected);
    const invalidZone = { timeZone: 'Mars/Olympus_Mons' };
    expect(renderMessage('lookedAgain', { date }, 'de', invalidZone)).toBe(expected);
  });

  it('should show a plain amount when the currency is missing or malformed', () => {
    const { currency: _currency, ...noCurrency } = priceDrop;
    expect(renderMessage('priceDrop', noCurrency, 'en', UTC)).toBe('Was 79.00, now 59.00 — you looked at it on Mar 5, 2024');
    // 'EURO' is not a well-formed ISO 4217 code: Intl throws RangeError for it.
    expect(renderMessage('priceDrop', { ...priceDrop, currency: 'EURO' }, 'de', UTC)).toBe(
      'Vorher 79,00, jetzt 59,00 – du hast es dir am 05.03.2024 angesehen',
    );
  });

  it('should format Swiss German numbers the Swiss way with German text', () => {
    const params = { oldPrice: 1234.5, price: 999, currency: 'CHF' };
    const swiss = renderMessage('priceDrop', params, 'de-CH');
    const german = renderMessage('priceDrop', params, 'de-DE');
    expect(swiss).not.toBe(german);
    expect(swiss.startsWith('Vorher ')).toBe(true);
    // Switzerland writes a decimal point, Germany a decimal comma.
    expect(swiss).toContain('234.50');
    expect(german).toContain('234,50');
  });

  it('should give other languages English text but their own number format', () => {
    const params = { oldPrice: 1234.5, price: 999, currency: 'EUR' };
    const french = renderMessage('priceDrop', params, 'fr');
    expect(french).toMatch(new RegExp(`^Was 1${SP}234,50${SP}€, now 999,00${SP}€$`));
  });

  it('should fall back to English formats for tags Intl does not know or cannot parse', () => {
    for (const tag of ['tlh', 'x!!', '']) {
      const params = { oldPrice: 79, price: 59, currency: 'EUR' };
      expect(renderMessage('priceDrop', params, tag), tag).toBe('Was €79.00, now €59.00');
    }
  });
});

describe('renderMessage as plain text', () => {
  it('should keep markup-looking titles verbatim, neither escaped nor interpreted', () => {
    const title = '<img src=x onerror="alert(1)"> &amp; <b>Shirt</b>';
    expect(renderMessage('viewed', { title }, 'en')).toBe(`Because you viewed ${title}`);
    expect(renderMessage('viewed', { title }, 'de')).toBe(`Weil du ${title} angesehen hast`);
  });

  it('should keep real catalog titles with ampersands and apostrophes as they are', () => {
    for (const title of ['Blue & Black Check Shirt', "Dior J'adore"]) {
      expect(PRODUCTS.some((p) => p.title === title)).toBe(true);
      expect(renderMessage('similarTo', { title }, 'en')).toBe(`Similar to ${title}`);
    }
  });

  it('should not expand placeholders or replacement patterns that appear inside parameters', () => {
    const title = '{price} $& $1 {date}';
    const text = renderMessage('goesWith', { title, price: 5, date: 0 }, 'en');
    expect(text).toBe(`Goes well with ${title}`);
  });
});

describe('formatter cache', () => {
  const OriginalNumberFormat = Intl.NumberFormat;
  afterEach(() => {
    Intl.NumberFormat = OriginalNumberFormat;
  });

  it('should create one number formatter per locale and options, not one per render', () => {
    let created = 0;
    Intl.NumberFormat = class extends OriginalNumberFormat {
      constructor(...args: ConstructorParameters<typeof OriginalNumberFormat>) {
        super(...args);
        created += 1;
      }
    } as typeof Intl.NumberFormat;
    // A locale no other test uses, so the first render really misses the cache.
    const params = { oldPrice: 20, price: 10, currency: 'EUR' };
    const first = renderMessage('priceDrop', params, 'de-LI');
    expect(created).toBe(1);
    for (let i = 0; i < 50; i++) expect(renderMessage('priceDrop', params, 'de-LI')).toBe(first);
    expect(created).toBe(1);
    renderMessage('priceDrop', { ...params, currency: 'CHF' }, 'de-LI');
    expect(created).toBe(2);
  });
});
