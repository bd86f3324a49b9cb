/**
 * `encodeBundle`: BundleInput -> bundle bytes. The writer checks the input's shape (lengths,
 * index ranges, finiteness) and refuses with a VitrineError rather than write a file the reader
 * would reject later, far from the cause.
 */
import { utf8Encoder } from './text-codec.ts';
import { VitrineError } from '../errors.ts';
import { buildBrandList, buildCategoryTree } from './catalog-index.ts';
import { crc32, crc32Update } from './crc32.ts';
import {
  DTYPE_CODE,
  FORMAT_VERSION,
  HEADER,
  HEADER_SIZE,
  MAGIC,
  PQ_CENTROIDS,
  SECTION_ENTRY_SIZE,
  SECTION_FLAG_REQUIRED,
  SectionKind,
  align,
  type SectionName,
} from './format.ts';
import {
  blockView,
  brandsBlocks,
  categoriesBlocks,
  embeddingsBlocks,
  packedGraphBlocks,
  packedSessionsBlocks,
  planBlocks,
  type Block,
} from './layout.ts';
import { graphBlocks, popularityBlocks, pqBlocks, productsBlocks, sessionsBlocks, stringsBlocks } from './legacy-layout.ts';
import { ColumnWriter } from './column-writer.ts';
import { GRAPH_ENCODING, packGraph, type CodesPerOctave } from './graph-codec.ts';
import { packSessions } from './sessions-codec.ts';
import { StringPool } from './string-pool.ts';
import type { BundleInput, CsrGraph, PqMatrix, SessionIndex } from './types.ts';

type View = Uint8Array | Int8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;

/** A section ready to be placed: its exact length and a function writing it at an offset. */
interface PendingSection {
  name: SectionName;
  required: boolean;
  length: number;
  write(buffer: ArrayBuffer, offset: number): void;
}

function fail(section: string, message: string, extra: Record<string, string | number> = {}): never {
  throw new VitrineError('BUNDLE_SECTION_MALFORMED', `cannot write ${section}: ${message}`, { section, ...extra });
}

/** A binary section: four u32 header fields, then `blocks` filled through typed views. */
function binarySection(
  name: SectionName,
  header: readonly number[],
  blocks: readonly Block[],
  fill: (views: View[]) => void,
): PendingSection {
  const plan = planBlocks(blocks);
  return {
    name,
    required: true,
    length: plan.length,
    write(buffer, offset) {
      new Uint32Array(buffer, offset, 4).set(header);
      fill(blocks.map((block, i) => blockView(buffer, offset + plan.offsets[i]!, block)));
    },
  };
}

/**
 * A version-4 column section: four u32 header fields, then the stream (./columns.ts) to the
 * section's end, unpadded (the next section's alignment pads the file).
 */
function streamSection(name: SectionName, header: readonly number[], columns: ColumnWriter): PendingSection {
  const stream = columns.finish();
  return {
    name,
    required: true,
    length: 16 + stream.length,
    write(buffer, offset) {
      new Uint32Array(buffer, offset, 4).set(header);
      new Uint8Array(buffer, offset + 16, stream.length).set(stream);
    },
  };
}

function jsonSection(name: SectionName, required: boolean, value: unknown): PendingSection {
  const bytes = utf8Encoder.encode(JSON.stringify(value));
  return {
    name,
    required,
    length: bytes.length,
    write(buffer, offset) {
      new Uint8Array(buffer, offset, bytes.length).set(bytes);
    },
  };
}

function checkFinite(section: string, field: string, values: ArrayLike<number>, allowNaN = false): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0 && !(allowNaN && Number.isNaN(v))) {
      throw new VitrineError('BUNDLE_NON_FINITE', `cannot write ${section}: ${field}[${i}] is ${v}`, { section, field, index: i });
    }
  }
}

