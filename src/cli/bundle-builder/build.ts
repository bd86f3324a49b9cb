/**
 * The whole `bundle build` pipeline, up to a complete `BundleInput`: catalog → products, events →
 * graphs and popularity, text → content vectors, optional imported vectors, their code (vector-code.ts).
 * Pure of CLI concerns (argument parsing, printing) so tests can call it directly.
 */
import type { BundleInput, ModelWeights, ProductInput, SessionModel } from '../../shared/bundle/types.ts';
import { VitrineError } from '../../shared/errors.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { emptyCsr } from './csr.ts';
import { loadEvents, type EventLog } from './events.ts';
import type { CatalogField, EventField, FieldMapping } from './fields.ts';
import { importEmbeddings, type ImportedEmbeddings } from './import-embeddings.ts';
import { buildSessionIndex } from './session-index.ts';
import { InvalidRows } from './invalid-rows.ts';
import { computePopularity } from './popularity.ts';
import type { Progress } from './progress.ts';
import { sessionGraphs } from './sessions.ts';
import { contentEmbeddings } from './text-embeddings.ts';
import { blendWithSessions } from './vectors.ts';
import type { Kernels } from '../../shared/kernels/types.ts';
import { chooseVectorCode, type VectorChoice, type VectorCodeOption } from './vector-code.ts';
import { packageVersion } from '../version.ts';
import { collectGarbage } from '../heap-growth.ts';

export interface BuildOptions {
  catalog: string;
  events: string[];
  embeddings?: string;
  /** Embedding dimensions; undefined = 64, or the imported vectors' length. */
  dim?: number;
  /** Vector code (`--quantize`): `auto` measures and picks (vector-code.ts). */
  quantize: VectorCodeOption;
  /** Recall@10 against f32 that `auto` holds (`--min-recall`, default MIN_RECALL). */
  minRecall?: number | undefined;
  onVectorCode?: ((choice: VectorChoice) => void) | undefined;
  kernels?: Kernels | undefined;
  catalogFields: FieldMapping<CatalogField>;
  eventFields: FieldMapping<EventField>;
  skipInvalid: boolean;
  topM: number;
  trendingDays: number;
  seed: number;
  currency: string;
  /** ISO 8601 build time written into the bundle (fixed for reproducible builds). */
  builtAt: string;
  maxSessions?: number | undefined;
  modelWeights?: ModelWeights | undefined;
  sessionModel?: SessionModel | undefined;
  /** Forces the separator of CSV/TSV inputs (`--delimiter`); default: sniffed per file. */
  delimiter?: string | undefined;
  /** See `AssembleOptions.consumeDescriptions` (then `BuildResult.descriptions` is empty). */
  consumeDescriptions?: boolean | undefined;
  progress: Progress;
  /** Where skipped-row, fallback and warning notes go (stderr in the CLI). */
  log: (line: string) => void;
}

/** Default number of embedding dimensions. */
export const DEFAULT_DIM = 64;

export interface BuildResult {
  input: BundleInput;
  skippedRows: number;
  /** The events read (all files as one log), for fitting the session model; undefined without events. */
  events: EventLog | undefined;
  /** Per product (bundle row), its description: not stored in the bundle, used by `vitrine eval similar`. */
  descriptions: readonly string[];
}

export function buildBundleInput(options: BuildOptions): BuildResult {
  return assembleInputs(options, readInputs(options));
}

/** The input files read: catalog, events (all files as one log), imported vectors. */
export interface ReadInputs {
  /** The catalog read, without its id → row map (only reading the events and vectors needs it). */
  catalog: Omit<Catalog, 'indexById'>;
  events: EventLog | undefined;
  imported: ImportedEmbeddings | undefined;
  invalid: InvalidRows;
}

