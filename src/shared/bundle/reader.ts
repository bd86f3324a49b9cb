/**
 * `decodeBundle`: bundle bytes -> validated Bundle. Order of checks (documented in
 * docs/bundle-format.md): header and section table (table.ts), then the whole-file CRC-32, then
 * each section's contents in dependency order: strings, meta, categories, brands, products,
 * popularity, covisitation, copurchase, embeddings, optional JSON sections. Nothing is handed out
 * before every check passed. Numeric arrays are zero-copy views into the file's buffer.
 */
import { VitrineError } from '../errors.ts';
import { checkBelow, checkFinite, checkFlags, checkIndexOrNone, checkNonNegative, checkOffsets } from './checks.ts';
import { crc32Update } from './crc32.ts';
import { ALIGN, DTYPE_CODE, HEADER, MAX_CATEGORY_DEPTH, MAX_VECTOR_NORM, type SectionName } from './format.ts';
import { validateMeta, validateModelWeights, validateSessionModel } from './json-sections.ts';
import { brandsBlocks, categoriesBlocks, embeddingsBlocks, packedGraphBlocks, packedSessionsBlocks } from './layout.ts';
import { ColumnReader } from './columns.ts';
import { GRAPH_ENCODING, unpackGraph } from './graph-codec.ts';
import { unpackSessions } from './sessions-codec.ts';
import { IdIndex } from './id-index.ts';
import { BundleProductTable, type ProductColumns } from './product-table.ts';
import { openBlocks, readJson, readSectionHeader } from './sections.ts';
import { StringTable } from './string-table.ts';
import { readHeader, readTable, type SectionEntry } from './table.ts';
import type { Bundle, CategoryNode, CsrGraph, EmbeddingMatrix, SessionIndex } from './types.ts';

/** Internal knobs (inspectBundle decodes past a checksum mismatch to report content problems too). */
export interface DecodeOptions {
  verifyChecksum?: boolean;
}

/** Columns as read from a section, and what to subtract from a column's byteOffset for file offsets. */
export interface Read<T> {
  columns: T;
  base: number;
}

export interface PopularityColumns {
  global: Float32Array;
  trending: Float32Array;
  offsets: Uint32Array;
  neighbors: Uint32Array;
  weights: Float32Array;
  windowDays: number;
}

/** Openers of the layouts before version 4 and of kind 12, registered by ./legacy-reader.ts. */
export interface LegacyReader {
  strings(bytes: Uint8Array, entry: SectionEntry): StringTable;
  products(bytes: Uint8Array, entry: SectionEntry): Read<ProductColumns>;
  popularity(bytes: Uint8Array, entry: SectionEntry): Read<PopularityColumns>;
  sessions(bytes: Uint8Array, entry: SectionEntry, n: number, base: number): SessionIndex;
  /** f32 graphs (every version-1 graph; later ones only when asked for or when packing failed). */
  graph(bytes: Uint8Array, entry: SectionEntry, n: number, base: number, version: number): CsrGraph;
  /** Product-quantised embeddings, checked and decoded to [int8 rows, scales]. */
  pq(bytes: Uint8Array, entry: SectionEntry, rows: number, dim: number, subspaces: number, base: number): [Int8Array, Float32Array];
}

let legacyReader: LegacyReader | undefined;

/** Called by ./legacy-reader.ts when it loads (statically in Node, on demand in the worker). */
export function useLegacyReader(reader: LegacyReader): void {
  legacyReader = reader;
}

function legacy(entry: SectionEntry): LegacyReader {
  if (legacyReader) return legacyReader;
  // details.legacy: the worker loads the legacy reader and decodes again (engine.ts).
  throw new VitrineError('BUNDLE_UNSUPPORTED_VERSION', `section ${entry.name} needs the legacy reader, which is not loaded`, {
    section: entry.name,
    offset: entry.offset,
    legacy: 1,
  });
}

/** The column stream of a version-4 section (./columns.ts): every byte after its header. */
function columnStream(bytes: Uint8Array, entry: SectionEntry): ColumnReader {
  const at = entry.offset + 16;
  return new ColumnReader(bytes.subarray(at, entry.offset + entry.length), entry.name, at);
}

/** The file's bytes as a Uint8Array whose byteOffset is 16-aligned (copied only when it is not). */
export function asAlignedBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteOffset % ALIGN === 0) return bytes;
  // Typed-array views need element alignment; one copy is cheaper than per-array copies.
  return bytes.slice();
}