function checkGraph(section: string, graph: CsrGraph, rows: number, targets: number): void {
  const { offsets, neighbors, weights } = graph;
  if (offsets.length !== rows + 1) fail(section, `offsets has ${offsets.length} entries, expected ${rows + 1}`);
  if (offsets[0] !== 0 || offsets[rows] !== neighbors.length) fail(section, 'offsets must start at 0 and end at neighbors.length');
  if (weights.length !== neighbors.length) fail(section, 'weights and neighbors differ in length');
  for (let i = 0; i < rows; i++) if (offsets[i]! > offsets[i + 1]!) fail(section, `offsets decrease at row ${i}`);
  for (let i = 0; i < neighbors.length; i++) if (neighbors[i]! >= targets) fail(section, `neighbor ${neighbors[i]} out of range`);
  checkFinite(section, 'weights', weights);
}

function graphSection(name: SectionName, graph: CsrGraph, n: number, encoding: GraphEncoding, perOctave: CodesPerOctave): PendingSection {
  checkGraph(name, graph, n, n);
  const nnz = graph.neighbors.length;
  const packed = encoding === 'packed' ? packGraph(graph, n, perOctave) : null;
  if (packed) {
    const header = [n, nnz, GRAPH_ENCODING.packed, packed.ids.length] as const;
    return binarySection(name, header, packedGraphBlocks(n, nnz, packed.ids.length), ([maxWeight, degree, weightCodes, ids]) => {
      maxWeight![0] = packed.maxWeight;
      degree!.set(packed.degree);
      weightCodes!.set(packed.weightCodes);
      ids!.set(packed.ids);
    });
  }
  return binarySection(name, [n, nnz, GRAPH_ENCODING.f32, 0], graphBlocks(n, nnz), ([offsets, neighbors, weights]) => {
    offsets!.set(graph.offsets);
    neighbors!.set(graph.neighbors);
    weights!.set(graph.weights);
  });
}

function checkPq({ rows, dim, subspaces, codebook, codes }: PqMatrix): void {
  if (!Number.isInteger(subspaces) || subspaces < 1 || dim % subspaces !== 0)
    fail('embeddings', `subspaces ${subspaces} must divide dim ${dim}`);
  if (codebook.length !== PQ_CENTROIDS * dim) fail('embeddings', `codebook has ${codebook.length} values, expected ${PQ_CENTROIDS * dim}`);
  if (codes.length !== rows * subspaces) fail('embeddings', `codes has ${codes.length} entries, expected ${rows * subspaces}`);
  checkFinite('embeddings', 'codebook', codebook);
}

function sessionsSection(sessions: SessionIndex, n: number, encoding: SessionsEncoding): PendingSection {
  const count = sessions.age.length;
  const { offsets, items, age, referenceTime } = sessions;
  if (offsets.length !== count + 1 || offsets[0] !== 0 || offsets[count] !== items.length)
    fail('sessions', 'offsets must run from 0 to items.length, one per session + 1');
  for (let s = 0; s < count; s++) if (offsets[s + 1]! < offsets[s]!) fail('sessions', `offsets decrease at session ${s}`);
  for (const row of items) if (row >= n) fail('sessions', `item ${row} is not a product row (${n} products)`);
  checkFinite('sessions', 'age', age);
  for (const a of age) if (a < 0) fail('sessions', 'age must be >= 0');
  if (!Number.isInteger(referenceTime) || referenceTime < 0 || referenceTime > 0xffffffff)
    fail('sessions', 'referenceTime must be u32 unix seconds');
  const stream = encoding === 'packed' ? packSessions(sessions) : null;
  if (stream)
    return binarySection(
      'packedSessions',
      [count, items.length, referenceTime, stream.length],
      packedSessionsBlocks(stream.length),
      ([s]) => s!.set(stream),
    );
  return binarySection('sessions', [count, items.length, referenceTime, 0], sessionsBlocks(count, items.length), ([o, i, a]) => {
    o!.set(offsets);
    i!.set(items);
    a!.set(age);
  });
}

/**
 * How the graphs are written: `packed` (the default) = LEB128 id gaps and 8-bit log-scale weights,
 * about 3x smaller on the wire; `f32` = exact weights, 4-byte ids. A graph the packed encoding
 * cannot hold (a negative weight, a repeated neighbour in a row, a row over 65535) is written f32.
 */
