/**
 * "Now reduced": a product the visitor viewed and did not buy, now cheaper than the price they
 * saw; the score is the fraction it dropped by.
 */
import type { Bundle } from '../../shared/bundle/types.ts';
import { MAX_EVENT_FUTURE_MS } from '../../shared/events.ts';
import { roundPrice } from '../minor-unit.ts';
import type { Query } from '../query.ts';
import type { ScoreComponent } from './types.ts';

export interface PriceDrop {
  row: number;
  seen: number;
  now: number;
  fraction: number;
  /** When the visitor looked at it (the latest view with a price). */
  time: number;
}

/**
 * A larger drop is not believed: the page reported a price the visitor cannot have seen (cents for
 * units, a placeholder like 99999999), and "Was €100,000,000" would be a false claim.
 */
const MAX_BELIEVED_DROP = 0.9;

/** Current price: the sale price when reduced, else the regular one (NaN when none). */
export function currentPrice(bundle: Bundle, row: number): number {
  const { price, salePrice } = bundle.products;
  return Number.isNaN(salePrice[row]!) ? price[row]! : salePrice[row]!;
}

/** Viewed-not-bought products now cheaper than the (latest) price the visitor saw. */
function priceDrops(query: Query): Map<number, PriceDrop> {
  const drops = new Map<number, PriceDrop>();
  const { bundle } = query.loaded;
  const { visitor } = query;
  for (const event of visitor.history) {
    if (event.type !== 'view' || event.price === undefined || visitor.purchased.has(event.row)) continue;
    const now = currentPrice(bundle, event.row);
    // The bundle holds prices as float32: the price seen is rounded the same way, or a view at
    // today's price (9.99, stored as 9.98999977) would count as a drop.
    const seen = Math.fround(event.price);
    if (Number.isNaN(now) || seen <= 0) continue;
    const fraction = (event.price - now) / event.price;
    if (now < seen && fraction <= MAX_BELIEVED_DROP)
      drops.set(event.row, { row: event.row, seen: event.price, now, fraction, time: event.time });
    else drops.delete(event.row);
  }
  return drops;
}

export const priceDrop: ScoreComponent<Map<number, PriceDrop>> = {
  name: 'priceDrop',
  defaultWeight: 1,
  strategies: ['now_reduced'],
  signal: true,
  // A visitor without drops gets zeros: nothing on sale for them qualifies.
  active: () => true,
  fill(query, into) {
    const drops = priceDrops(query);
    into.fill(0);
    for (const drop of drops.values()) into[drop.row] = drop.fraction;
    return drops;
  },
  explain(query, at, drops) {
    const drop = drops.get(at.row);
    if (!drop) return null;
    const { products } = query.loaded.bundle;
    const currency = products.currency(at.row);
    return {
      contribution: at.value,
      message: 'priceDrop',
      params: {
        oldPrice: drop.seen,
        // As the item's price reads (rounded to the minor unit), not the bundle's float32.
        price: roundPrice(drop.now, currency),
        currency,
        date: shownDate(drop.time, query.visitor.now),
        title: products.title(at.row),
      },
    };
  },
};

/** An event's date for a reason, or undefined when it lies in the engine clock's future ("you looked at it on Dec 3, 2027"). */
export function shownDate(time: number, now: number): number | undefined {
  return time <= now + MAX_EVENT_FUTURE_MS ? time : undefined;
}
