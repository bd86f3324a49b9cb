/**
 * The product bundle as data: what the CLI writes (`BundleInput`) and what the reader hands the
 * engine (`Bundle`). The byte layout is in `docs/bundle-format.md`; these types are the contract
 * between the writer, the reader, the engine and the CLI.
 */

/** One product, as the bundle writer takes it (already parsed and validated by the CLI). */
export interface ProductInput {
  id: string;
  title: string;
  url: string;
  image: string;
  /** Category path from the root, e.g. `['Clothing', 'Women', 'Dresses']`; may be empty. */
  category: string[];
  brand: string;
  /** Regular (list / compare-at) price, in `currency` units; null when the catalog gives none. */
  price: number | null;
  /** Current sale price when reduced, else null. */
  salePrice: number | null;
  /** ISO 4217 code, e.g. `'EUR'`. */
  currency: string;
  inStock: boolean;
  /** Average rating when the catalog has one, else null. */
  rating: number | null;
  /** Per-variant availability: each size/colour combination the catalog lists. */
  variants: VariantInput[];
  /** Free attributes (material, fit, ...), string values. */
  attributes: Record<string, string>;
}

export interface VariantInput {
  size: string;
  color: string;
  inStock: boolean;
}

/** A sparse graph in CSR form: row i's neighbours are `neighbors[offsets[i] .. offsets[i+1])`. */
export interface CsrGraph {
  /** Length n + 1, non-decreasing, `offsets[0] = 0`, `offsets[n] = neighbors.length`. */
  offsets: Uint32Array;
  /** Product indices (0 .. n-1), each row sorted by descending weight. */
  neighbors: Uint32Array;
  /** Finite weights, same length as `neighbors`. */
  weights: Float32Array;
}

export type EmbeddingMatrix =
  | { dtype: 'f32'; rows: number; dim: number; data: Float32Array }
  /** int8 rows with a per-row scale: value = data[i * dim + j] * scales[i]. */
  | { dtype: 'i8'; rows: number; dim: number; data: Int8Array; scales: Float32Array };

/**
 * Product-quantised rows, as the writer takes them (docs/bundle-format.md, "embeddings"): the
 * dimensions split into `subspaces` equal runs; row i's run m is centroid `codes[i * subspaces + m]`
 * of run m's 256 centroids. The reader decodes them into an int8 `EmbeddingMatrix`, so the engine
 * never sees this form.
 */
export interface PqMatrix {
  dtype: 'pq';
  rows: number;
  dim: number;
  subspaces: number;
  /** 256 centroids per subspace, subspace by subspace: centroid c of run m at `(m * 256 + c) * (dim / subspaces)`. */
  codebook: Float32Array;
  /** One centroid number per row and subspace. */
  codes: Uint8Array;
}

export interface Popularity {
  /** Per product, all-time popularity score (>= 0). */
  global: Float32Array;
  /** Per product, popularity in the trending window (>= 0). */
  trending: Float32Array;
  /** Length of the trending window in days (the last N days of the events log). */
  trendingWindowDays: number;
  /**
   * Per category (index into `Bundle.categories`): product indices ranked best first,
   * as a CSR graph whose weights are the scores.
   */
  perCategory: CsrGraph;
}

/** Weights of the session model's score components, fitted offline by `vitrine eval --tune`. */
export interface ModelWeights {
  [component: string]: number;
}

/**
 * The session-kNN constants (V-STAN, `src/worker/vstan.ts`): fitted per shop at build time, or the
 * published defaults (`DEFAULT_SESSION_MODEL`). Position weights are decay lengths in events.
 */
export interface SessionModel {
  /** Shape of this object; 1 today. */
  version: 1;
  /** Neighbour sessions whose items are scored. */
  neighbours: number;
  /** Most recent candidate sessions (sharing an item with the visitor's) considered. */
  sample: number;
  /**
   * How a neighbour's age lowers its similarity, exp(-age / recencyScale): `seconds` = age in
   * seconds before the log's last event; `sessions` = how many training sessions ended after it;
   * `none` = no decay. Either is counted from the log's end: a live visitor's later "now" shifts
   * every neighbour's age alike, which changes no ranking.
   */
  recencyUnit: 'seconds' | 'sessions' | 'none';
  /** Decay length, in `recencyUnit`s (> 0). */
  recencyScale: number;
  /** λ_spw: the visitor's earlier items weigh exp(-(events since) / spw). */
  spw: number;
  /** λ_inh: a neighbour's items weigh exp(-(distance to where it matched) / inh). */
  inh: number;
  /** λ_ipw: a neighbour weighs exp(-(events since its latest shared item) / ipw). */
  ipw: number;
  /** λ_idf: rare items are boosted by 1 + idf · log(sessions / occurrences) (0 = off). */
  idf: number;
  /** How the constants came about (fitted on what, or why the defaults were kept); for the reader. */
  note?: string;
}