export type GraphEncoding = 'packed' | 'f32';

/**
 * How the training sessions are written: `packed` (the default, section kind 17) = one LEB128
 * stream of id and age steps, ages in whole seconds; `u32` = the plain arrays of kind 12, exact
 * ages. Sessions whose ages cannot be packed (over 2^32 s) are written u32.
 */
export type SessionsEncoding = 'packed' | 'u32';

/**
 * Packed graphs' weight precision by default: every code (16 per halving, 4.4 % steps). Coarser
 * codes compress better (the target shape's 3M codes per graph: 2.26 MB gzip at 16, 1.65 at 4,
 * 1.30 at 2) and did not move the YOOCHOOSE sample's HR@20 / MRR@20 beyond noise even at 1; but
 * explanations cite a link only when its decoded strength is above one session's
 * (`SINGLE_SESSION_STRENGTH`), and rounding down by up to a factor √2 silences links just above it.
 */
export const DEFAULT_CODES_PER_OCTAVE: CodesPerOctave = 16;

export interface EncodeOptions {
  graphs?: GraphEncoding;
  /** Packed graphs: weight codes used per halving, 16 (every code, 4.4 % steps) down to 1 (powers of two). */
  weightCodesPerOctave?: CodesPerOctave;
  sessions?: SessionsEncoding;
  /**
   * `columns` (the default, format version 4): strings, products and popularity as column
   * streams. `blocks`: their fixed layout of versions 1-3, in a version-3 file, for tests and
   * benches that need an older file (readers before version 4 reject the default).
   */
  layout?: 'columns' | 'blocks';
}

/** The header's version for `options`. */
function versionOf(options: EncodeOptions): number {
  return options.layout === 'blocks' ? 3 : FORMAT_VERSION;
}

/** Serialises `input` into one bundle file (format version 4). Deterministic for a given input. */
export function encodeBundle(input: BundleInput, options: EncodeOptions = {}): Uint8Array {
  return assemble(bundleSections(input, options), versionOf(options));
}

