/**
 * Co-purchase: neighbours of the page product and the cart in the bundle's co-purchase graph.
 * Products bought together complete each other, so it drives "customers also bought" and "goes
 * with" (and the session model), never a look-alike list (`similar`).
 */
import { cite, strongestSeed } from './evidence.ts';
import { evidenced, fillGraph, termAt } from './graph.ts';
import type { ScoreComponent } from './types.ts';

export const copurchase: ScoreComponent<void> = {
  name: 'copurchase',
  defaultWeight: 0.6,
  strategies: ['also_bought', 'goes_with', 'for_you'],
  signal: true,
  active: (query) => query.basket.length > 0,
  fill(query, into) {
    fillGraph(query.loaded.bundle.copurchase, query.basket, into);
  },
  explain(query, at) {
    // Basket seeds all weigh 1: each one's share is exactly its own term.
    const graph = query.loaded.bundle.copurchase;
    // Only a link seen in more than one session may be cited: "often bought together".
    const basket = query.basket.filter((seed) => evidenced(graph, seed.row, at.row));
    const best = strongestSeed(basket, (seed) => at.weight * termAt(graph, seed, at.row));
    if (!best) return null;
    const message = query.strategy === 'goes_with' ? 'goesWith' : best.seed.row === query.page ? 'boughtTogether' : 'boughtWith';
    return cite(query, best, message);
  },
};
