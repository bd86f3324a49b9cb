/**
 * Derived preferences: how much the visitor likes each product, category, brand, colour, size and
 * price level, from their events with exponential time decay. Pure functions (no storage), shared
 * by the memory and the IndexedDB profile and tested in Node.
 */
import type { EventType, StoredEvent } from '../../shared/events.ts';
import { RECORD_VERSION, type ProductAggregate, type ProductFeatures } from './schema.ts';

/** What the profile needs to know about a product; null when the bundle does not know it. */
export interface ProductInfo {
  title: string;
  category: string[];
  brand: string;
  price: number | null;
  colour?: string | null;
  size?: string | null;
}
export type ResolveProduct = (id: string) => ProductInfo | null;

/**
 * How much one event says about taste. Carting and buying say more than a view; removing and
 * dismissing say "less of this". Impressions and searches carry no product preference.
 */
export const EVENT_WEIGHTS: Record<EventType, number> = {
  view: 1,
  click: 2,
  add_to_cart: 3,
  purchase: 5,
  remove_from_cart: -2,
  dismiss: -1,
  impression: 0,
  search: 0,
};

/** Default half-life of an event's influence. */
export const DEFAULT_HALF_LIFE_DAYS = 30;
export const DAY_MS = 86_400_000;

/** Affinity scores per dimension value (decayed weight sums, may be negative). */
export interface Affinities {
  products: Record<string, number>;
  category: Record<string, number>;
  brand: Record<string, number>;
  colour: Record<string, number>;
  size: Record<string, number>;
  /** Keyed by price level (`priceLevel()`), e.g. `'5'` for prices from 32 to 64. */
  priceLevel: Record<string, number>;
}

/** `2^-(Δt / halfLife)`; a time in the future counts as now (clock skew never inflates a weight). */
export function decay(from: number, to: number, halfLifeMs: number): number {
  return Math.pow(2, -Math.max(0, to - from) / halfLifeMs);
}

/** Price level: floor(log2(price + 1)), so each level spans a doubling of price. */
export function priceLevel(price: number | null | undefined): number | null {
  if (price === null || price === undefined || !Number.isFinite(price) || price < 0) return null;
  return Math.floor(Math.log2(price + 1));
}

/** The price range a level stands for, for plain-words summaries. */
export function priceLevelRange(level: number): [number, number] {
  return [Math.pow(2, level) - 1, Math.pow(2, level + 1) - 1];
}

export function featuresOf(event: Pick<StoredEvent, 'product' | 'price'>, info: ProductInfo | null): ProductFeatures {
  return {
    category: info?.category.slice() ?? [],
    brand: info?.brand || null,
    colour: info?.colour ?? null,
    size: info?.size ?? null,
    priceLevel: priceLevel(event.price ?? info?.price ?? null),
  };
}

export function emptyAffinities(): Affinities {
  return { products: {}, category: {}, brand: {}, colour: {}, size: {}, priceLevel: {} };
}

function add(into: Record<string, number>, key: string | number | null, weight: number): void {
  // `== null`: a feature missing from an older stored aggregate (undefined) is no preference either.
  if (key == null || key === '') return;
  into[key] = (into[key] ?? 0) + weight;
}

function addFeatures(into: Affinities, product: string, features: ProductFeatures, weight: number): void {
  add(into.products, product, weight);
  for (const name of features.category) add(into.category, name, weight);
  add(into.brand, features.brand, weight);
  add(into.colour, features.colour, weight);
  add(into.size, features.size, weight);
  add(into.priceLevel, features.priceLevel, weight);
}

/** Affinities at `now` from the raw events plus the compacted aggregates. */
export function computeAffinities(
  events: readonly StoredEvent[],
  aggregates: Iterable<ProductAggregate>,
  resolve: ResolveProduct,
  now: number,
  halfLifeMs: number,
): Affinities {
  const result = emptyAffinities();
  for (const event of events) {
    const base = EVENT_WEIGHTS[event.type];
    if (base === 0 || event.product === undefined) continue;
    addFeatures(result, event.product, featuresOf(event, resolve(event.product)), base * decay(event.time, now, halfLifeMs));
  }
  for (const aggregate of aggregates) {
    addFeatures(result, aggregate.product, aggregate.features, aggregate.weight * decay(aggregate.at, now, halfLifeMs));
  }
  return result;
}

/**
 * Folds one event into its product's aggregate (creating it), as of `now`. Events without a
 * product (searches) leave no aggregate: they return `existing` unchanged.
 */
export function foldEvent(
  existing: ProductAggregate | undefined,
  event: StoredEvent,
  info: ProductInfo | null,
  now: number,
  halfLifeMs: number,
): ProductAggregate | undefined {
  if (event.product === undefined) return existing;
  const weight = EVENT_WEIGHTS[event.type] * decay(event.time, now, halfLifeMs);
  if (!existing) {
    return {
      product: event.product,
      v: RECORD_VERSION,
      weight,
      at: now,
      events: 1,
      firstTime: event.time,
      lastTime: event.time,
      features: featuresOf(event, info),
      title: info?.title ?? null,
    };
  }
  return {
    ...existing,
    weight: existing.weight * decay(existing.at, now, halfLifeMs) + weight,
    at: Math.max(existing.at, now),
    events: existing.events + 1,
    firstTime: Math.min(existing.firstTime, event.time),
    lastTime: Math.max(existing.lastTime, event.time),
    title: info?.title ?? existing.title,
  };
}

/**
 * One product's aggregate from two sources (the memory profile's and the database's), as of `now`:
 * weights decayed to `now` and summed; `b`'s title wins when it has one.
 */
export function mergeAggregates(a: ProductAggregate, b: ProductAggregate, now: number, halfLifeMs: number): ProductAggregate {
  return {
    ...a,
    weight: a.weight * decay(a.at, now, halfLifeMs) + b.weight * decay(b.at, now, halfLifeMs),
    at: now,
    events: a.events + b.events,
    firstTime: Math.min(a.firstTime, b.firstTime),
    lastTime: Math.max(a.lastTime, b.lastTime),
    title: b.title ?? a.title,
  };
}

/** Checks an aggregate read back from storage; null for a corrupt or future-format record. */
export function validAggregate(value: unknown): ProductAggregate | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Partial<ProductAggregate>;
  if (a.v !== RECORD_VERSION || typeof a.product !== 'string' || a.product === '') return null;
  for (const n of [a.weight, a.events]) if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  // A time no Date can hold (|t| > 8.64e15) would make every export throw RangeError.
  for (const t of [a.at, a.firstTime, a.lastTime]) if (typeof t !== 'number' || !(Math.abs(t) <= 8.64e15)) return null;
  const f = a.features;
  if (typeof f !== 'object' || f === null || !Array.isArray(f.category)) return null;
  return a as ProductAggregate;
}