/** The sections of `input`'s bundle, checked, each ready to write. */
function bundleSections(input: BundleInput, options: EncodeOptions): PendingSection[] {
  const graphs = options.graphs ?? 'packed';
  const perOctave = options.weightCodesPerOctave ?? DEFAULT_CODES_PER_OCTAVE;
  const { products, popularity, embeddings, meta } = input;
  const n = products.length;
  const pool = new StringPool();
  const tree = buildCategoryTree(products);
  const brands = buildBrandList(products);

  // Products: intern strings first so the string table is complete before layout. Field by
  // field, so a field's strings sit together in the blob (gzip finds their shared parts) and its
  // refs mostly step by one.
  const ids = new Set<string>();
  for (const p of products) {
    if (ids.has(p.id))
      throw new VitrineError('BUNDLE_DUPLICATE_ID', `cannot write products: duplicate id ${JSON.stringify(p.id)}`, {
        section: 'products',
        id: p.id,
      });
    ids.add(p.id);
  }
  const intern = (field: 'id' | 'title' | 'url' | 'image' | 'brand' | 'currency') => Uint32Array.from(products, (p) => pool.ref(p[field]));
  const refs = {
    id: intern('id'),
    title: intern('title'),
    url: intern('url'),
    image: intern('image'),
    brand: intern('brand'),
    currency: intern('currency'),
  };
  const variants = products.flatMap((p) => p.variants);
  const attributeEntries = products.flatMap((p) => Object.entries(p.attributes));
  const variantSize = Uint32Array.from(variants, (v) => pool.ref(v.size));
  const variantColor = Uint32Array.from(variants, (v) => pool.ref(v.color));
  const variantInStock = Uint8Array.from(variants, (v) => (v.inStock ? 1 : 0));
  const attributeKey = Uint32Array.from(attributeEntries, ([key]) => pool.ref(key));
  const attributeValue = Uint32Array.from(attributeEntries, ([, value]) => pool.ref(value));
  const variantOffsets = new Uint32Array(n + 1);
  const attributeOffsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    variantOffsets[i + 1] = variantOffsets[i]! + products[i]!.variants.length;
    attributeOffsets[i + 1] = attributeOffsets[i]! + Object.keys(products[i]!.attributes).length;
  }
  const categoryNames = Uint32Array.from(tree.nodes, (node) => pool.ref(node.name));
  const brandNames = Uint32Array.from(brands.names, (name) => pool.ref(name));

  const price = Float32Array.from(products, (p) => p.price ?? NaN);
  const salePrice = Float32Array.from(products, (p) => p.salePrice ?? NaN);
  const rating = Float32Array.from(products, (p) => p.rating ?? NaN);
  checkFinite('products', 'price', price, true);
  checkFinite('products', 'salePrice', salePrice, true);
  checkFinite('products', 'rating', rating, true);

  // Popularity.
  const c = tree.nodes.length;
  if (popularity.global.length !== n || popularity.trending.length !== n) fail('popularity', `global/trending must have ${n} entries`);
  checkFinite('popularity', 'global', popularity.global);
  checkFinite('popularity', 'trending', popularity.trending);
  const windowDays = popularity.trendingWindowDays;
  if (!Number.isInteger(windowDays) || windowDays < 0 || windowDays > 0xffffffff)
    fail('popularity', 'trendingWindowDays must be a u32 integer');
  checkGraph('popularity', popularity.perCategory, c, n);

  // Embeddings.
  if (embeddings.rows !== n) fail('embeddings', `rows ${embeddings.rows} != product count ${n}`);
  if (!Number.isInteger(embeddings.dim) || embeddings.dim < 1) fail('embeddings', 'dim must be a positive integer');
  if (embeddings.dtype !== 'pq' && embeddings.data.length !== n * embeddings.dim)
    fail('embeddings', `data has ${embeddings.data.length} values, expected ${n * embeddings.dim}`);
  // Product-quantised rows are read back as int8 rows.
  const heldAs = embeddings.dtype === 'pq' ? 'i8' : embeddings.dtype;
  if (heldAs !== meta.dtype || embeddings.dim !== meta.dim) fail('meta', 'dim/dtype disagree with the embeddings');
  if (embeddings.dtype === 'f32') checkFinite('embeddings', 'data', embeddings.data);
  else if (embeddings.dtype === 'i8') {
    if (embeddings.scales.length !== n) fail('embeddings', `scales must have ${n} entries`);
    checkFinite('embeddings', 'scales', embeddings.scales);
  } else checkPq(embeddings);
  const subspaces = embeddings.dtype === 'pq' ? embeddings.subspaces : 0;

  // Column order: docs/bundle-format.md, "products" and "popularity" (version 4); the blocks of
  // versions 1-3 come in the same order.
  const inStock = Uint8Array.from(products, (p) => (p.inStock ? 1 : 0));
  const productArrays = [
    ...Object.values(refs),
    tree.leafOf,
    brands.brandOf,
    price,
    salePrice,
    rating,
    inStock,
    variantOffsets,
    variantSize,
    variantColor,
    variantInStock,
    attributeOffsets,
    attributeKey,
    attributeValue,
  ];
  const productColumns = new ColumnWriter();
  for (const column of productArrays) {
    if (column instanceof Float32Array) productColumns.floats(column);
    else productColumns.ints(column);
  }
  const { perCategory } = popularity;
  const nnz = perCategory.neighbors.length;
  const popularityArrays = [popularity.global, popularity.trending, perCategory.offsets, perCategory.neighbors, perCategory.weights];
  const popularityColumns = new ColumnWriter();
  popularityColumns.floats(popularity.global);
  popularityColumns.floats(popularity.trending);
  popularityColumns.ints(perCategory.offsets);
  popularityColumns.ints(perCategory.neighbors);
  // Rankings by global score (what `bundle build` writes) need no scores of their own.
  const copied = perCategory.weights.every((w, k) => Object.is(w, popularity.global[perCategory.neighbors[k]!]));
  popularityColumns.uint(copied ? 1 : 0);
  if (!copied) popularityColumns.floats(perCategory.weights);
  const dtypeCode = DTYPE_CODE[embeddings.dtype];

  const sections: PendingSection[] = [
    jsonSection('meta', true, meta),
    ...(options.layout === 'blocks'
      ? [
          binarySection('strings', [pool.count, pool.blobLength, 0, 0], stringsBlocks(pool.count, pool.blobLength), ([offsets, blob]) =>
            pool.writeInto(offsets as Uint32Array, blob as Uint8Array),
          ),
          binarySection(
            'products',
            [n, variants.length, attributeEntries.length, 0],
            productsBlocks(n, variants.length, attributeEntries.length),
            (views) => productArrays.forEach((column, i) => views[i]!.set(column)),
          ),
        ]
      : [
          streamSection('strings', [pool.count, pool.blobLength, 0, 0], pool.columns()),
          streamSection('products', [n, variants.length, attributeEntries.length, 0], productColumns),
        ]),
    binarySection('categories', [c, 0, 0, 0], categoriesBlocks(c), ([names, parents]) => {
      names!.set(categoryNames);
      parents!.set(tree.nodes.map((node) => node.parent));
    }),
    binarySection('brands', [brandNames.length, 0, 0, 0], brandsBlocks(brandNames.length), ([names]) => names!.set(brandNames)),
    options.layout === 'blocks'
      ? binarySection('popularity', [n, c, nnz, windowDays], popularityBlocks(n, c, nnz), (views) =>
          popularityArrays.forEach((column, i) => views[i]!.set(column)),
        )
      : streamSection('popularity', [n, c, nnz, windowDays], popularityColumns),
    graphSection('covisitation', input.covisitation, n, graphs, perOctave),
    graphSection('copurchase', input.copurchase, n, graphs, perOctave),
    binarySection(
      'embeddings',
      [n, embeddings.dim, dtypeCode, subspaces],
      embeddings.dtype === 'pq' ? pqBlocks(n, embeddings.dim, subspaces) : embeddingsBlocks(n, embeddings.dim, dtypeCode),
      ([data, second]) => {
        if (embeddings.dtype === 'pq') {
          data!.set(embeddings.codebook);
          second!.set(embeddings.codes);
          return;
        }
        data!.set(embeddings.data);
        if (embeddings.dtype === 'i8') second!.set(embeddings.scales);
      },
    ),
  ];
  if (input.banditPriors) sections.push(jsonSection('banditPriors', false, input.banditPriors));
  if (input.modelWeights) sections.push(jsonSection('modelWeights', false, input.modelWeights));
  if (input.sessions) sections.push(sessionsSection(input.sessions, n, options.sessions ?? 'packed'));
  if (input.sessionModel) sections.push(jsonSection('sessionModel', false, input.sessionModel));
  return sections;
}

