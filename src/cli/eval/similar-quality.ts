/**
 * `vitrine eval similar`: how often the engine's `similar` list for a product page stays in the
 * viewed product's category, at every depth of the category path, next to an exact TF-IDF cosine
 * baseline and the best score any list could reach. The bundle is the real builder's, loaded into
 * the real kernels, and every list comes from the engine's `recommend` as the worker asks it for a
 * product page seen by a new visitor (no events, no profile).
 */
import { decodeBundle, encodeBundle } from '../../shared/bundle/index.ts';
import type { BundleInput, ProductInput } from '../../shared/bundle/types.ts';
import { normalizeRequest } from '../../shared/request.ts';
import { createLoadedBundle } from '../../worker/loaded-bundle.ts';
import { recommend } from '../../worker/ranking.ts';
import { loadNodeKernels } from '../kernels-node.ts';
import { tfidfNeighbours } from './tfidf-baseline.ts';
import { renumberProducts } from '../bundle-builder/product-order.ts';

/** List lengths scored. */
export const SIMILAR_CUTOFFS = [5, 10] as const;

/** Shares at one category depth, one number per cutoff (same order as `cutoffs`). */
export interface DepthQuality {
  /** 1 = top level. */
  depth: number;
  /** Products with a category at this depth that have at least one other product to compare with. */
  scored: number;
  /** Share of the engine's `similar` items in the viewed product's category at this depth. */
  similar: number[];
  /** The same share for the exact TF-IDF cosine baseline. */
  tfidf: number[];
  /** The best any list could reach: min(k, other products in the category) / k. */
  best: number[];
}

export interface SimilarQuality {
  products: number;
  cutoffs: number[];
  /** What the bundle's vectors are (`content`, `content+sessions`, `imported`, …) and their shape. */
  embeddingSource: string;
  dim: number;
  dtype: string;
  events: number;
  depths: DepthQuality[];
}

/** Every product's `similar` list of `k` rows, as the worker serves a new visitor's product page. */
export async function engineSimilarLists(input: BundleInput, k: number): Promise<number[][]> {
  // Stored in `bundle build`'s order (by category, then popularity); lists come back as `input` rows, by id.
  const bundle = decodeBundle(encodeBundle(renumberProducts(input)));
  const loaded = createLoadedBundle(bundle, await loadNodeKernels());
  const inputRow = new Map(input.products.map((product, row) => [product.id, row]));
  const now = Date.parse(input.meta.builtAt);
  return input.products.map((product) => {
    const request = normalizeRequest({ placement: 'similar', product: product.id, limit: k });
    const result = recommend(loaded, request, { events: [], affinities: null, now }, { explain: false });
    return result.items.map((item) => inputRow.get(item.productId)!);
  });
}

/** The category path's first `depth` levels as one key, or null when the path is shorter. */
function categoryKey(product: ProductInput, depth: number): string | null {
  return product.category.length >= depth ? product.category.slice(0, depth).join('\u0000') : null;
}

/**
 * Per depth (depths where no product could score are left out): the mean over scored products of (list items sharing the category) / k, for each list
 * source. A list shorter than k counts its missing places as misses. Products alone in their
 * category are left out (no list could score).
 */
export function categoryShares(
  products: readonly ProductInput[],
  lists: Readonly<Record<'similar' | 'tfidf', readonly (readonly number[])[]>>,
  cutoffs: readonly number[],
): DepthQuality[] {
  const deepest = products.reduce((max, product) => Math.max(max, product.category.length), 0);
  const depths: DepthQuality[] = [];
  for (let depth = 1; depth <= deepest; depth++) {
    const keys = products.map((product) => categoryKey(product, depth));
    const sizes = new Map<string, number>();
    for (const key of keys) if (key !== null) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    const sums = { similar: cutoffs.map(() => 0), tfidf: cutoffs.map(() => 0), best: cutoffs.map(() => 0) };
    let scored = 0;
    keys.forEach((key, row) => {
      const others = key === null ? 0 : sizes.get(key)! - 1;
      if (others === 0) return;
      scored++;
      cutoffs.forEach((k, c) => {
        for (const source of ['similar', 'tfidf'] as const) {
          const hits = lists[source][row]!.slice(0, k).filter((other) => keys[other] === key).length;
          sums[source][c]! += hits / k;
        }
        sums.best[c]! += Math.min(k, others) / k;
      });
    });
    if (scored === 0) continue;
    const mean = (values: number[]) => values.map((sum) => sum / scored);
    depths.push({ depth, scored, similar: mean(sums.similar), tfidf: mean(sums.tfidf), best: mean(sums.best) });
  }
  return depths;
}

/** The whole measurement for a built bundle and its products' descriptions. */
export async function similarQuality(
  input: BundleInput,
  descriptions: readonly string[],
  cutoffs: readonly number[] = SIMILAR_CUTOFFS,
): Promise<SimilarQuality> {
  const k = Math.max(...cutoffs);
  const similar = await engineSimilarLists(input, k);
  const tfidf = tfidfNeighbours(input.products, descriptions, k);
  return {
    products: input.products.length,
    cutoffs: [...cutoffs],
    embeddingSource: input.meta.embeddingSource,
    dim: input.embeddings.dim,
    dtype: input.embeddings.dtype,
    events: input.meta.sourceCounts.events ?? 0,
    depths: categoryShares(input.products, { similar, tfidf }, cutoffs),
  };
}

/** The report as a table, one row per depth. */
export function formatSimilarQuality(report: SimilarQuality): string[] {
  const head = ['depth', 'scored', ...report.cutoffs.flatMap((k) => [`similar@${k}`, `tfidf@${k}`, `best@${k}`])];
  const rows = report.depths.map((d) => [
    String(d.depth),
    String(d.scored),
    ...report.cutoffs.flatMap((_, c) => [d.similar[c]!, d.tfidf[c]!, d.best[c]!].map((x) => x.toFixed(3))),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [
    `similar lists of ${report.products} products (vectors: ${report.embeddingSource}, ${report.dim} dims ${report.dtype}; ${report.events} events):`,
    "share of the top-k items in the viewed product's category at each depth",
    line(head),
    ...rows.map(line),
  ];
}
