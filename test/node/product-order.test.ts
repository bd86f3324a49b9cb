/**
 * Products stored by category, then popularity (issue 16): every section names the same products by
 * id after the renumbering, the head part and the engine give the same answers by id, and the
 * graphs take fewer bytes.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { syntheticBundleInput } from '../../bench/cases/synthetic-bundle.ts';
import { decodeBundle, encodeBundle, type BundleInput, type CsrGraph } from '../../src/shared/bundle/index.ts';
import { buildCategoryTree } from '../../src/shared/bundle/catalog-index.ts';
import { productOrder, renumberProducts } from '../../src/cli/bundle-builder/product-order.ts';
import { normalizeRequest } from '../../src/shared/request.ts';
import { createLoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { recommend } from '../../src/worker/ranking.ts';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { section } from './bundle-helpers.ts';

const input = syntheticBundleInput(1500, 16, 3, { neighbours: [10, 20], sessions: 400 });
const order = productOrder(input);
const stored = renumberProducts(input, order);

const idOf = (bundle: BundleInput) => (row: number) => bundle.products[row]!.id;
/** Each row's links as `id -> [neighbour id, weight]`, in the row's order. */
function linksById(bundle: BundleInput, graph: CsrGraph): Map<string, [string, number][]> {
  const id = idOf(bundle);
  const links = new Map<string, [string, number][]>();
  for (let row = 0; row < bundle.products.length; row++) {
    const row_: [string, number][] = [];
    for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) row_.push([id(graph.neighbors[e]!), graph.weights[e]!]);
    links.set(id(row), row_);
  }
  return links;
}
const sortedLinks = (links: Map<string, [string, number][]>) =>
  new Map([...links].map(([id, row]) => [id, [...row].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))]));

