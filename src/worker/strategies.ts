/**
 * The strategies: what each one may show and which strategies fill a list it cannot fill alone.
 * Which components a strategy sums is declared by each component (`ScoreComponent.strategies`).
 */
import type { StrategyName } from '../shared/request.ts';
import { clearBit } from './masks.ts';
import type { Query } from './query.ts';

export interface Strategy {
  /**
   * A product qualifies only with a real signal for it (a `signal` component scoring > 0), not just
   * popularity: "similar" must be similar.
   */
  readonly requiresSignal: boolean;
  /** Tried in order when the strategy finds too few items. */
  readonly fallbacks: readonly StrategyName[];
  /**
   * Own items that make a list complete although shorter than asked: four look-alikes fill a
   * carousel, and padding them with bestsellers from other aisles would show unrelated products
   * under a heading that promises similar ones (a thin category, e.g. five nail varnishes).
   */
  readonly enough?: number;
}

export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  similar: { requiresSignal: true, fallbacks: ['for_you', 'trending'], enough: 4 },
  also_bought: { requiresSignal: true, fallbacks: ['for_you', 'trending'] },
  goes_with: { requiresSignal: true, fallbacks: ['also_bought', 'trending'] },
  // Filled, when the visitor saw too few price drops, from the bestsellers on sale: not from
  // `for_you`, whose best picks would then show twice (or be taken from the for_you row).
  now_reduced: { requiresSignal: true, fallbacks: ['trending'] },
  for_you: { requiresSignal: false, fallbacks: ['trending'] },
  trending: { requiresSignal: false, fallbacks: [] },
  rerank: { requiresSignal: false, fallbacks: [] },
};

/**
 * Clears from `mask` what the running strategy, or the placement it fills, may not show. A
 * placement's restrictions hold for its fallbacks too.
 */
export function restrictToStrategy(query: Query, mask: Uint8Array): void {
  const { loaded, strategy, placement } = query;
  const either = (name: StrategyName): boolean => strategy === name || placement === name;
  if (either('for_you') && !query.options.includeViewed) for (const event of query.visitor.session) clearBit(mask, event.row);
  if (either('goes_with')) {
    // Complements, not substitutes: nothing from the leaf category of what is already chosen.
    const leaf = loaded.bundle.products.categoryIndex;
    const basketLeaves = new Set(query.basket.map((seed) => leaf[seed.row]!).filter((c) => c >= 0));
    for (let row = 0; row < leaf.length; row++) if (basketLeaves.has(leaf[row]!)) clearBit(mask, row);
  }
  if (placement === 'now_reduced' && strategy !== 'now_reduced') {
    // Filling a "now reduced" list: only products that are actually on sale. Its own items need no
    // sale price: a regular price lowered since the visitor's view is a drop too.
    const { price, salePrice } = loaded.bundle.products;
    for (let row = 0; row < price.length; row++) if (!(salePrice[row]! < price[row]!)) clearBit(mask, row);
  }
}
