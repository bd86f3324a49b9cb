/**
 * Prices as the shop wrote them: the bundle stores float32 (76.41 reads back as 76.41000366210938),
 * so every price the engine hands out is rounded to its currency's minor unit first.
 */

/** Decimal places of each currency's minor unit (EUR 2, JPY 0, KWD 3), by code; 2 for a code `Intl` does not know. */
const minorDigits = new Map<string, number>();

/**
 * A float32 price column value as the shop wrote it: rounded to the currency's minor unit
 * (76.41000366210938 → 76.41); NaN (no price) stays NaN.
 */
export function roundPrice(value: number, currency: string): number {
  let digits = minorDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits!;
    } catch {
      digits = 2;
    }
    minorDigits.set(currency, digits);
  }
  return +value.toFixed(digits);
}
