/**
 * One request as the score components see it: the visitor, the options, the products it starts
 * from (session seeds, the basket) and the visitor's traits. Built once per request; running a
 * fallback strategy only changes `strategy`. Everything reads one `LoadedBundle`, so a request
 * never sees two bundles.
 */
import type { NormalizedOptions, StrategyName } from '../shared/request.ts';
import type { LoadedBundle } from './loaded-bundle.ts';
import type { VisitorTraits } from '../shared/visitor-traits.ts';
import { computeTraits } from './traits.ts';
import type { RowEvent, Visitor } from './visitor.ts';

/** Weight of the i-th most recent distinct session item is `RECENCY_DECAY ** i`. */
export const RECENCY_DECAY = 0.7;
/** Seeds older than this many distinct items are ignored (their weight is < 3 % of the newest). */
export const MAX_SEEDS = 10;

/** A product the query starts from, with how much it counts and the event that made it a seed. */
export interface Seed {
  row: number;
  weight: number;
  event: RowEvent | null;
}

export interface Query {
  readonly loaded: LoadedBundle;
  readonly visitor: Visitor;
  readonly options: NormalizedOptions;
  /** What the list is for: the request's placement, or `'rerank'`. Its rules hold for fallbacks too. */
  readonly placement: StrategyName;
  /** The strategy being run: the placement's own, or a fallback filling the list up. */
  readonly strategy: StrategyName;
  /** The product on the page, or null. */
  readonly page: number | null;
  /** Session seeds, most recent first (similarity, co-visitation). */
  readonly seeds: Seed[];
  /** Basket seeds: the page product and the cart (co-purchase). */
  readonly basket: Seed[];
  /** Session rows in order, repeats kept (session-kNN). */
  readonly sequence: number[];
  /** The session events the seeds came from (the page product appended as the latest view). */
  readonly session: readonly RowEvent[];
  readonly traits: VisitorTraits;
}

/** Distinct session rows, most recent first, with recency weights. */
export function sessionSeeds(events: readonly RowEvent[]): Seed[] {
  const seeds: Seed[] = [];
  const seen = new Set<number>();
  for (let i = events.length - 1; i >= 0 && seeds.length < MAX_SEEDS; i--) {
    const event = events[i]!;
    if (seen.has(event.row)) continue;
    seen.add(event.row);
    seeds.push({ row: event.row, weight: RECENCY_DECAY ** seeds.length, event });
  }
  return seeds;
}

export function createQuery(
  loaded: LoadedBundle,
  visitor: Visitor,
  options: NormalizedOptions,
  placement: StrategyName,
  page: number | null,
): Query {
  const session = visitor.session.slice();
  // The product on the page counts as the latest view for the session model.
  if (page !== null && session[session.length - 1]?.row !== page) {
    session.push({ row: page, type: 'view', time: visitor.now, price: undefined });
  }
  // Co-purchase starts from the page product; the cart joins except on a product page's `similar`
  // (similar to *this* product, not to the cart).
  const basket: Seed[] = [];
  if (page !== null) basket.push({ row: page, weight: 1, event: null });
  if (placement !== 'similar') {
    for (const row of visitor.cart) {
      if (row !== page)
        basket.push({ row, weight: 1, event: visitor.session.find((e) => e.row === row && e.type === 'add_to_cart') ?? null });
    }
  }
  return {
    loaded,
    visitor,
    options,
    placement,
    strategy: placement,
    page,
    seeds: seedsOf(placement, page, session),
    basket,
    sequence: session.map((event) => event.row),
    session,
    traits: computeTraits(loaded.indexes, visitor.sessionEvents, visitor.events),
  };
}

/**
 * The products a query starts from: for `similar` the page product alone ("similar to *this*"),
 * else the session's distinct products by recency. With `without`, the seeds had the request never
 * held that product: the others move up in recency and weigh what they would then weigh, so a
 * leave-one-out difference is exactly what removing the product changes (for `similar`, removing
 * the page product leaves nothing to start from).
 */
function seedsOf(placement: StrategyName, page: number | null, session: readonly RowEvent[], without?: number): Seed[] {
  if (placement === 'similar' && page !== null) return page === without ? [] : [{ row: page, weight: 1, event: null }];
  return sessionSeeds(without === undefined ? session : session.filter((event) => event.row !== without));
}

/** The query's seeds had the request never held `without` (see `seedsOf`). */
export function seedsWithout(query: Query, without: number): Seed[] {
  return seedsOf(query.placement, query.page, query.session, without);
}
