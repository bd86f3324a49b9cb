/**
 * Price parsing for real exports: "1,299", "₹999", "€ 1.299,00", "USD 12.50", "Rs. 1,29,999".
 *
 * Rule (documented in docs/cli.md):
 * - currency symbols and codes around the number are dropped (and remembered: ₹ → INR, € → EUR,
 *   $ → USD, £ → GBP, ¥ → JPY, Rs → INR, or a 3-letter ISO code);
 * - spaces and apostrophes are digit-group separators;
 * - with both `,` and `.`, the one that comes last is the decimal point;
 * - a lone `,` is a decimal comma only when 1 or 2 digits follow it ("12,5", "1299,00"), else it
 *   groups thousands ("1,299"); several `,` always group ("1,29,999");
 * - a lone `.` is a decimal point ("1.299" is 1.299); several `.` group thousands ("1.299.000");
 * - groups must look like groups (3 digits, or Indian 2-digit lakh groups), else it is no price.
 */

/** Currency symbols and words mapped to ISO 4217. */
const SYMBOLS: Record<string, string> = {
  '₹': 'INR',
  RS: 'INR',
  'RS.': 'INR',
  '€': 'EUR',
  $: 'USD',
  US$: 'USD',
  '£': 'GBP',
  '¥': 'JPY',
};

export interface ParsedPrice {
  value: number;
  /** Currency implied by a symbol or code in the text, when there was one. */
  currency?: string;
}

/** Parses a price; undefined when the value is not a non-negative finite number. */
export function parsePrice(input: unknown): ParsedPrice | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? { value: input } : undefined;
  if (typeof input !== 'string') return undefined;
  let text = input.trim();
  let currency: string | undefined;
  const prefix = /^([^\d\s.,-]+\.?)\s*/.exec(text);
  if (prefix) {
    currency = currencyOf(prefix[1]!);
    if (currency === undefined) return undefined;
    text = text.slice(prefix[0].length);
  }
  const suffix = /\s*([^\d\s.,]+)$/.exec(text);
  if (suffix) {
    const found = currencyOf(suffix[1]!);
    if (found === undefined) return undefined;
    currency ??= found;
    text = text.slice(0, suffix.index);
  }
  text = text.replace(/[\s\u00a0\u202f']/g, '');
  const normalised = normaliseSeparators(text);
  if (normalised === undefined || !/^\d+(\.\d+)?$/.test(normalised)) return undefined;
  const value = Number(normalised);
  return currency ? { value, currency } : { value };
}

function currencyOf(token: string): string | undefined {
  const upper = token.toUpperCase();
  if (upper in SYMBOLS) return SYMBOLS[upper];
  if (token in SYMBOLS) return SYMBOLS[token];
  return /^[A-Z]{3}$/.test(upper) ? upper : undefined;
}

function normaliseSeparators(text: string): string | undefined {
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    const [whole, fraction, extra] = text.split(decimal);
    if (extra !== undefined || fraction === undefined || fraction.includes(group)) return undefined;
    return `${joinGroups(whole!.split(group))}.${fraction}`;
  }
  if (lastComma >= 0) {
    const parts = text.split(',');
    if (parts.length === 2 && /^\d{1,2}$/.test(parts[1]!)) return `${parts[0]}.${parts[1]}`;
    return joinGroups(parts);
  }
  if (lastDot >= 0) {
    const parts = text.split('.');
    return parts.length === 2 ? text : joinGroups(parts);
  }
  return text;
}

/**
 * Digit groups joined, or undefined when they do not look like grouping: 1–3 leading digits,
 * then groups of 3 (or 2, for Indian lakh grouping "1,29,999"), the last always 3.
 */
function joinGroups(parts: string[]): string | undefined {
  if (parts.length === 1) return parts[0];
  if (!/^\d{1,3}$/.test(parts[0]!)) return undefined;
  for (let i = 1; i < parts.length; i++) {
    const ok = i === parts.length - 1 ? /^\d{3}$/ : /^\d{2,3}$/;
    if (!ok.test(parts[i]!)) return undefined;
  }
  return parts.join('');
}
