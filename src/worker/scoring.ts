/**
 * The placements as kernel work. Each query fills the component slots it needs (similarity via
 * `scoreQuery`, graph neighbours written by hand), lets `combine` sum them with the placement's
 * weights in one pass, and takes `topK` under an allow mask. Everything here is synchronous and
 * reads one `Version`, so a query can never see two bundle versions.
 */
import type { CsrGraph } from '../shared/bundle/types.ts';
import { VitrineError } from '../shared/errors.ts';
import type {
  NormalizedOptions,
  NormalizedRequest,
  Placement,
  RecommendResult,
  RerankResult,
  ResultItem,
} from '../shared/request.ts';
import { COMBINED_SLOT, COMPONENTS, slotOf, slotWeights, weightRecord } from './components.ts';
import { clearBit, rowMaxAbs, type Version } from './version.ts';

/** Weight of the i-th most recent item is `RECENCY_DECAY ** i` (then normalised to sum 1). */
export const RECENCY_DECAY = 0.7;

/** A product the query starts from, with how much it counts. */
interface Seed {
  row: number;
  weight: number;
}

function rowOf(version: Version, productId: string, field: string): number {
  const row = version.bundle.products.indexOf(productId);
  if (row < 0) throw new VitrineError('UNKNOWN_PRODUCT', `no product "${productId}" in this bundle`, { productId, field });
  return row;
}

/** Seeds from recently viewed ids (most recent first); ids the bundle lacks are skipped, not errors. */
function recencySeeds(version: Version, recent: string[]): Seed[] {
  const seeds: Seed[] = [];
  const seen = new Set<number>();
  let weight = 1;
  for (const id of recent) {
    const row = version.bundle.products.indexOf(id);
    if (row >= 0 && !seen.has(row)) {
      seen.add(row);
      seeds.push({ row, weight });
    }
    weight *= RECENCY_DECAY;
  }
  const total = seeds.reduce((sum, seed) => sum + seed.weight, 0);
  for (const seed of seeds) seed.weight /= total;
  return seeds;
}

/** Adds `weight * row` (dequantised) to `into`. */
function addRow(version: Version, row: number, weight: number, into: Float32Array): void {
  const matrix = version.bundle.embeddings;
  const { dim } = matrix;
  const scale = matrix.dtype === 'i8' ? matrix.scales[row]! * weight : weight;
  for (let j = 0; j < dim; j++) into[j]! += matrix.data[row * dim + j]! * scale;
}

/**
 * Slot `similarity` = cosine of every product with the seeds' weighted mean vector. Rows are unit
 * length (the bundle writer normalises them), so normalising the query makes the dot a cosine.
 */
function fillSimilarity(version: Version, seeds: Seed[]): void {
  const { kernels, query } = version;
  const slot = slotOf('similarity');
  query.fill(0);
  for (const seed of seeds) addRow(version, seed.row, seed.weight, query);
  let norm = 0;
  for (let j = 0; j < query.length; j++) norm += query[j]! * query[j]!;
  if (norm === 0) {
    kernels.slot(slot).fill(0);
    return;
  }
  const inverse = 1 / Math.sqrt(norm);
  for (let j = 0; j < query.length; j++) query[j]! *= inverse;
  kernels.scoreQuery(query, slot);
}

/**
 * Slot of a graph component = seed-weighted sum of each seed's neighbour weights, every seed's row
 * scaled by its strongest neighbour so the component lies in [-1, 1] whatever the normalisation
 * (cosine, PMI) the builder used.
 */
function fillGraph(version: Version, graph: CsrGraph, component: 'covisitation' | 'copurchase', seeds: Seed[]): void {
  const slot = version.kernels.slot(slotOf(component));
  slot.fill(0);
  for (const seed of seeds) {
    const max = rowMaxAbs(graph, seed.row);
    if (max === 0) continue;
    const scale = seed.weight / max;
    for (let e = graph.offsets[seed.row]!; e < graph.offsets[seed.row + 1]!; e++) {
      slot[graph.neighbors[e]!]! += graph.weights[e]! * scale;
    }
  }
}

function fillSeedComponents(version: Version, seeds: Seed[]): void {
  fillSimilarity(version, seeds);
  fillGraph(version, version.bundle.covisitation, 'covisitation', seeds);
  fillGraph(version, version.bundle.copurchase, 'copurchase', seeds);
}

/** Category indices matching `category` and all their descendants, as a per-category flag. */
function categoryFilter(version: Version, category: string): Uint8Array {
  const { categories } = version.bundle;
  const targets = new Set(version.categoryLookup.get(category.toLowerCase()) ?? []);
  const match = new Uint8Array(categories.length);
  for (let c = 0; c < categories.length; c++) {
    // Walk up to the root; category trees are shallow. The bound guards a cyclic (corrupt) tree.
    for (let at = c, steps = 0; at >= 0 && steps <= categories.length; at = categories[at]!.parent, steps++) {
      if (targets.has(at)) {
        match[c] = 1;
        break;
      }
    }
  }
  return match;
}