/** CRC-32 of the file with the 4 checksum bytes taken as zero. */
export function fileChecksum(bytes: Uint8Array): number {
  let state = crc32Update(0xffffffff, bytes.subarray(0, HEADER.checksum));
  state = crc32Update(state, new Uint8Array(4));
  state = crc32Update(state, bytes.subarray(HEADER.checksum + 4));
  return ~state >>> 0;
}

/**
 * Validates and opens a bundle. Throws a VitrineError (code `BUNDLE_*`, `details.section`,
 * `details.offset`) on the first problem found. The returned arrays view `bytes`' buffer: do not
 * modify the buffer while the bundle is in use.
 */
export function decodeBundle(input: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): Bundle {
  const bytes = asAlignedBytes(input);
  const header = readHeader(bytes);
  const entries = readTable(bytes, header);
  const checksum = fileChecksum(bytes);
  if (options.verifyChecksum !== false && checksum !== header.storedChecksum) {
    throw new VitrineError('BUNDLE_CHECKSUM_MISMATCH', `stored CRC-32 ${hex(header.storedChecksum)}, computed ${hex(checksum)}`, {
      section: 'header',
      offset: HEADER.checksum,
      stored: hex(header.storedChecksum),
      computed: hex(checksum),
    });
  }
  const byName = new Map<string, SectionEntry>(entries.map((e) => [e.name, e]));
  // readTable guarantees every required section is present.
  const get = (name: SectionName): SectionEntry => byName.get(name)!;
  const base = bytes.byteOffset;

  // Sections laid out as before version 4, and kind 12, are read by ./legacy-reader.ts.
  const old = header.version < 4;
  const strings = old ? legacy(get('strings')).strings(bytes, get('strings')) : openStrings(bytes, get('strings'));
  const meta = validateMeta(get('meta'), readJson(bytes, get('meta')));
  const tree = openCategories(bytes, get('categories'), strings, base);
  const brands = openBrands(bytes, get('brands'), strings, base);
  const productsEntry = get('products');
  const products = openProducts(
    old ? legacy(productsEntry).products(bytes, productsEntry) : productColumns(bytes, productsEntry),
    strings,
    tree.parents.length,
    brands.length,
  );
  const categories = categoryNodes(tree, products, strings);
  const n = products.count;
  const popularityEntry = get('popularity');
  const popularity = openPopularity(
    popularityEntry,
    (old ? legacy(popularityEntry).popularity : popularityColumns)(bytes, popularityEntry),
    n,
    categories.length,
  );
  const covisitation = openGraph(bytes, get('covisitation'), n, base, header.version);
  const copurchase = openGraph(bytes, get('copurchase'), n, base, header.version);
  const embeddings = openEmbeddings(bytes, get('embeddings'), products, meta.dim, meta.dtype, base, header.version);
  const priorsEntry = byName.get('banditPriors');
  const weightsEntry = byName.get('modelWeights');
  const sessionsEntry = byName.get('sessions');
  const packedEntry = byName.get('packedSessions');
  const sessionModelEntry = byName.get('sessionModel');
  // One or the other: a file with both is malformed.
  if (sessionsEntry && packedEntry) throw countMismatch(packedEntry, 0, 'session sections', 2, 1);
  const sessions = packedEntry
    ? openPackedSessions(bytes, packedEntry, n, base)
    : sessionsEntry
      ? legacy(sessionsEntry).sessions(bytes, sessionsEntry, n, base)
      : null;

  return {
    formatVersion: header.version,
    contentHash: hex(checksum),
    byteLength: bytes.length,
    meta,
    products,
    categories,
    brands,
    popularity,
    covisitation,
    copurchase,
    embeddings,
    // Checked by the bandits when a page uses them (PriorsBook): pages without bandits skip the work.
    banditPriors: priorsEntry ? readJson(bytes, priorsEntry) : null,
    modelWeights: weightsEntry ? validateModelWeights(weightsEntry, readJson(bytes, weightsEntry)) : null,
    sessions,
    sessionModel: sessionModelEntry ? validateSessionModel(sessionModelEntry, readJson(bytes, sessionModelEntry)) : null,
  };
}