describe('products stored by category, then popularity', () => {
  it('should put each leaf category together, most popular first, as a permutation of the catalog', () => {
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from(input.products, (_, row) => row));
    const tree = buildCategoryTree(stored.products);
    const path = (row: number) => tree.nodes[tree.leafOf[row]!]!.path.join('/');
    const seen = new Set<string>();
    for (let row = 1; row < stored.products.length; row++) {
      if (path(row) === path(row - 1)) expect(stored.popularity.global[row]!).toBeLessThanOrEqual(stored.popularity.global[row - 1]!);
      else {
        expect(seen.has(path(row)), `leaf ${path(row)} appears twice`).toBe(false);
        seen.add(path(row - 1));
      }
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('should renumber every section alike: graphs, popularity, rankings, vectors and sessions name the same products', () => {
    for (const graph of ['covisitation', 'copurchase'] as const) {
      const before = linksById(input, input[graph]);
      const after = linksById(stored, stored[graph]);
      expect(sortedLinks(after)).toEqual(sortedLinks(before));
      // Rows stay sorted by descending weight.
      for (const row of after.values()) for (let k = 1; k < row.length; k++) expect(row[k]![1]).toBeLessThanOrEqual(row[k - 1]![1]);
    }
    const globalById = (bundle: BundleInput) =>
      new Map(bundle.products.map((p, row) => [p.id, [bundle.popularity.global[row], bundle.popularity.trending[row]]]));
    expect(globalById(stored)).toEqual(globalById(input));
    const rankings = (bundle: BundleInput) => {
      const { nodes } = buildCategoryTree(bundle.products);
      const { offsets, neighbors, weights } = bundle.popularity.perCategory;
      return new Map(
        nodes.map((node, c) => [
          node.path.join('/'),
          Array.from(neighbors.subarray(offsets[c]!, offsets[c + 1]!), (row, k) => [idOf(bundle)(row), weights[offsets[c]! + k]]),
        ]),
      );
    };
    expect(rankings(stored)).toEqual(rankings(input));
    const vectors = (bundle: BundleInput) => {
      const matrix = bundle.embeddings;
      // A product-quantised row is its codes (the codebook is shared); a plain row its values.
      const [values, width] = matrix.dtype === 'pq' ? [matrix.codes, matrix.subspaces] : [matrix.data, matrix.dim];
      return new Map(bundle.products.map((p, row) => [p.id, Array.from(values.subarray(row * width, (row + 1) * width))]));
    };
    expect(vectors(stored)).toEqual(vectors(input));
    const sessions = (bundle: BundleInput) => Array.from(bundle.sessions!.items, idOf(bundle));
    expect(sessions(stored)).toEqual(sessions(input));
    expect(Array.from(stored.sessions!.offsets)).toEqual(Array.from(input.sessions!.offsets));
    expect(Array.from(stored.sessions!.age)).toEqual(Array.from(input.sessions!.age));
  });

  it('should carry product-quantised rows with their products and keep the shared codebook', () => {
    const subspaces = 4;
    const n = input.products.length;
    // Each row's codes name its catalog row, so a code read back says which product it came from.
    const codes = Uint8Array.from({ length: n * subspaces }, (_, i) => (Math.floor(i / subspaces) * 7 + (i % subspaces)) % 256);
    const codebook = Float32Array.from({ length: 256 * 16 }, (_, i) => i);
    const pq = { ...input, embeddings: { dtype: 'pq' as const, rows: n, dim: 16, subspaces, codebook, codes } };
    const renumbered = renumberProducts(pq, order);
    if (renumbered.embeddings.dtype !== 'pq') throw new Error('the pq matrix lost its code');
    const { codes: moved, codebook: kept } = renumbered.embeddings;
    expect(kept).toBe(codebook);
    order.forEach((oldRow, row) =>
      expect(moved.subarray(row * subspaces, (row + 1) * subspaces)).toEqual(codes.subarray(oldRow * subspaces, (oldRow + 1) * subspaces)),
    );
    expect(order.some((oldRow, row) => oldRow !== row)).toBe(true);
  });

  it('should answer by id as the catalog-order bundle does (profiles and events name products by id, never by row)', async () => {
    const kernels = await loadNodeKernels();
    const load = (bundle: BundleInput) => createLoadedBundle(decodeBundle(encodeBundle(bundle)), kernels);
    const plain = load(input);
    const renumbered = createLoadedBundle(decodeBundle(encodeBundle(stored)), await loadNodeKernels());
    const now = Date.parse(input.meta.builtAt);
    const viewed = ['p10', 'p11', 'p500'];
    const events = viewed.map((product, i) => ({ type: 'view' as const, product, time: now - (3 - i) * 60_000 }));
    for (const placement of ['similar', 'for_you', 'also_bought'] as const) {
      const request = normalizeRequest({ placement, product: 'p10', limit: 12 });
      const scored = (loaded: typeof plain) =>
        recommend(loaded, request, { events, affinities: null, now }, { explain: false }).items.map(
          (item) => [item.productId, item.score] as const,
        );
      const a = scored(plain);
      const b = scored(renumbered);
      // Equal scores may come in either order (ties go to the lower row): compare by score, then id.
      const byScore = (list: (readonly [string, number])[]) => [...list].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      expect(
        b.map(([, score]) => score),
        placement,
      ).toEqual(a.map(([, score]) => score));
      const lastScore = a[a.length - 1]![1];
      const above = (list: (readonly [string, number])[]) => byScore(list).filter(([, score]) => score > lastScore);
      expect(above(a).length, placement).toBeGreaterThan(0);
      expect(above(b), placement).toEqual(above(a));
    }
  });

  it('should make the packed graphs and sessions smaller on the wire', () => {
    const gzip = (bundle: BundleInput, name: 'covisitation' | 'copurchase' | 'packedSessions') => {
      const bytes = encodeBundle(bundle);
      const { offset, length } = section(bytes, name);
      return gzipSync(bytes.subarray(offset, offset + length)).length;
    };
    for (const name of ['covisitation', 'copurchase', 'packedSessions'] as const)
      expect(gzip(stored, name), name).toBeLessThan(gzip(input, name));
  });
});
