/**
 * Reads what only older files hold: strings, products and popularity laid out as fixed blocks
 * (format versions 1-3) and the plain training sessions (kind 12). A shop that has rebuilt its
 * bundle never needs this code, so the worker loads it on demand (engine.ts); importing it
 * registers it with ./reader.ts (./index.ts imports it, so Node callers always have it).
 */
import { checkBelow, checkFinite, checkNonNegative, checkOffsets } from './checks.ts';
import { GRAPH_ENCODING } from './graph-codec.ts';
import { decodePq } from './pq-codec.ts';
import { graphBlocks, popularityBlocks, pqBlocks, productsBlocks, sessionsBlocks, stringsBlocks } from './legacy-layout.ts';
import type { ProductColumns } from './product-table.ts';
import { countMismatch, openCsr, useLegacyReader, type PopularityColumns, type Read } from './reader.ts';
import { openBlocks, readSectionHeader } from './sections.ts';
import { StringTable } from './string-table.ts';
import type { SectionEntry } from './table.ts';
import type { CsrGraph, SessionIndex } from './types.ts';

function strings(bytes: Uint8Array, entry: SectionEntry): StringTable {
  const [count, blobLength] = readSectionHeader(bytes, entry).fields;
  const [offsets, blob] = openBlocks(bytes, entry, stringsBlocks(count, blobLength)) as [Uint32Array, Uint8Array];
  checkOffsets(offsets, blobLength, 'strings', 'offsets', bytes.byteOffset);
  return StringTable.open(offsets, blob, blob.byteOffset - bytes.byteOffset);
}

function products(bytes: Uint8Array, entry: SectionEntry): Read<ProductColumns> {
  const [n, variantCount, attributeCount] = readSectionHeader(bytes, entry).fields;
  const blocks = productsBlocks(n, variantCount, attributeCount);
  const views = openBlocks(bytes, entry, blocks);
  // The blocks are named after the product columns they hold.
  const columns = Object.fromEntries(blocks.map((block, i) => [block.name, views[i]])) as unknown as ProductColumns;
  return { columns, base: bytes.byteOffset };
}

function popularity(bytes: Uint8Array, entry: SectionEntry): Read<PopularityColumns> {
  const [n, categories, nnz, windowDays] = readSectionHeader(bytes, entry).fields;
  const [global, trending, offsets, neighbors, weights] = openBlocks(bytes, entry, popularityBlocks(n, categories, nnz), 2) as [
    Float32Array,
    Float32Array,
    Uint32Array,
    Uint32Array,
    Float32Array,
  ];
  return { columns: { global, trending, offsets, neighbors, weights, windowDays }, base: bytes.byteOffset };
}

function sessions(bytes: Uint8Array, entry: SectionEntry, n: number, base: number): SessionIndex {
  const [count, itemCount, referenceTime] = readSectionHeader(bytes, entry).fields;
  const [offsets, items, age] = openBlocks(bytes, entry, sessionsBlocks(count, itemCount), 0) as [Uint32Array, Uint32Array, Float32Array];
  checkOffsets(offsets, itemCount, 'sessions', 'offsets', base);
  checkBelow(items, n, 'sessions', 'items', base);
  checkNonNegative(age, 'sessions', 'age', base);
  return { offsets, items, age, referenceTime };
}

function graph(bytes: Uint8Array, entry: SectionEntry, n: number, base: number, version: number): CsrGraph {
  const [, nnz, encoding] = readSectionHeader(bytes, entry).fields;
  if (version > 1 && encoding !== GRAPH_ENCODING.f32) throw countMismatch(entry, 2, 'graph encoding', encoding, GRAPH_ENCODING.packed);
  const [offsets, neighbors, weights] = openBlocks(bytes, entry, graphBlocks(n, nnz), 1) as [Uint32Array, Uint32Array, Float32Array];
  return openCsr(entry, offsets, neighbors, weights, n, base);
}

function pq(bytes: Uint8Array, entry: SectionEntry, rows: number, dim: number, subspaces: number, base: number): [Int8Array, Float32Array] {
  if (!(dim % subspaces === 0)) throw countMismatch(entry, 3, 'subspaces (must divide dim)', subspaces, dim);
  const [codebook, codes] = openBlocks(bytes, entry, pqBlocks(rows, dim, subspaces), 0) as [Float32Array, Uint8Array];
  checkFinite(codebook, 'embeddings', 'codebook', base);
  const { data, scales } = decodePq(codebook, codes, rows, dim, subspaces);
  return [data, scales];
}

export const legacyReader = { strings, products, popularity, sessions, graph, pq };
useLegacyReader(legacyReader);
