/**
 * The head part of a bundle (issue 16): a complete, small bundle of the same format holding what a
 * new visitor's first widgets need — the most popular, trending and reduced products, each
 * category's bestsellers, their product cards and vectors, the graphs' edges among them, the model
 * weights, session model and bandit priors. The engine serves it while the full bundle downloads.
 *
 * It is cut from the full bundle's `BundleInput`, before any section is encoded, so it works with
 * whatever encoding the writer uses. Its `meta.head` names the full bundle (content hash, bytes)
 * that it was cut from.
 */
import { buildCategoryTree } from '../../shared/bundle/catalog-index.ts';
import type { BundleInput, CsrGraph, EmbeddingMatrix, HeadOf, PqMatrix } from '../../shared/bundle/types.ts';

/** Products in a head part by default: a few hundred cards and vectors stay well under 300 KB on the wire. */
export const DEFAULT_HEAD_PRODUCTS = 400;
/** Products taken from each whole-catalog list (popular, trending, reduced) before the categories' bestsellers. */
const PER_LIST = 48;

/** Rows of `input` in the head, most wanted first: whole-catalog lists, then each category's best, rank by rank. */
export function headRows(input: BundleInput, maxProducts = DEFAULT_HEAD_PRODUCTS): number[] {
  const n = input.products.length;
  const { global, trending, perCategory } = input.popularity;
  const chosen = new Set<number>();
  const take = (row: number): void => {
    if (chosen.size < maxProducts) chosen.add(row);
  };
  const byScore = (score: (row: number) => number, keep: (row: number) => boolean = () => true): number[] =>
    Array.from({ length: n }, (_, row) => row)
      .filter(keep)
      .sort((a, b) => score(b) - score(a) || a - b)
      .slice(0, PER_LIST);
  const reduced = (row: number): boolean => {
    const { price, salePrice } = input.products[row]!;
    return price !== null && salePrice !== null && salePrice < price;
  };
  byScore((row) => global[row]!).forEach(take);
  byScore(
    (row) => trending[row]!,
    (row) => trending[row]! > 0,
  ).forEach(take);
  byScore((row) => global[row]!, reduced).forEach(take);
  // Categories' bestsellers, rank by rank, departments before their sub-categories.
  const tree = buildCategoryTree(input.products);
  const depth = tree.nodes.map((node) => node.path.length);
  const order = tree.nodes.map((_, c) => c).sort((a, b) => depth[a]! - depth[b]! || a - b);
  for (let rank = 0; chosen.size < maxProducts; rank++) {
    let any = false;
    for (const c of order) {
      const at = perCategory.offsets[c]! + rank;
      if (at < perCategory.offsets[c + 1]!) {
        any = true;
        take(perCategory.neighbors[at]!);
      }
    }
    if (!any) break;
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The graph's edges between kept rows, renumbered; each row's order (best first) is kept. */
function subGraph(graph: CsrGraph, rows: readonly number[], newRow: Int32Array): CsrGraph {
  const offsets = new Uint32Array(rows.length + 1);
  const neighbors: number[] = [];
  const weights: number[] = [];
  rows.forEach((row, i) => {
    for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) {
      const to = newRow[graph.neighbors[e]!]!;
      if (to >= 0) {
        neighbors.push(to);
        weights.push(graph.weights[e]!);
      }
    }
    offsets[i + 1] = neighbors.length;
  });
  return { offsets, neighbors: Uint32Array.from(neighbors), weights: Float32Array.from(weights) };
}

function subMatrix(matrix: EmbeddingMatrix | PqMatrix, rows: readonly number[]): EmbeddingMatrix | PqMatrix {
  const { dim } = matrix;
  if (matrix.dtype === 'pq') {
    // The same codebook: the head part's rows decode to exactly the full bundle's.
    const { subspaces } = matrix;
    const codes = new Uint8Array(rows.length * subspaces);
    rows.forEach((row, i) => codes.set(matrix.codes.subarray(row * subspaces, (row + 1) * subspaces), i * subspaces));
    return { ...matrix, rows: rows.length, codes };
  }
  const pick = <T extends Float32Array | Int8Array>(data: T, out: T): T => {
    rows.forEach((row, i) => out.set(data.subarray(row * dim, (row + 1) * dim), i * dim));
    return out;
  };
  if (matrix.dtype === 'f32') return { dtype: 'f32', rows: rows.length, dim, data: pick(matrix.data, new Float32Array(rows.length * dim)) };
  return {
    dtype: 'i8',
    rows: rows.length,
    dim,
    data: pick(matrix.data, new Int8Array(rows.length * dim)),
    scales: Float32Array.from(rows, (row) => matrix.scales[row]!),
  };
}

/**
 * The head part's input: the chosen products (in catalog order) and everything keyed by them,
 * renumbered. `full` names the full bundle it belongs to (written first: its hash goes in here).
 */
export function headBundleInput(input: BundleInput, full: Omit<HeadOf, 'products'>, maxProducts = DEFAULT_HEAD_PRODUCTS): BundleInput {
  const rows = headRows(input, maxProducts);
  const newRow = new Int32Array(input.products.length).fill(-1);
  rows.forEach((row, i) => (newRow[row] = i));
  const products = rows.map((row) => input.products[row]!);
  // The head's own category numbering: map each of its categories to the full tree's by path.
  const fullTree = buildCategoryTree(input.products);
  const fullIndex = new Map(fullTree.nodes.map((node, c) => [node.path.join('\u0000'), c]));
  const headTree = buildCategoryTree(products);
  const perCategory = subGraph(
    input.popularity.perCategory,
    headTree.nodes.map((node) => fullIndex.get(node.path.join('\u0000'))!),
    newRow,
  );
  const { global, trending, trendingWindowDays } = input.popularity;
  return {
    meta: {
      ...input.meta,
      sourceCounts: { ...input.meta.sourceCounts, products: products.length },
      head: { ...full, products: input.products.length },
    },
    products,
    popularity: {
      global: Float32Array.from(rows, (row) => global[row]!),
      trending: Float32Array.from(rows, (row) => trending[row]!),
      trendingWindowDays,
      perCategory,
    },
    covisitation: subGraph(input.covisitation, rows, newRow),
    copurchase: subGraph(input.copurchase, rows, newRow),
    embeddings: subMatrix(input.embeddings, rows),
    // Sessions stay in the full bundle (they are most of its bytes); the session model works without them.
    ...(input.banditPriors && { banditPriors: input.banditPriors }),
    ...(input.modelWeights && { modelWeights: input.modelWeights }),
    ...(input.sessionModel && { sessionModel: input.sessionModel }),
  };
}
