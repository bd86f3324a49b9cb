/**
 * A loaded bundle: the decoded bundle, its own kernels instance holding the matrix and one score
 * slot per component, the registry that says which component owns which slot, and everything built
 * once for it (masks, `indexes`). It is built completely before the engine swaps it in and never
 * changes afterwards, except its scratch mask and score slots, which only the (synchronous) request
 * running at that moment uses, and its lazily built indexes.
 */
import type { Bundle } from '../shared/bundle/types.ts';
import type { Kernels } from '../shared/kernels/types.ts';
import type { BundleStatus } from '../shared/request.ts';
import { BundleIndexes } from './bundle-indexes.ts';
import { COMPONENTS, type ComponentRegistry } from './components/index.ts';
import { buildMask, maskBytes } from './masks.ts';

export interface LoadedBundle {
  readonly bundle: Bundle;
  readonly kernels: Kernels;
  /** The score components; component i fills kernel slot i, the weighted sum goes to `components.combinedSlot`. */
  readonly components: ComponentRegistry;
  /** Session neighbours, text index, price statistics, brand counts, category names: built once, on first use. */
  readonly indexes: BundleIndexes;
  readonly url: string | null;
  readonly source: BundleStatus['source'];
  /** Decode + validate + kernels copy time, for `status()`. */
  readonly loadMs: number;
  /** A head part (its meta names the full bundle), serving until the full bundle is swapped in. */
  readonly head: boolean;
  /** Allow bitmask with every product's bit set (bits past the last row clear). */
  readonly allMask: Uint8Array;
  /** Allow bitmask of in-stock products. */
  readonly inStockMask: Uint8Array;
  /** Per-request mask, rebuilt from the two above by each request. */
  readonly scratchMask: Uint8Array;
  /** Builds every index, one per task (see `BundleIndexes.warm`), so that no request pays for it. */
  warm(wanted?: () => boolean): Promise<void>;
}

export interface LoadOptions {
  /** Where the bundle came from, for `status()`. Default null (bytes). */
  url?: string | null;
  source?: BundleStatus['source'];
  /** When decoding started (`performance.now()`), so `loadMs` covers it. Default: now. */
  startedAt?: number;
  /** The score components. Default: Vitrine's own (`components/index.ts`). */
  components?: ComponentRegistry;
}

/**
 * Copies the matrix into `kernels` (the one copy per bundle, with a score slot per component) and
 * fills the slots of components that depend on the bundle alone, since no request overwrites them.
 */
export function createLoadedBundle(
  bundle: Bundle,
  kernels: Kernels,
  { url = null, source = 'buffer', startedAt = performance.now(), components = COMPONENTS }: LoadOptions = {},
): LoadedBundle {
  const rows = bundle.products.count;
  kernels.setMatrix(bundle.embeddings, { scoreSlots: components.slots });
  components.list.forEach((component, slot) => component.fillOnLoad?.(bundle, kernels.slot(slot)));
  const indexes = new BundleIndexes(bundle);
  return {
    bundle,
    kernels,
    components,
    indexes,
    url,
    source,
    allMask: buildMask(rows),
    inStockMask: buildMask(rows, bundle.products.inStock),
    scratchMask: new Uint8Array(maskBytes(rows)),
    loadMs: performance.now() - startedAt,
    head: !!bundle.meta.head,
    warm: (wanted) => indexes.warm(wanted),
  };
}

export function statusOf(loaded: LoadedBundle): BundleStatus {
  const { bundle } = loaded;
  return {
    url: loaded.url,
    contentHash: bundle.contentHash,
    formatVersion: bundle.formatVersion,
    products: bundle.products.count,
    dim: bundle.embeddings.dim,
    dtype: bundle.embeddings.dtype,
    source: loaded.source,
    loadMs: Math.round(loaded.loadMs * 10) / 10,
    part: loaded.head ? 'head' : 'full',
    bytes: bundle.byteLength,
  };
}