/** Lays out header, table and sections (each at a 16-byte boundary, zero padded) and seals the CRC. */
function assemble(sections: readonly PendingSection[], version: number): Uint8Array {
  const entries = sections.map((s) => ({
    kind: SectionKind[s.name],
    flags: s.required ? SECTION_FLAG_REQUIRED : 0,
    length: s.length,
    write: s.write,
  }));
  return assembleRaw(entries, version);
}

/** Raw section for `assembleRaw`: used by tests to build files with unknown or odd sections. */
export interface RawSection {
  kind: number;
  flags: number;
  length: number;
  write(buffer: ArrayBuffer, offset: number): void;
}

/** Where each section starts (16-byte aligned, after header and table) and the file's length. */
function fileLayout(sections: readonly RawSection[]): { offsets: number[]; fileLength: number } {
  let cursor = align(HEADER_SIZE + sections.length * SECTION_ENTRY_SIZE);
  const offsets = sections.map((s) => {
    const at = cursor;
    cursor = align(at + s.length);
    return at;
  });
  // The file ends right after the last section's bytes; no trailing padding.
  const last = sections.length - 1;
  const fileLength = last >= 0 ? offsets[last]! + sections[last]!.length : cursor;
  if (fileLength > 0xffffffff) fail('header', 'bundle would exceed 4 GiB');
  return { offsets, fileLength };
}