/** Reads the catalog, the events and the imported vectors (first half of `buildBundleInput`). */
export function readInputs(options: BuildOptions): ReadInputs {
  const { progress, log } = options;
  const invalid = new InvalidRows(options.skipInvalid, log);

  const { delimiter } = options;
  // A file's share read (its row count is not known before the end); the bar shows the rows read.
  const onProgress = (bytes: number, size: number, rows: number) => progress.update(size > 0 ? bytes / size : 1, rows);
  progress.step('reading catalog', 1, 'rows');
  const catalog = loadCatalog(options.catalog, {
    mapping: options.catalogFields,
    defaultCurrency: options.currency,
    invalid,
    warn: log,
    delimiter,
    onProgress,
  });

  const logs: EventLog[] = [];
  for (const file of options.events) {
    progress.step('reading events', 1, 'rows');
    logs.push(loadEvents(file, { mapping: options.eventFields, indexById: catalog.indexById, invalid, warn: log, delimiter, onProgress }));
  }
  const log_ = mergeLogs(logs);
  if (log_ && log_.unknownProducts > 0) log(`note: ${log_.unknownProducts} events name products not in the catalog; ignored`);

  const imported = options.embeddings
    ? importEmbeddings(options.embeddings, catalog.indexById, invalid, { delimiter, warn: log })
    : undefined;
  const { indexById: _readOnly, ...kept } = catalog;
  return { catalog: kept, events: log_, imported, invalid };
}

/** Everything derived from the inputs read (second half of `buildBundleInput`). */
export function assembleInputs(options: BuildOptions, { catalog, events: log_, imported, invalid }: ReadInputs): BuildResult {
  const { products } = catalog;
  const extraCounts: Record<string, number> = { catalogRows: catalog.rows, skippedRows: invalid.count };
  const input = assembleBundleInput({
    ...options,
    products,
    descriptions: catalog.descriptions,
    events: log_,
    imported,
    extraCounts,
    note: options.log,
  });
  return { input, skippedRows: invalid.count, events: log_, descriptions: catalog.descriptions };
}

/** What `assembleBundleInput` needs once catalog and events are read (the eval builds these itself). */
export interface AssembleOptions {
  products: ProductInput[];
  descriptions: string[];
  /**
   * Empties `descriptions` once the content features are read from it, so that its memory (40 MB
   * at 200,000 products) is free for the rest of the build: for `bundle build`, which needs the
   * descriptions no more; `vitrine eval similar` keeps them.
   */
  consumeDescriptions?: boolean | undefined;
  events: EventLog | undefined;
  imported?: ImportedEmbeddings | undefined;
  /** Source file named in errors about --dim. */
  embeddings?: string | undefined;
  dim?: number | undefined;
  quantize: VectorCodeOption;
  /** Recall@10 against f32 that `auto` holds (default MIN_RECALL). */
  minRecall?: number | undefined;
  /** The engine's kernels, loaded by the caller: `auto`'s recall scans run in them (else in plain JS). */
  kernels?: Kernels | undefined;
  /** Told which code the vectors got and what was measured on the way. */
  onVectorCode?: ((choice: VectorChoice) => void) | undefined;
  topM: number;
  trendingDays: number;
  seed: number;
  builtAt: string;
  /** Most recent training sessions shipped for session-kNN (default `DEFAULT_MAX_SESSIONS`). */
  maxSessions?: number | undefined;
  /** Fitted component weights (`vitrine eval --tune`), written into the bundle. */
  modelWeights?: ModelWeights | undefined;
  /** Fitted session-kNN constants, written into the bundle. */
  sessionModel?: SessionModel | undefined;
  extraCounts?: Record<string, number>;
  progress: Progress;
  /** Where notes go (stderr in the CLI). */
  note?: (line: string) => void;
}

/**
 * Products + events → every derived part of the bundle: content vectors, session graphs,
 * popularity, blended vectors, training sessions. The CLI and `vitrine eval` both build through
 * here, so offline numbers come from the bundle visitors get.
 */