/** BUNDLE_LIMIT_EXCEEDED at `section.field`, naming product `row` (none when -1). */
function overLimit(
  products: BundleProductTable,
  row: number,
  section: string,
  field: string,
  index: number,
  offset: number,
  limit: number,
): VitrineError {
  const productId = row < 0 ? '' : products.id(row);
  return new VitrineError('BUNDLE_LIMIT_EXCEEDED', `product ${JSON.stringify(productId)}: ${section} ${field} over ${limit}`, {
    section,
    field,
    index,
    offset,
    limit,
    productId,
  });
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function countMismatch(entry: SectionEntry, field: number, what: string, found: number, expected: number): VitrineError {
  return new VitrineError('BUNDLE_SECTION_MALFORMED', `section ${entry.name}: ${what} is ${found}, expected ${expected}`, {
    section: entry.name,
    offset: entry.offset + field * 4,
    found,
    expected,
  });
}

function openStrings(bytes: Uint8Array, entry: SectionEntry): StringTable {
  const [count, blobLength] = readSectionHeader(bytes, entry).fields;
  const r = columnStream(bytes, entry);
  const offsets = r.ints(count + 1);
  const blob = r.rest();
  if (blob.length !== blobLength) throw countMismatch(entry, 1, 'blob length', blob.length, blobLength);
  // Decoded columns point their errors at the stream: offset = stream start + index × 4.
  checkOffsets(offsets, blobLength, 'strings', 'offsets', -entry.offset - 16);
  return StringTable.open(offsets, blob, blob.byteOffset - bytes.byteOffset);
}

/** The categories section, checked: parents first, and each node's depth (root = 1). */
interface CategoryColumns {
  names: Uint32Array;
  parents: Int32Array;
  depth: Int32Array;
  /** File offset of `parents`, for error details. */
  at: number;
}

function openCategories(bytes: Uint8Array, entry: SectionEntry, strings: StringTable, base: number): CategoryColumns {
  const [count] = readSectionHeader(bytes, entry).fields;
  const [names, parents] = openBlocks(bytes, entry, categoriesBlocks(count)) as [Uint32Array, Int32Array];
  checkBelow(names, strings.count, 'categories', 'name', base);
  const depth = new Int32Array(count);
  const at = parents.byteOffset - base;
  for (let i = 0; i < count; i++) {
    const parent = parents[i]!;
    // Parents precede children: this single rule rules out cycles and self-parenting.
    if (parent < -1 || parent >= i) {
      throw new VitrineError('BUNDLE_SECTION_MALFORMED', `category ${i} has parent ${parent}; parents must come first`, {
        section: 'categories',
        field: 'parent',
        index: i,
        offset: at + i * 4,
      });
    }
    depth[i] = parent < 0 ? 1 : depth[parent]! + 1;
  }
  return { names, parents, depth, at };
}

/**
 * The category nodes with their paths, once no path is deeper than MAX_CATEGORY_DEPTH: the error
 * names the first product whose path is too deep. Bounded paths keep this linear in the node count.
 */
function categoryNodes({ names, parents, depth, at }: CategoryColumns, products: BundleProductTable, strings: StringTable): CategoryNode[] {
  const deep = depth.findIndex((d) => d > MAX_CATEGORY_DEPTH);
  if (deep >= 0) {
    const row = products.categoryIndex.findIndex((leaf) => depth[leaf]! > MAX_CATEGORY_DEPTH);
    const index = row < 0 ? deep : products.categoryIndex[row]!;
    throw overLimit(products, row, 'categories', 'depth', index, at + index * 4, MAX_CATEGORY_DEPTH);
  }
  const nodes: CategoryNode[] = [];
  parents.forEach((parent, i) => {
    const name = strings.get(names[i]!);
    nodes.push({ name, parent, path: parent < 0 ? [name] : [...nodes[parent]!.path, name] });
  });
  return nodes;
}

function openBrands(bytes: Uint8Array, entry: SectionEntry, strings: StringTable, base: number): string[] {
  const [count] = readSectionHeader(bytes, entry).fields;
  const [names] = openBlocks(bytes, entry, brandsBlocks(count)) as [Uint32Array];
  checkBelow(names, strings.count, 'brands', 'name', base);
  return Array.from(names, (ref) => strings.get(ref));
}

function productColumns(bytes: Uint8Array, entry: SectionEntry): Read<ProductColumns> {
  const [n, variants, attributes] = readSectionHeader(bytes, entry).fields;
  const r = columnStream(bytes, entry);
  const base = -entry.offset - 16;
  const flags = (v: Uint32Array, field: string) => (checkBelow(v, 2, 'products', field, base), Uint8Array.from(v));
  const refs = () => r.ints(n);
  // Property order is the stream's column order (docs/bundle-format.md, "products").
  const columns: ProductColumns = {
    id: refs(),
    title: refs(),
    url: refs(),
    image: refs(),
    brand: refs(),
    currency: refs(),
    categoryIndex: new Int32Array(refs().buffer),
    brandIndex: new Int32Array(refs().buffer),
    price: r.floats(n),
    salePrice: r.floats(n),
    rating: r.floats(n),
    inStock: flags(refs(), 'inStock'),
    variantOffsets: r.ints(n + 1),
    variantSize: r.ints(variants),
    variantColor: r.ints(variants),
    variantInStock: flags(r.ints(variants), 'variantInStock'),
    attributeOffsets: r.ints(n + 1),
    attributeKey: r.ints(attributes),
    attributeValue: r.ints(attributes),
  };
  r.end();
  return { columns, base };
}

function openProducts(
  { columns: c, base }: Read<ProductColumns>,
  strings: StringTable,
  categoryCount: number,
  brandCount: number,
): BundleProductTable {
  const variantCount = c.variantSize.length;
  const attributeCount = c.attributeKey.length;
  const s = strings.count;
  for (const field of [
    'id',
    'title',
    'url',
    'image',
    'brand',
    'currency',
    'variantSize',
    'variantColor',
    'attributeKey',
    'attributeValue',
  ] as const) {
    checkBelow(c[field], s, 'products', field, base);
  }
  checkIndexOrNone(c.categoryIndex, categoryCount, 'products', 'categoryIndex', base);
  checkIndexOrNone(c.brandIndex, brandCount, 'products', 'brandIndex', base);
  checkFinite(c.price, 'products', 'price', base, true);
  checkFinite(c.salePrice, 'products', 'salePrice', base, true);
  checkFinite(c.rating, 'products', 'rating', base, true);
  checkFlags(c.inStock, 'products', 'inStock', base);
  checkFlags(c.variantInStock, 'products', 'variantInStock', base);
  checkOffsets(c.variantOffsets, variantCount, 'products', 'variantOffsets', base);
  checkOffsets(c.attributeOffsets, attributeCount, 'products', 'attributeOffsets', base);

  const built = IdIndex.build(c.id, strings.offsets, strings.blob);
  if ('duplicate' in built) {
    const { first, second } = built.duplicate;
    const id = strings.get(c.id[second]!);
    throw new VitrineError('BUNDLE_DUPLICATE_ID', `product id ${JSON.stringify(id)} appears at ${first} and ${second}`, {
      section: 'products',
      field: 'id',
      index: second,
      id,
      offset: c.id.byteOffset - base + second * 4,
    });
  }
  return new BundleProductTable(c, strings, built.index);
}

export function openCsr(
  entry: SectionEntry,
  offsets: Uint32Array,
  neighbors: Uint32Array,
  weights: Float32Array,
  targets: number,
  base: number,
): CsrGraph {
  checkOffsets(offsets, neighbors.length, entry.name, 'offsets', base);
  checkBelow(neighbors, targets, entry.name, 'neighbors', base);
  checkFinite(weights, entry.name, 'weights', base);
  return { offsets, neighbors, weights };
}

function popularityColumns(bytes: Uint8Array, entry: SectionEntry): Read<PopularityColumns> {
  const [n, categories, nnz, windowDays] = readSectionHeader(bytes, entry).fields;
  const r = columnStream(bytes, entry);
  const global = r.floats(n);
  const trending = r.floats(n);
  const offsets = r.ints(categories + 1);
  const neighbors = r.ints(nnz);
  // 1: each ranking's scores are its products' global scores, not stored (a neighbour out of range
  // reads NaN here and is reported as such by openCsr's range check, which runs first).
  const weights = r.uint() ? Float32Array.from(neighbors, (p) => global[p] ?? NaN) : r.floats(nnz);
  const columns = { global, trending, offsets, neighbors, weights, windowDays };
  r.end();
  return { columns, base: -entry.offset - 16 };
}

function openPopularity(
  entry: SectionEntry,
  { columns: c, base }: Read<PopularityColumns>,
  n: number,
  categoryCount: number,
): Bundle['popularity'] {
  if (c.global.length !== n) throw countMismatch(entry, 0, 'product count', c.global.length, n);
  if (c.offsets.length !== categoryCount + 1) throw countMismatch(entry, 1, 'category count', c.offsets.length - 1, categoryCount);
  checkNonNegative(c.global, 'popularity', 'global', base);
  checkNonNegative(c.trending, 'popularity', 'trending', base);
  return {
    global: c.global,
    trending: c.trending,
    trendingWindowDays: c.windowDays,
    perCategory: openCsr(entry, c.offsets, c.neighbors, c.weights, n, base),
  };
}

function openGraph(bytes: Uint8Array, entry: SectionEntry, n: number, base: number, version: number): CsrGraph {
  const [count, nnz, fileEncoding, idBytes] = readSectionHeader(bytes, entry).fields;
  if (count !== n) throw countMismatch(entry, 0, 'product count', count, n);
  // Version 1 reserved h2 (written 0): its graphs are always f32, read by the legacy reader as any f32 graph.
  if (version > 1 && fileEncoding === GRAPH_ENCODING.packed) {
    const [maxWeight, degree, weightCodes, ids] = openBlocks(bytes, entry, packedGraphBlocks(n, nnz, idBytes), 1) as [
      Float32Array,
      Uint16Array,
      Uint8Array,
      Uint8Array,
    ];
    checkNonNegative(maxWeight, entry.name, 'maxWeight', base);
    const source = { section: entry.name, degreeAt: degree.byteOffset - base, idsAt: ids.byteOffset - base };
    return unpackGraph({ ...source, maxWeight: maxWeight[0]!, degree, weightCodes, ids }, n);
  }
  return legacy(entry).graph(bytes, entry, n, base, version);
}

function openEmbeddings(
  bytes: Uint8Array,
  entry: SectionEntry,
  products: BundleProductTable,
  dim: number,
  dtype: 'f32' | 'i8',
  base: number,
  version: number,
): EmbeddingMatrix {
  const n = products.count;
  const [rows, fileDim, dtypeCode, subspaces] = readSectionHeader(bytes, entry).fields;
  if (rows !== n) throw countMismatch(entry, 0, 'rows', rows, n);
  if (fileDim !== dim) throw countMismatch(entry, 1, 'dim (vs meta.dim)', fileDim, dim);
  // Product-quantised rows (version 3) decode to int8: meta.dtype says 'i8'.
  const pq = version > 2 && dtypeCode === DTYPE_CODE.pq && dtype === 'i8';
  if (!pq && dtypeCode !== DTYPE_CODE[dtype]) throw countMismatch(entry, 2, 'dtype code (vs meta.dtype)', dtypeCode, DTYPE_CODE[dtype]);
  // Product-quantised rows are rare (an opt-in code): the legacy reader decodes them.
  const views = pq
    ? legacy(entry).pq(bytes, entry, rows, dim, subspaces, base)
    : openBlocks(bytes, entry, embeddingsBlocks(rows, dim, dtypeCode), 0);
  const data = views[0] as Float32Array | Int8Array;
  const scales = views[1] as Float32Array | undefined;
  if (!pq) checkFinite(scales ?? (data as Float32Array), 'embeddings', scales ? 'scales' : 'data', base);
  // Norms in float64, where no f32 square overflows: a row too long for the f32 kernels is refused.
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = r * dim; j < r * dim + dim; j++) sum += data[j]! * data[j]!;
    const norm = Math.sqrt(sum) * Math.abs(scales ? scales[r]! : 1);
    if (norm > MAX_VECTOR_NORM)
      throw overLimit(
        products,
        r,
        'embeddings',
        'norm',
        r,
        pq ? entry.offset : data.byteOffset - base + r * dim * data.BYTES_PER_ELEMENT,
        MAX_VECTOR_NORM,
      );
  }
  return scales ? { dtype: 'i8', rows, dim, data: data as Int8Array, scales } : { dtype: 'f32', rows, dim, data: data as Float32Array };
}

function openPackedSessions(bytes: Uint8Array, entry: SectionEntry, n: number, base: number): SessionIndex {
  const [sessionCount, itemCount, referenceTime, streamBytes] = readSectionHeader(bytes, entry).fields;
  const [stream] = openBlocks(bytes, entry, packedSessionsBlocks(streamBytes), 3) as [Uint8Array];
  return unpackSessions({ stream, sessionCount, itemCount, referenceTime, at: stream.byteOffset - base }, n);
}
