/**
 * One request as kernel work: the seeds it starts from and the component slots it fills. Each fill
 * overwrites its slot completely (slots live in kernel memory and are reused by every query); the
 * popularity and trending slots are written once per bundle (version.ts). Everything is
 * synchronous and reads one `Version`, so a query never sees two bundle versions.
 */
import type { CsrGraph } from '../shared/bundle/types.ts';
import type { NormalizedOptions, StrategyName } from '../shared/request.ts';
import { affinityScores } from './affinity.ts';
import { contextScores, type ContextMatch } from './cold-start.ts';
import { COMPONENTS, slotOf, type Component } from './components.ts';
import { ruleBoostScores } from './rules.ts';
import { buildSessionKnnIndex, sessionKnnScores, type SessionKnnIndex } from './session-knn.ts';
import { buyerFitScores, computeTraits, type VisitorTraits } from './traits.ts';
import { rowMaxAbs, type Version } from './version.ts';
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
  readonly version: Version;
  readonly visitor: Visitor;
  readonly options: NormalizedOptions;
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
  /** Set once `context` was filled. */
  contextMatch: ContextMatch | null;
}

const knnIndexes = new WeakMap<Version, SessionKnnIndex | null>();

export function knnIndexOf(version: Version): SessionKnnIndex | null {
  let index = knnIndexes.get(version);
  if (index === undefined) {
    const sessions = version.bundle.sessions;
    index = sessions && sessions.age.length > 0 ? buildSessionKnnIndex(sessions, version.bundle.products.count) : null;
    knnIndexes.set(version, index);
  }
  return index;
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

export function createQuery(version: Version, visitor: Visitor, options: NormalizedOptions, strategy: StrategyName, page: number | null): Query {
  const session = visitor.session.slice();
  // The product on the page counts as the latest view for the session model.
  if (page !== null && session[session.length - 1]?.row !== page) {
    session.push({ row: page, type: 'view', time: visitor.now, price: undefined });
  }
  // Co-purchase starts from the page product; the cart joins except on a product page's `similar`
  // (similar to *this* product, not to the cart).
  const basket: Seed[] = [];
  if (page !== null) basket.push({ row: page, weight: 1, event: null });
  if (strategy !== 'similar') {
    for (const row of visitor.cart) {
      if (row !== page) basket.push({ row, weight: 1, event: visitor.session.find((e) => e.row === row && e.type === 'add_to_cart') ?? null });
    }
  }
  return {
    version,
    visitor,
    options,
    strategy,
    page,
    seeds: strategy === 'similar' && page !== null ? [{ row: page, weight: 1, event: null }] : sessionSeeds(session),
    basket,
    sequence: session.map((event) => event.row),
    session,
    traits: computeTraits(version.bundle, visitor.sessionEvents, visitor.events),
    contextMatch: null,
  };
}

/** Adds `weight * row` (dequantised) to `into`. */
function addRow(version: Version, row: number, weight: number, into: Float32Array): void {
  const matrix = version.bundle.embeddings;
  const { dim } = matrix;
  const scale = matrix.dtype === 'i8' ? matrix.scales[row]! * weight : weight;
  for (let j = 0; j < dim; j++) into[j]! += matrix.data[row * dim + j]! * scale;
}

function dotRow(version: Version, row: number, query: Float32Array): number {
  const matrix = version.bundle.embeddings;
  const { dim } = matrix;
  let dot = 0;
  for (let j = 0; j < dim; j++) dot += matrix.data[row * dim + j]! * query[j]!;
  return matrix.dtype === 'i8' ? dot * matrix.scales[row]! : dot;
}

/** The unit session vector of `seeds` in `into`; false when empty. */
function sessionVector(version: Version, seeds: readonly Seed[], into: Float32Array): boolean {
  into.fill(0);
  for (const seed of seeds) addRow(version, seed.row, seed.weight, into);
  let norm = 0;
  for (let j = 0; j < into.length; j++) norm += into[j]! * into[j]!;
  if (norm === 0) return false;
  const inverse = 1 / Math.sqrt(norm);
  for (let j = 0; j < into.length; j++) into[j]! *= inverse;
  return true;
}

/** Cosine of every product with the seeds' recency-weighted mean vector (rows are unit length). */
function fillSimilarity(query: Query): void {
  const { version } = query;
  if (!sessionVector(version, query.seeds, version.query)) {
    version.kernels.slot(slotOf('similarity')).fill(0);
    return;
  }
  version.kernels.scoreQuery(version.query, slotOf('similarity'));
}

/**
 * The seeds had the session never held `without`: the other products move up in recency and
 * weigh what they would then weigh, so a leave-one-out difference is exactly what removing the
 * product from the session changes.
 */
export function seedsWithout(query: Query, without: number): Seed[] {
  return sessionSeeds(query.session.filter((event) => event.row !== without));
}

/** The unit session vector of `seeds` (e.g. `seedsWithout`, for explanations); null when empty. */
export function sessionVectorOf(query: Query, seeds: readonly Seed[]): Float32Array | null {
  const vector = new Float32Array(query.version.bundle.embeddings.dim);
  return sessionVector(query.version, seeds, vector) ? vector : null;
}

/** `similarity` of `row` against a session vector from `sessionVectorOf` (0 for none). */
export function similarityTo(query: Query, vector: Float32Array | null, row: number): number {
  return vector ? dotRow(query.version, row, vector) : 0;
}

/** A graph component's value at `to` from `seeds` (the same sum `fillGraph` writes). */
export function graphValue(graph: CsrGraph, seeds: readonly Seed[], to: number): number {
  let value = 0;
  for (const seed of seeds) value += graphContribution(graph, seed, to);
  return value;
}

/** Neighbour weight of `to` in `seed`'s row, scaled by the row's strongest neighbour, times the seed's weight. */
export function graphContribution(graph: CsrGraph, seed: Seed, to: number): number {
  const max = rowMaxAbs(graph, seed.row);
  if (max === 0) return 0;
  for (let e = graph.offsets[seed.row]!; e < graph.offsets[seed.row + 1]!; e++) {
    if (graph.neighbors[e] === to) return (seed.weight * graph.weights[e]!) / max;
  }
  return 0;
}

/** Sum over seeds of their scaled neighbour weights: linear in the seeds, so each seed's share is exact. */
function fillGraph(query: Query, graph: CsrGraph, component: 'covisitation' | 'copurchase', seeds: readonly Seed[]): void {
  const slot = query.version.kernels.slot(slotOf(component));
  slot.fill(0);
  for (const seed of seeds) {
    const max = rowMaxAbs(graph, seed.row);
    if (max === 0) continue;
    const scale = seed.weight / max;
    for (let e = graph.offsets[seed.row]!; e < graph.offsets[seed.row + 1]!; e++) slot[graph.neighbors[e]!]! += graph.weights[e]! * scale;
  }
}

/** Session-kNN scores of `sequence` scaled to [0, 1] into `into` (zeros without training sessions). */
export function knnInto(query: Query, sequence: readonly number[], into: Float32Array): void {
  into.fill(0);
  const index = knnIndexOf(query.version);
  if (index === null) return;
  const max = sessionKnnScores(index, sequence, into);
  if (max > 0) for (let i = 0; i < into.length; i++) into[i]! /= max;
}

/** A product seen in this session again: the recency weight of its latest view. */
function fillRevisit(query: Query): void {
  const slot = query.version.kernels.slot(slotOf('revisit'));
  slot.fill(0);
  for (const seed of sessionSeeds(query.visitor.session)) slot[seed.row] = seed.weight;
}

/** Fraction by which a viewed, not bought product got cheaper than the price the visitor saw. */
function fillPriceDrop(query: Query): void {
  const slot = query.version.kernels.slot(slotOf('priceDrop'));
  slot.fill(0);
  for (const drop of priceDrops(query).values()) slot[drop.row] = drop.fraction;
}

export interface PriceDrop {
  row: number;
  seen: number;
  now: number;
  fraction: number;
  /** When the visitor looked at it (the latest view with a price). */
  time: number;
}

/** Current price: the sale price when reduced, else the regular one (NaN when none). */
export function currentPrice(version: Version, row: number): number {
  const { price, salePrice } = version.bundle.products;
  return Number.isNaN(salePrice[row]!) ? price[row]! : salePrice[row]!;
}

/** Viewed-not-bought products now cheaper than the (latest) price the visitor saw. */
export function priceDrops(query: Query): Map<number, PriceDrop> {
  const drops = new Map<number, PriceDrop>();
  const { version, visitor } = query;
  for (const event of visitor.history) {
    if (event.type !== 'view' || event.price === undefined || visitor.purchased.has(event.row)) continue;
    const now = currentPrice(version, event.row);
    if (Number.isNaN(now) || event.price <= 0) continue;
    if (now < event.price) drops.set(event.row, { row: event.row, seen: event.price, now, fraction: (event.price - now) / event.price, time: event.time });
    else drops.delete(event.row);
  }
  return drops;
}

/** Fills every slot the weights use (weight 0 → left as is, never read). */
export function fillComponents(query: Query, weights: readonly number[]): void {
  const { version, visitor, options } = query;
  const uses = (component: Component): boolean => (weights[slotOf(component)] ?? 0) !== 0;
  const slot = (component: Component): Float32Array => version.kernels.slot(slotOf(component));
  if (uses('similarity')) fillSimilarity(query);
  if (uses('sessionKnn')) knnInto(query, query.sequence, slot('sessionKnn'));
  if (uses('covisitation')) fillGraph(query, version.bundle.covisitation, 'covisitation', query.seeds);
  if (uses('copurchase')) fillGraph(query, version.bundle.copurchase, 'copurchase', query.basket);
  if (uses('revisit')) fillRevisit(query);
  if (uses('affinity')) {
    if (visitor.affinities) affinityScores(version.bundle, visitor.affinities, slot('affinity'));
    else slot('affinity').fill(0);
  }
  if (uses('buyerFit')) buyerFitScores(version.bundle, query.traits, slot('buyerFit'));
  if (uses('context')) query.contextMatch = contextScores(version, options.context.visit, slot('context'));
  if (uses('priceDrop')) fillPriceDrop(query);
  if (uses('rules')) ruleBoostScores(version, options.rules, slot('rules'));
}

/** Each component's weighted value for `row` (non-zero weights only), read back from the slots. */
export function componentsAt(version: Version, row: number, weights: readonly number[]): Record<string, number> {
  const components: Record<string, number> = {};
  COMPONENTS.forEach((component, slot) => {
    const weight = weights[slot] ?? 0;
    if (weight === 0) return;
    // Views are re-taken per read: a kernel call may have grown memory since the last one.
    components[component] = weight * version.kernels.slot(slot)[row]!;
  });
  return components;
}
