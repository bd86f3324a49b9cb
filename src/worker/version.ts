/**
 * One loaded bundle version: the decoded bundle, its own kernels instance holding the matrix, and
 * what every query reuses (masks, scaled popularity, scratch buffers). A version is built
 * completely before the engine swaps it in and is never mutated afterwards, except its scratch
 * buffers, which only the (synchronous) query running at that moment uses.
 */
import type { Bundle, CsrGraph } from '../shared/bundle/types.ts';
import type { Kernels } from '../shared/kernels/types.ts';
import type { BundleStatus } from '../shared/request.ts';
import { SCORE_SLOTS, slotOf } from './components.ts';

export interface Version {
  readonly bundle: Bundle;
  readonly kernels: Kernels;
  readonly url: string | null;
  readonly source: BundleStatus['source'];
  /** Decode + validate + kernels copy time, for `status()`. */
  readonly loadMs: number;
  /** Allow bitmask with every product's bit set (bits past `rows` clear). */
  readonly allMask: Uint8Array;
  /** Allow bitmask of in-stock products. */
  readonly inStockMask: Uint8Array;
  /** Per-request mask, rebuilt from the two above by each query. */
  readonly scratchMask: Uint8Array;
  /** Per-request query vector (length dim). */
  readonly query: Float32Array;
  /** Lower-cased category name and `' > '`-joined path → category indices. */
  readonly categoryLookup: ReadonlyMap<string, number[]>;
}

/** Bitmask length for `rows` rows, as the kernels' `topK` expects (bit r of byte r >> 3, LSB first). */
export function maskBytes(rows: number): number {
  return Math.ceil(rows / 8);
}

export function clearBit(mask: Uint8Array, row: number): void {
  mask[row >> 3]! &= ~(1 << (row & 7));
}

/** Bitmask with bit r set where `flags[r] === 1`, or for every row when `flags` is omitted. */
function buildMask(rows: number, flags?: Uint8Array): Uint8Array {
  const mask = new Uint8Array(maskBytes(rows));
  if (!flags) {
    mask.fill(0xff);
    // Bits past the last row stay clear, so a mask never allows a row that does not exist.
    if (rows % 8 !== 0) mask[mask.length - 1] = (1 << (rows % 8)) - 1;
    return mask;
  }
  for (let row = 0; row < rows; row++) if (flags[row] === 1) mask[row >> 3]! |= 1 << (row & 7);
  return mask;
}

/** Copies `values / max(values)` into `into`, so popularity lives in [0, 1] like the other components. */
function writeScaled(values: Float32Array, into: Float32Array): void {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const scale = max > 0 ? 1 / max : 0;
  for (let i = 0; i < values.length; i++) into[i] = values[i]! * scale;
}

function buildCategoryLookup(bundle: Bundle): Map<string, number[]> {
  const lookup = new Map<string, number[]>();
  const add = (key: string, index: number): void => {
    const list = lookup.get(key);
    if (list) list.push(index);
    else lookup.set(key, [index]);
  };
  bundle.categories.forEach((node, index) => {
    add(node.name.trim().toLowerCase(), index);
    if (node.path.length > 1) add(node.path.join(' > ').toLowerCase(), index);
  });
  return lookup;
}

/**
 * Builds a version: copies the matrix into `kernels` (the one copy per bundle) and writes the
 * popularity slots once, since no query ever overwrites them.
 */
export function prepareVersion(
  bundle: Bundle,
  kernels: Kernels,
  url: string | null,
  source: BundleStatus['source'],
  startedAt: number,
): Version {
  const rows = bundle.products.count;
  kernels.setMatrix(bundle.embeddings, { scoreSlots: SCORE_SLOTS });
  writeScaled(bundle.popularity.global, kernels.slot(slotOf('popularity')));
  writeScaled(bundle.popularity.trending, kernels.slot(slotOf('trending')));
  const version = {
    bundle,
    kernels,
    url,
    source,
    loadMs: 0,
    allMask: buildMask(rows),
    inStockMask: buildMask(rows, bundle.products.inStock),
    scratchMask: new Uint8Array(maskBytes(rows)),
    query: new Float32Array(bundle.embeddings.dim),
    categoryLookup: buildCategoryLookup(bundle),
  };
  version.loadMs = performance.now() - startedAt;
  return version;
}

/** Largest absolute weight in row `row` of a graph (rows are short: top-M neighbours). */
export function rowMaxAbs(graph: CsrGraph, row: number): number {
  let max = 0;
  for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) max = Math.max(max, Math.abs(graph.weights[e]!));
  return max;
}

export function statusOf(version: Version): BundleStatus {
  const { bundle } = version;
  return {
    url: version.url,
    contentHash: bundle.contentHash,
    formatVersion: bundle.formatVersion,
    products: bundle.products.count,
    dim: bundle.embeddings.dim,
    dtype: bundle.embeddings.dtype,
    source: version.source,
    loadMs: Math.round(version.loadMs * 10) / 10,
  };
}
