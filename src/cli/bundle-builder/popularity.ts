/**
 * Popularity from the events log (docs/cli.md, "Popularity"): event-type weighted counts, all-time
 * and over the trending window, plus per-category rankings. Products without events score 0.
 */
import { buildCategoryTree } from '../../shared/bundle/catalog-index.ts';
import type { Popularity, ProductInput } from '../../shared/bundle/types.ts';
import { EventType, type EventLog } from './events.ts';

/** How much one event of each type counts: a purchase says more than a view. */
export const EVENT_WEIGHTS: Record<number, number> = { [EventType.view]: 1, [EventType.cart]: 3, [EventType.purchase]: 5 };
/** Longest ranked list kept per category; the widget never shows more. */
export const MAX_PER_CATEGORY = 200;

const DAY_MS = 86_400_000;

export function computePopularity(products: readonly ProductInput[], log: EventLog | undefined, trendingDays: number): Popularity {
  const n = products.length;
  const global = new Float32Array(n);
  const trending = new Float32Array(n);
  if (log && log.count > 0) {
    let last = -Infinity;
    for (let i = 0; i < log.count; i++) if (log.time[i]! > last) last = log.time[i]!;
    // Without timestamps there is no "recent": trending falls back to all-time.
    const since = Number.isFinite(last) ? last - trendingDays * DAY_MS : -Infinity;
    for (let i = 0; i < log.count; i++) {
      const w = EVENT_WEIGHTS[log.type[i]!]!;
      const p = log.product[i]!;
      global[p]! += w;
      const t = log.time[i]!;
      if (!Number.isFinite(since) || t >= since) trending[p]! += w;
    }
  }
  return { global, trending, trendingWindowDays: trendingDays, perCategory: perCategoryRanking(products, global) };
}

/**
 * Per category (in the writer's numbering: `buildCategoryTree`), its products and those of its
 * sub-categories, best first: popularity, then rating, then catalog order.
 */
function perCategoryRanking(products: readonly ProductInput[], global: Float32Array) {
  const tree = buildCategoryTree(products);
  const members: number[][] = tree.nodes.map(() => []);
  for (let p = 0; p < products.length; p++) {
    for (let c = tree.leafOf[p]!; c >= 0; c = tree.nodes[c]!.parent) members[c]!.push(p);
  }
  const rating = (p: number) => products[p]!.rating ?? -1;
  const offsets = new Uint32Array(members.length + 1);
  const neighbors: number[] = [];
  const weights: number[] = [];
  members.forEach((list, c) => {
    list.sort((a, b) => global[b]! - global[a]! || rating(b) - rating(a) || a - b);
    for (const p of list.slice(0, MAX_PER_CATEGORY)) {
      neighbors.push(p);
      weights.push(global[p]!);
    }
    offsets[c + 1] = neighbors.length;
  });
  return { offsets, neighbors: Uint32Array.from(neighbors), weights: Float32Array.from(weights) };
}
