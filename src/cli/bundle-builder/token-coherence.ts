/**
 * How much a shared token says that two products are the same kind of thing, learnt from the
 * catalog's own category paths (supervised term weighting). A word like "red" in "Red Nail Polish",
 * "Red Onions" and "Red Shoes" is spread over categories as if at random: two products sharing it
 * are no likelier to share a category than any two products, so it should not make them look
 * alike. "lipstick" or `cat:beauty` stay within one category and keep their full weight.
 *
 * For each category depth d: P(t, d), the chance that two products holding token t share their
 * category prefix at depth d, shrunk towards the mean over all tokens (n holders are n − 1 draws,
 * the prior is worth one); B(d), the same chance for any two products. The token's lift above
 * chance at depth d is (P − B) / (1 − B) on a 0..1 scale, and its coherence the best lift over the
 * depths, floored at 0: `cat:clothing` tells nothing apart below the top level but everything at
 * it. A token no two categorised products hold (a catalog without categories) keeps 1: nothing
 * says it misleads. Content features scale each token by its coherence.
 */
import type { ProductInput } from '../../shared/bundle/types.ts';

/** Prior weight of the mean coherence, in draws: a token of two products is one draw, so half prior. */
const PRIOR_DRAWS = 1;

/** Where each product's tokens are: product p holds `ids[rowStart[p]] .. ids[rowStart[p + 1] - 1]`. */
export interface TokenRows {
  rowStart: Uint32Array;
  ids: Uint32Array;
  /** Number of distinct token ids. */
  vocabulary: number;
}

/** Each token id's coherence with the category structure, 0..1 (1 = as telling as a category). */
export function tokenCoherence(products: readonly ProductInput[], rows: TokenRows): Float64Array {
  const { rowStart, ids, vocabulary } = rows;
  // The best lift over the depths, 0 at worst; whether any depth could judge the token.
  const best = new Float64Array(vocabulary);
  const judged = new Uint8Array(vocabulary);
  const deepest = products.reduce((max, product) => Math.max(max, product.category.length), 0);
  const counts = new Uint32Array(vocabulary);
  const holders = new Uint32Array(vocabulary);
  const samePairs = new Float64Array(vocabulary);
  const touched: number[] = [];
  for (let depth = 1; depth <= deepest; depth++) {
    holders.fill(0);
    samePairs.fill(0);
    const groups = productsByPrefix(products, depth);
    let categorised = 0;
    let baselineSame = 0;
    for (const group of groups) {
      categorised += group.length;
      baselineSame += group.length * (group.length - 1);
      for (const p of group) {
        for (let e = rowStart[p]!; e < rowStart[p + 1]!; e++) {
          const id = ids[e]!;
          if (counts[id] === 0) touched.push(id);
          counts[id]!++;
        }
      }
      for (const id of touched) {
        const c = counts[id]!;
        holders[id]! += c;
        samePairs[id]! += c * (c - 1);
        counts[id] = 0;
      }
      touched.length = 0;
    }
    if (categorised < 2) continue;
    const chance = baselineSame / (categorised * (categorised - 1));
    if (chance >= 1) continue; // one category at this depth: it tells nothing apart
    // The prior: the mean share of same-prefix pairs over tokens, each weighted by its draws (holders − 1).
    let priorSame = 0;
    let priorDraws = 0;
    for (let id = 0; id < vocabulary; id++) {
      const n = holders[id]!;
      if (n < 2) continue;
      priorSame += samePairs[id]! / n;
      priorDraws += n - 1;
    }
    const prior = priorDraws > 0 ? priorSame / priorDraws : chance;
    for (let id = 0; id < vocabulary; id++) {
      const n = holders[id]!;
      if (n < 2) continue;
      const draws = n - 1;
      const same = (samePairs[id]! / n + PRIOR_DRAWS * prior) / (draws + PRIOR_DRAWS);
      best[id] = Math.max(best[id]!, (same - chance) / (1 - chance));
      judged[id] = 1;
    }
  }
  const coherence = new Float64Array(vocabulary);
  for (let id = 0; id < vocabulary; id++) coherence[id] = judged[id] ? best[id]! : 1;
  return coherence;
}

/** Product indices grouped by their category path's first `depth` levels (products with a shorter path left out). */
function productsByPrefix(products: readonly ProductInput[], depth: number): number[][] {
  const groups = new Map<string, number[]>();
  products.forEach((product, p) => {
    if (product.category.length < depth) return;
    const key = product.category.slice(0, depth).join('\u0000');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(p);
  });
  return [...groups.values()];
}
