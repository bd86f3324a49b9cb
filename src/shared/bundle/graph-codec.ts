/**
 * The packed encoding of the neighbour graphs (format version 2, docs/bundle-format.md, "Packed
 * graphs"): per row, neighbour ids sorted ascending and stored as LEB128 gaps, and one 8-bit
 * log-scale weight code per neighbour. The reader decodes it once at load into the CSR arrays the
 * engine scans (rows back in descending weight order), so no scoring code knows about it.
 */
import { VitrineError } from '../errors.ts';
import type { CsrGraph } from './types.ts';

/** Encoding codes in h2 of a graph section (format version 2). */
export const GRAPH_ENCODING = { f32: 0, packed: 1 } as const;

/** Largest neighbour count of one row the packed encoding holds (degrees are u16). */
export const MAX_PACKED_DEGREE = 0xffff;

/** Weight codes per halving: code c >= 1 decodes to maxWeight * 2^((c - 255) / 16). */
const CODES_PER_OCTAVE = 16;

/** The 256 weights the codes stand for, given the section's largest weight. */
export function weightTable(maxWeight: number): Float32Array {
  const table = new Float32Array(256);
  for (let c = 1; c < 256; c++) table[c] = maxWeight * 2 ** ((c - 255) / CODES_PER_OCTAVE);
  return table;
}

/** Largest code whose weight is <= w (never rounds a weight up), 0 for w = 0 or below the range. */
function weightCode(w: number, table: Float32Array, maxWeight: number): number {
  if (!(w > 0)) return 0;
  let c = Math.min(255, Math.max(0, 255 + Math.floor(CODES_PER_OCTAVE * Math.log2(w / maxWeight))));
  // log2 rounding can land one code off either way: settle on the table itself.
  while (c > 0 && table[c]! > Math.fround(w)) c--;
  while (c < 255 && table[c + 1]! <= Math.fround(w)) c++;
  return c;
}

/**
 * Weight codes the writer uses per halving: every (16 / this)th code counted down from 255, the
 * largest at or below the weight (never rounding up). Any code is valid to a reader; fewer
 * distinct codes only compress better (gzip's Huffman codes adapt to the ones used).
 */
export type CodesPerOctave = 16 | 8 | 4 | 2 | 1;

/** `code` rounded down to the nearest code used at `perOctave` codes per halving (0 stays 0). */
function coarser(code: number, perOctave: CodesPerOctave): number {
  const step = CODES_PER_OCTAVE / perOctave;
  return code === 0 ? 0 : Math.max(0, 255 - Math.ceil((255 - code) / step) * step);
}

export interface PackedGraph {
  maxWeight: number;
  degree: Uint16Array;
  weightCodes: Uint8Array;
  ids: Uint8Array;
}

/**
 * The packed form of `graph`, or null when it cannot be packed (a negative weight, a row with a
 * repeated neighbour or more than MAX_PACKED_DEGREE neighbours): the writer then keeps f32.
 */
export function packGraph(graph: CsrGraph, rows: number, perOctave: CodesPerOctave = CODES_PER_OCTAVE): PackedGraph | null {
  const { offsets, neighbors, weights } = graph;
  let maxWeight = 0;
  for (const w of weights) {
    if (w < 0) return null;
    maxWeight = Math.max(maxWeight, w);
  }
  const table = weightTable(maxWeight);
  const degree = new Uint16Array(rows);
  const weightCodes = new Uint8Array(neighbors.length);
  const ids: number[] = [];
  // Per row, keys id * 2^16 + position sort into id order natively (ids < 2^32: exact in a double).
  const keys = new Float64Array(MAX_PACKED_DEGREE);
  for (let r = 0; r < rows; r++) {
    const start = offsets[r]!;
    const count = offsets[r + 1]! - start;
    if (count > MAX_PACKED_DEGREE) return null;
    degree[r] = count;
    for (let i = 0; i < count; i++) keys[i] = neighbors[start + i]! * 0x10000 + i;
    const sorted = keys.subarray(0, count).sort();
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const e = start + (sorted[i]! % 0x10000);
      const id = neighbors[e]!;
      if (id === previous) return null;
      pushLeb128(ids, id - previous - 1);
      weightCodes[start + i] = coarser(weightCode(weights[e]!, table, maxWeight), perOctave);
      previous = id;
    }
  }
  return { maxWeight, degree, weightCodes, ids: Uint8Array.from(ids) };
}