/** The allow mask for one request: stock, category, excluded ids and the seeds themselves. */
function allowMask(version: Version, options: NormalizedOptions, excludedRows: Iterable<number>): Uint8Array {
  const mask = version.scratchMask;
  mask.set(options.inStockOnly ? version.inStockMask : version.allMask);
  if (options.category !== null) {
    const match = categoryFilter(version, options.category);
    const leaf = version.bundle.products.categoryIndex;
    for (let row = 0; row < leaf.length; row++) {
      const c = leaf[row]!;
      if (c < 0 || match[c] !== 1) clearBit(mask, row);
    }
  }
  for (const id of options.exclude) {
    const row = version.bundle.products.indexOf(id);
    if (row >= 0) clearBit(mask, row);
  }
  for (const row of excludedRows) clearBit(mask, row);
  return mask;
}

/** One result item; components are read back from the slots (`weights[c] * slot_c[row]`). */
function itemAt(version: Version, row: number, weights: readonly number[]): ResultItem {
  const { products, contentHash } = version.bundle;
  const components: Record<string, number> = {};
  let score = 0;
  COMPONENTS.forEach((component, slot) => {
    const weight = weights[slot] ?? 0;
    if (weight === 0) return;
    // Slot views are re-taken per read: a kernel call may have grown memory since the last one.
    const contribution = weight * version.kernels.slot(slot)[row]!;
    components[component] = contribution;
    score += contribution;
  });
  const price = products.price[row]!;
  const salePrice = products.salePrice[row]!;
  return {
    productId: products.id(row),
    title: products.title(row),
    url: products.url(row),
    image: products.image(row),
    brand: products.brand(row),
    price: Number.isNaN(price) ? null : price,
    salePrice: Number.isNaN(salePrice) ? null : salePrice,
    currency: products.currency(row),
    score,
    components,
    bundleVersion: contentHash,
  };
}

function ranked(version: Version, placement: Placement, limit: number, mask: Uint8Array): RecommendResult {
  const weights = slotWeights(placement, version.bundle.modelWeights);
  version.kernels.combine(weights, COMBINED_SLOT);
  const top = version.kernels.topK(COMBINED_SLOT, limit, mask);
  // Copy the indices first: the views die with the next kernel call.
  const rows = Array.from(top.indices);
  return {
    placement,
    items: rows.map((row) => itemAt(version, row, weights)),
    bundleVersion: version.bundle.contentHash,
    weights: weightRecord(weights),
  };
}

/** Products like `productId`: embedding cosine plus its co-visitation and co-purchase neighbours. */
export function similar(version: Version, productId: string, options: NormalizedOptions): RecommendResult {
  const row = rowOf(version, productId, 'product');
  const seeds = [{ row, weight: 1 }];
  fillSeedComponents(version, seeds);
  return ranked(version, 'similar', options.limit, allowMask(version, options, [row]));
}

export function recommend(version: Version, request: NormalizedRequest): RecommendResult {
  switch (request.placement) {
    case 'similar':
      return similar(version, request.product!, request);
    case 'trending':
      return ranked(version, 'trending', request.limit, allowMask(version, request, []));
    case 'for_you': {
      // The product on the page, if any, counts as the most recent view.
      const recent = request.product === null ? request.recent : [request.product, ...request.recent];
      const seeds = recencySeeds(version, recent);
      fillSeedComponents(version, seeds);
      return ranked(version, 'for_you', request.limit, allowMask(version, request, seeds.map((seed) => seed.row)));
    }
  }
}

/**
 * Orders `ids` for this visitor with the `for_you` mix; unknown ids keep their order at the end and
 * a repeated id counts once.
 */
export function rerank(version: Version, ids: string[], recent: string[]): RerankResult {
  const seeds = recencySeeds(version, recent);
  fillSeedComponents(version, seeds);
  const weights = slotWeights('rerank', version.bundle.modelWeights);
  version.kernels.combine(weights, COMBINED_SLOT);
  const known: Array<{ row: number; position: number }> = [];
  const unknown: string[] = [];
  const seen = new Set<number>();
  ids.forEach((id, position) => {
    const row = version.bundle.products.indexOf(id);
    if (row < 0) unknown.push(id);
    else if (!seen.has(row)) {
      seen.add(row);
      known.push({ row, position });
    }
  });
  const combined = version.kernels.slot(COMBINED_SLOT);
  // Stable: equal scores keep the shop's order.
  known.sort((a, b) => combined[b.row]! - combined[a.row]! || a.position - b.position);
  const items = known.map(({ row }) => itemAt(version, row, weights));
  return {
    items,
    order: [...items.map((item) => item.productId), ...unknown],
    unknown,
    bundleVersion: version.bundle.contentHash,
  };
}
