/**
 * The order products are stored in (issue 16): by category path (a leaf's products together, a
 * department's leaves side by side), then most popular first, then catalog order. The graphs'
 * neighbours mostly share a leaf or a department and the sessions wander within one, so numbered
 * this way a row's neighbour ids are close together: their LEB128 gaps, and the sessions' id
 * steps, take fewer bytes and compress better. Product ids (strings) do not change, and nothing
 * outside the worker sees rows: profiles, events and requests name products by id.
 */
import { buildCategoryTree } from '../../shared/bundle/catalog-index.ts';
import type { BundleInput, CsrGraph, EmbeddingMatrix, PqMatrix, SessionIndex } from '../../shared/bundle/types.ts';

/** `order[newRow] = oldRow`: the storage order of `input`'s products. */
export function productOrder(input: Pick<BundleInput, 'products' | 'popularity'>): Uint32Array {
  const { products } = input;
  const { global } = input.popularity;
  const tree = buildCategoryTree(products);
  // NUL sorts below every other character, so comparing joined paths compares them level by level.
  const paths = tree.nodes.map((node) => node.path.join('\u0000'));
  const byPath = paths.map((_, c) => c).sort((a, b) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0));
  const rank = new Int32Array(paths.length);
  byPath.forEach((c, i) => (rank[c] = i));
  const leafRank = Int32Array.from(tree.leafOf, (leaf) => (leaf < 0 ? -1 : rank[leaf]!));
  const order = Uint32Array.from(products, (_, row) => row);
  return order.sort((a, b) => leafRank[a]! - leafRank[b]! || global[b]! - global[a]! || a - b);
}

/** `newRow[oldRow]`, the inverse of `order`. */
function inverse(order: Uint32Array): Uint32Array {
  const newRow = new Uint32Array(order.length);
  order.forEach((oldRow, row) => (newRow[oldRow] = row));
  return newRow;
}

/**
 * `rows[i]`'s row of `graph` as row i, each neighbour renumbered by `newRow`. Each row stays sorted
 * by descending weight; equal weights go by ascending new id, as the builder orders them.
 */
function permuteGraph(graph: CsrGraph, rows: ArrayLike<number>, newRow: Uint32Array): CsrGraph {
  const count = rows.length;
  const offsets = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i]! + graph.offsets[rows[i]! + 1]! - graph.offsets[rows[i]!]!;
  const neighbors = new Uint32Array(offsets[count]!);
  const weights = new Float32Array(offsets[count]!);
  const entries: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = graph.offsets[rows[i]!]!;
    entries.length = 0;
    for (let e = start; e < graph.offsets[rows[i]! + 1]!; e++) entries.push(e);
    entries.sort((x, y) => graph.weights[y]! - graph.weights[x]! || newRow[graph.neighbors[x]!]! - newRow[graph.neighbors[y]!]!);
    entries.forEach((e, k) => {
      neighbors[offsets[i]! + k] = newRow[graph.neighbors[e]!]!;
      weights[offsets[i]! + k] = graph.weights[e]!;
    });
  }
  return { offsets, neighbors, weights };
}

function permuteMatrix(matrix: EmbeddingMatrix | PqMatrix, order: Uint32Array): EmbeddingMatrix | PqMatrix {
  const rowsOf = <T extends Float32Array | Int8Array | Uint8Array>(data: T, out: T, width = matrix.dim): T => {
    order.forEach((oldRow, row) => out.set(data.subarray(oldRow * width, (oldRow + 1) * width), row * width));
    return out;
  };
  // A product-quantised row is its codes; the codebook is shared by all rows.
  if (matrix.dtype === 'pq') return { ...matrix, codes: rowsOf(matrix.codes, new Uint8Array(matrix.codes.length), matrix.subspaces) };
  if (matrix.dtype === 'f32') return { ...matrix, data: rowsOf(matrix.data, new Float32Array(matrix.data.length)) };
  return {
    ...matrix,
    data: rowsOf(matrix.data, new Int8Array(matrix.data.length)),
    scales: Float32Array.from(order, (row) => matrix.scales[row]!),
  };
}

function renumberSessions(sessions: SessionIndex, newRow: Uint32Array): SessionIndex {
  return { ...sessions, items: Uint32Array.from(sessions.items, (row) => newRow[row]!) };
}

/**
 * `input` with its products stored in `order` (default `productOrder(input)`): every section that
 * names a product row (popularity, both graphs, vectors, sessions) is renumbered alike, and the
 * per-category rankings follow the categories' new numbering (the writer numbers categories in
 * the order products first name them).
 */
export function renumberProducts(input: BundleInput, order: Uint32Array = productOrder(input)): BundleInput {
  const newRow = inverse(order);
  const products = Array.from(order, (row) => input.products[row]!);
  const oldCategory = new Map(buildCategoryTree(input.products).nodes.map((node, c) => [node.path.join('\u0000'), c]));
  const categoryRows = buildCategoryTree(products).nodes.map((node) => oldCategory.get(node.path.join('\u0000'))!);
  const { global, trending, perCategory } = input.popularity;
  const renumbered: BundleInput = {
    ...input,
    products,
    popularity: {
      ...input.popularity,
      global: Float32Array.from(order, (row) => global[row]!),
      trending: Float32Array.from(order, (row) => trending[row]!),
      perCategory: rankedLists(perCategory, categoryRows, newRow),
    },
    covisitation: permuteGraph(input.covisitation, order, newRow),
    copurchase: permuteGraph(input.copurchase, order, newRow),
    embeddings: permuteMatrix(input.embeddings, order),
  };
  if (input.sessions) renumbered.sessions = renumberSessions(input.sessions, newRow);
  return renumbered;
}

/** Per-category rankings: rows taken in `rows` order, entries renumbered, each list's order kept as is. */
function rankedLists(graph: CsrGraph, rows: readonly number[], newRow: Uint32Array): CsrGraph {
  const offsets = new Uint32Array(rows.length + 1);
  rows.forEach((row, i) => (offsets[i + 1] = offsets[i]! + graph.offsets[row + 1]! - graph.offsets[row]!));
  const neighbors = new Uint32Array(offsets[rows.length]!);
  const weights = new Float32Array(offsets[rows.length]!);
  rows.forEach((row, i) => {
    const start = graph.offsets[row]!;
    const end = graph.offsets[row + 1]!;
    neighbors.set(
      Array.from(graph.neighbors.subarray(start, end), (n) => newRow[n]!),
      offsets[i]!,
    );
    weights.set(graph.weights.subarray(start, end), offsets[i]!);
  });
  return { offsets, neighbors, weights };
}