/** Header and section table, checksum field zero, at the start of `buffer`. */
function writeHeader(
  buffer: ArrayBuffer,
  sections: readonly RawSection[],
  offsets: readonly number[],
  fileLength: number,
  version: number,
): void {
  const view = new DataView(buffer);
  new Uint8Array(buffer).set(MAGIC, HEADER.magic);
  view.setUint16(HEADER.version, version, true);
  view.setUint16(HEADER.flags, 0, true);
  view.setUint32(HEADER.sectionCount, sections.length, true);
  view.setUint32(HEADER.fileLength, fileLength, true);
  sections.forEach((s, i) => {
    const at = HEADER_SIZE + i * SECTION_ENTRY_SIZE;
    view.setUint32(at, s.kind, true);
    view.setUint32(at + 4, s.flags, true);
    view.setUint32(at + 8, offsets[i]!, true);
    view.setUint32(at + 12, s.length, true);
  });
}

/** Places raw sections after the header and table and computes the checksum. */
export function assembleRaw(sections: readonly RawSection[], version = FORMAT_VERSION): Uint8Array {
  const { offsets, fileLength } = fileLayout(sections);
  // Exactly fileLength: callers may hand `bytes.buffer` on (e.g. transfer it to a worker).
  const buffer = new ArrayBuffer(fileLength);
  const bytes = new Uint8Array(buffer);
  writeHeader(buffer, sections, offsets, fileLength, version);
  sections.forEach((s, i) => s.write(buffer, offsets[i]!));
  new DataView(buffer).setUint32(HEADER.checksum, crc32(bytes), true);
  return bytes;
}

/** Where `writeBundle` sends a bundle's bytes: appended in file order, then the checksum patched in. */
export interface BundleSink {
  append(bytes: Uint8Array): void;
  patch(position: number, bytes: Uint8Array): void;
  /** Optional: each section's own bytes (no padding), before they are appended; for size reports. */
  section?(bytes: Uint8Array): void;
}

/**
 * The bytes `encodeBundle` returns, handed to `sink` section by section, so only one section is in
 * memory besides `input` (the CLI writes a 200,000-product bundle this way). Returns the file's
 * length and its sections.
 */
export function writeBundle(
  input: BundleInput,
  sink: BundleSink,
  options: EncodeOptions = {},
): { length: number; checksum: number; sections: { name: SectionName; length: number }[] } {
  const pending = bundleSections(input, options);
  const sections: RawSection[] = pending.map((s) => ({ kind: SectionKind[s.name], flags: s.required ? SECTION_FLAG_REQUIRED : 0, ...s }));
  const { offsets, fileLength } = fileLayout(sections);
  const head = new ArrayBuffer(offsets[0] ?? fileLength);
  writeHeader(head, sections, offsets, fileLength, versionOf(options));
  let crc = crc32Update(0xffffffff, new Uint8Array(head));
  sink.append(new Uint8Array(head));
  sections.forEach((s, i) => {
    // The section and the zero padding up to the next one.
    const bytes = new Uint8Array((offsets[i + 1] ?? fileLength) - offsets[i]!);
    s.write(bytes.buffer, 0);
    sink.section?.(bytes.subarray(0, s.length));
    crc = crc32Update(crc, bytes);
    sink.append(bytes);
  });
  const checksum = new Uint8Array(4);
  new DataView(checksum.buffer).setUint32(0, ~crc >>> 0, true);
  sink.patch(HEADER.checksum, checksum);
  return { length: fileLength, checksum: ~crc >>> 0, sections: pending.map((s) => ({ name: s.name, length: s.length })) };
}