/**
 * Training sessions for the session-kNN component: each session's product rows in event order,
 * and when it ended. Optional: a bundle built without an events log has none.
 */
export interface SessionIndex {
  /** Length sessionCount + 1; session s holds `items[offsets[s] .. offsets[s+1])`. */
  offsets: Uint32Array;
  /** Product rows, in event order within each session (repeats kept: positions matter). */
  items: Uint32Array;
  /** Per session, seconds between its last event and `referenceTime` (>= 0). */
  age: Float32Array;
  /** Unix seconds of the log's last event: a session ended at `referenceTime - age[s]`. */
  referenceTime: number;
}

/** Prior Beta(alpha, beta) per placement and arm for the bandits. */
export interface BanditPriors {
  [placement: string]: { [arm: string]: { alpha: number; beta: number } };
}

export interface BuildMeta {
  /** Semver of the vitrine CLI that wrote the bundle. */
  builder: string;
  /** ISO 8601 build time. */
  builtAt: string;
  dim: number;
  dtype: 'f32' | 'i8';
  /** What the build read, e.g. `{ products: 1050, events: 0, sessions: 0, skippedRows: 2 }`. */
  sourceCounts: Record<string, number>;
  /** Where item vectors came from: `'content'`, `'content+sessions'` or `'imported'`. */
  embeddingSource: string;
  /** Only in a head part (`shop.head.vtb`): the full bundle it was cut from. */
  head?: HeadOf;
}

/** What a head part says about its full bundle, so the engine can tell they match and what the rest costs. */
export interface HeadOf {
  /** The full bundle's content hash (`Bundle.contentHash`). */
  contentHash: string;
  /** The full bundle's size in bytes (before any HTTP compression). */
  bytes: number;
  /** Products in the full bundle. */
  products: number;
}

/** Everything the writer needs to produce one bundle file. */
export interface BundleInput {
  meta: BuildMeta;
  products: ProductInput[];
  popularity: Popularity;
  covisitation: CsrGraph;
  copurchase: CsrGraph;
  /** A `pq` matrix is written product-quantised; meta.dtype is then `'i8'`, the form the reader decodes it into. */
  embeddings: EmbeddingMatrix | PqMatrix;
  banditPriors?: BanditPriors;
  modelWeights?: ModelWeights;
  sessionModel?: SessionModel;
  sessions?: SessionIndex;
}

/** One category node of the bundle's category tree. */
export interface CategoryNode {
  /** Display name of this level, e.g. `'Dresses'`. */
  name: string;
  /** Index of the parent category, or -1 for a root. */
  parent: number;
  /** Names from the root down to this node. */
  path: string[];
}

/**
 * Read-only product columns. Numbers live in typed arrays (fast to scan and to mask); strings are
 * decoded on demand from the validated string table, so loading 100k products stays cheap.
 */
export interface ProductTable {
  readonly count: number;
  /** Index of the product with this id, or -1. */
  indexOf(id: string): number;
  id(i: number): string;
  title(i: number): string;
  url(i: number): string;
  image(i: number): string;
  brand(i: number): string;
  currency(i: number): string;
  variants(i: number): VariantInput[];
  attributes(i: number): Record<string, string>;
  /** Leaf category index (into `Bundle.categories`), or -1 when the product has none. */
  readonly categoryIndex: Int32Array;
  /** Brand index (into `Bundle.brands`), or -1 when the product has none. */
  readonly brandIndex: Int32Array;
  /** NaN when the catalog gives no price (shown without one, never matched by price rules). */
  readonly price: Float32Array;
  /** NaN when the product is not reduced. */
  readonly salePrice: Float32Array;
  /** NaN when unrated. */
  readonly rating: Float32Array;
  /** 1 when in stock, else 0. */
  readonly inStock: Uint8Array;
}

/** A validated bundle, ready for the engine. */
export interface Bundle {
  /** Format version of the file, e.g. `1`. */
  formatVersion: number;
  /** CRC-32 of the file (hex): identifies this exact content (cache key, result tagging). */
  contentHash: string;
  byteLength: number;
  meta: BuildMeta;
  products: ProductTable;
  categories: CategoryNode[];
  brands: string[];
  popularity: Popularity;
  covisitation: CsrGraph;
  copurchase: CsrGraph;
  embeddings: EmbeddingMatrix;
  /** The `banditPriors` section as parsed JSON, unchecked: the bandits check it when a page uses them (a malformed one is reported there, `PRIORS_INVALID`). */
  banditPriors: unknown;
  modelWeights: ModelWeights | null;
  /** Fitted session-kNN constants, or null (then `DEFAULT_SESSION_MODEL` applies). */
  sessionModel: SessionModel | null;
  /** Training sessions (optional section), or null. */
  sessions: SessionIndex | null;
}