export function assembleBundleInput(options: AssembleOptions): BundleInput {
  const { products, progress, imported } = options;
  const log_ = options.events;
  const log = options.note ?? (() => {});
  const n = products.length;
  if (imported && options.dim !== undefined && options.dim !== imported.dim) {
    throw new VitrineError('INPUT_BAD_OPTION', `--dim ${options.dim} but ${options.embeddings} holds ${imported.dim}-dimensional vectors`, {
      field: '--dim',
      file: options.embeddings,
    });
  }
  const dim = imported?.dim ?? options.dim ?? DEFAULT_DIM;

  progress.step('content embeddings', n, 'products');
  const { descriptions } = options;
  // One variable for the vectors as they are blended: the content vectors are let go once blended
  // (a second whole matrix, 51 MB at 200,000 products, for the rest of the assembly).
  let vectors = contentEmbeddings(products, descriptions, {
    dim,
    seed: options.seed,
    onProgress: (d) => progress.update(d),
    onFeaturesRead: options.consumeDescriptions ? () => (descriptions.length = 0) : undefined,
  });

  // The content step's working matrices (the SVD's, a row of float64 per product each) are garbage
  // now: freed before the graphs and the blend allocate theirs (a no-op outside the CLI).
  collectGarbage();
  progress.step('session graphs', log_?.count ?? 1, log_ ? 'events' : '');
  const graphs = log_ ? sessionGraphs(log_, n, options.topM, (done) => progress.update(done)) : undefined;
  const popularity = computePopularity(products, log_, options.trendingDays);

  let embeddingSource = 'content';
  // Likewise the graphs' working arrays, before the blend's copy of the vectors.
  collectGarbage();
  if (graphs && graphs.covisitation.neighbors.length > 0) {
    // Look-alikes only: co-viewed products are substitutes; co-purchased ones are complements.
    vectors = blendWithSessions(vectors, dim, [graphs.covisitation], graphs.viewSessions);
    embeddingSource = 'content+sessions';
  }
  let missingVectors = 0;
  if (imported) {
    // Imported vectors replace computed ones; products the pipeline missed keep theirs.
    for (const [p, v] of imported.vectors) vectors.set(v, p * dim);
    missingVectors = n - imported.vectors.size;
    if (missingVectors > 0) log(`note: ${missingVectors} products have no imported vector; they use ${embeddingSource} vectors`);
    embeddingSource = missingVectors > 0 ? `imported+${embeddingSource}` : 'imported';
  }
  progress.step('vector code', 1, '');
  const choice = chooseVectorCode(vectors, n, dim, options.quantize, {
    seed: options.seed,
    minRecall: options.minRecall,
    kernels: options.kernels,
  });
  options.onVectorCode?.(choice);
  const embeddings = choice.matrix;

  const sourceCounts: Record<string, number> = {
    products: n,
    ...options.extraCounts,
    events: log_?.count ?? 0,
    sessions: log_?.sessions ?? 0,
    unknownProductEvents: log_?.unknownProducts ?? 0,
  };
  if (imported) {
    sourceCounts.importedVectors = imported.vectors.size;
    sourceCounts.missingVectors = missingVectors;
    sourceCounts.unknownVectorIds = imported.unknownIds;
  }
  progress.done();
  const input: BundleInput = {
    // Product-quantised rows are read back as int8.
    meta: {
      builder: packageVersion(),
      builtAt: options.builtAt,
      dim,
      dtype: embeddings.dtype === 'f32' ? 'f32' : 'i8',
      sourceCounts,
      embeddingSource,
    },
    products,
    popularity,
    covisitation: graphs?.covisitation ?? emptyCsr(n),
    copurchase: graphs?.copurchase ?? emptyCsr(n),
    embeddings,
  };
  const sessions = log_ ? buildSessionIndex(log_, options.maxSessions) : undefined;
  if (sessions) input.sessions = sessions;
  if (options.modelWeights) input.modelWeights = options.modelWeights;
  if (options.sessionModel) input.sessionModel = options.sessionModel;
  return input;
}

/** Several `--events` files act as one log; sessions stay apart per file. */
function mergeLogs(logs: EventLog[]): EventLog | undefined {
  if (logs.length <= 1) return logs[0];
  const count = logs.reduce((s, l) => s + l.count, 0);
  const merged: EventLog = {
    session: new Uint32Array(count),
    product: new Uint32Array(count),
    time: new Float64Array(count),
    type: new Uint8Array(count),
    count,
    sessions: 0,
    unknownProducts: 0,
  };
  let at = 0;
  for (const l of logs) {
    for (let i = 0; i < l.count; i++) merged.session[at + i] = l.session[i]! + merged.sessions;
    merged.product.set(l.product, at);
    merged.time.set(l.time, at);
    merged.type.set(l.type, at);
    at += l.count;
    merged.sessions += l.sessions;
    merged.unknownProducts += l.unknownProducts;
  }
  return merged;
}