function pushLeb128(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

/** Where the packed arrays sit in the file, for error offsets. */
export interface PackedGraphSource extends PackedGraph {
  section: string;
  /** File offsets of `degree` and `ids`. */
  degreeAt: number;
  idsAt: number;
}

/** BUNDLE_SECTION_MALFORMED in a packed section (graphs here, sessions in ./sessions-codec.ts). */
export function malformed(source: { section: string }, field: string, message: string, offset: number, index: number): VitrineError {
  return new VitrineError('BUNDLE_SECTION_MALFORMED', `section ${source.section}: ${message}`, {
    section: source.section,
    field,
    index,
    offset,
  });
}

/**
 * Decodes a packed graph into CSR arrays, each row by descending weight (ties: ascending id), by
 * insertion as ids arrive: rows are short (tens of neighbours), so this beats a sort call per row.
 * Checks every byte: degrees summing to nnz, LEB128 values of at most 5 bytes and < 2^32, ids
 * < `targets`, and an id stream that ends exactly with the last row.
 */
export function unpackGraph(source: PackedGraphSource, targets: number): CsrGraph {
  const { degree, weightCodes, ids, maxWeight } = source;
  const rows = degree.length;
  const nnz = weightCodes.length;
  const offsets = new Uint32Array(rows + 1);
  for (let r = 0; r < rows; r++) offsets[r + 1] = offsets[r]! + degree[r]!;
  if (offsets[rows] !== nnz)
    throw malformed(source, 'degree', `degrees add up to ${offsets[rows]}, header says ${nnz} neighbours`, source.degreeAt, rows - 1);
  const table = weightTable(maxWeight);
  const neighbors = new Uint32Array(nnz);
  const weights = new Float32Array(nnz);
  const codes = new Uint8Array(nnz);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const start = offsets[r]!;
    const end = offsets[r + 1]!;
    let id = -1;
    for (let e = start; e < end; e++) {
      const first = at;
      let gap = 0;
      // Multiplication, not <<: a fifth byte's bits go past 2^31.
      for (let unit = 1; ; unit *= 128) {
        if (at >= ids.length) throw malformed(source, 'ids', `id stream ends inside row ${r}`, source.idsAt + first, e);
        if (unit > 0x10000000) throw malformed(source, 'ids', `LEB128 value longer than 5 bytes in row ${r}`, source.idsAt + first, e);
        const byte = ids[at++]!;
        gap += (byte & 0x7f) * unit;
        if (byte < 0x80) break;
      }
      id += gap + 1;
      if (id >= targets)
        throw malformed(source, 'ids', `neighbour ${id} of row ${r} is out of range (< ${targets} expected)`, source.idsAt + first, e);
      // Insertion into the row so far, by descending code then ascending id (rows are short).
      const code = weightCodes[e]!;
      let j = e - 1;
      while (j >= start && codes[j]! < code) {
        neighbors[j + 1] = neighbors[j]!;
        codes[j + 1] = codes[j]!;
        j--;
      }
      neighbors[j + 1] = id;
      codes[j + 1] = code;
    }
  }
  for (let e = 0; e < nnz; e++) weights[e] = table[codes[e]!]!;
  if (at !== ids.length)
    throw malformed(source, 'ids', `${ids.length - at} bytes left in the id stream after the last row`, source.idsAt + at, nnz);
  return { offsets, neighbors, weights };
}
