/**
 * The array layout of every binary section, derived only from the section's four u32 header fields.
 * Writer and reader share these functions, so the two cannot disagree about where an array lives.
 */
import { DTYPE_CODE, SECTION_HEADER_SIZE, align } from './format.ts';

export type ElementType = 'u8' | 'i8' | 'u16' | 'u32' | 'i32' | 'f32';

/** Bytes per element. */
export const ELEMENT_SIZE: Record<ElementType, number> = { u8: 1, i8: 1, u16: 2, u32: 4, i32: 4, f32: 4 };

/** One array of a section: its name (used in error details), element type and element count. */
export interface Block {
  name: string;
  type: ElementType;
  count: number;
}

/** Where each block starts, relative to the section start, and the section's total length. */
export interface BlockPlan {
  offsets: number[];
  /** Header + every block padded to ALIGN, i.e. the exact section length. */
  length: number;
}

/**
 * Lays blocks out after the 16-byte section header, each padded to ALIGN. Counts may come from
 * an untrusted file: the result is plain arithmetic (doubles are exact far beyond 2^32 * 4), so a
 * huge count simply yields a huge `length` that the caller compares with the bytes present.
 */
export type BlockView = Uint8Array | Int8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;

/** A typed-array view of one block at byte `at` of `buffer` (the reader's and the writer's). */
export function blockView(buffer: ArrayBufferLike, at: number, block: Block): BlockView {
  switch (block.type) {
    case 'u8':
      return new Uint8Array(buffer, at, block.count);
    case 'i8':
      return new Int8Array(buffer, at, block.count);
    case 'u16':
      return new Uint16Array(buffer, at, block.count);
    case 'u32':
      return new Uint32Array(buffer, at, block.count);
    case 'i32':
      return new Int32Array(buffer, at, block.count);
    case 'f32':
      return new Float32Array(buffer, at, block.count);
  }
}

export function planBlocks(blocks: readonly Block[]): BlockPlan {
  const offsets: number[] = [];
  let cursor = SECTION_HEADER_SIZE;
  for (const block of blocks) {
    offsets.push(cursor);
    cursor += align(block.count * ELEMENT_SIZE[block.type]);
  }
  return { offsets, length: cursor };
}

// strings, products and popularity: a column stream in version 4 (./columns.ts), fixed blocks
// before (./legacy-layout.ts).

/** categories: header [count]. Parents come before children. */
export function categoriesBlocks(count: number): Block[] {
  return [
    { name: 'name', type: 'u32', count },
    { name: 'parent', type: 'i32', count },
  ];
}

/** brands: header [count]. */
export function brandsBlocks(count: number): Block[] {
  return [{ name: 'name', type: 'u32', count }];
}

/**
 * Packed covisitation / copurchase (format version 2, h2 = 1): header [productCount, nnz, 1,
 * idBytes]. Ids are LEB128 gaps, weights 8-bit log-scale codes (graph-codec.ts).
 */
export function packedGraphBlocks(n: number, nnz: number, idBytes: number): Block[] {
  return [
    { name: 'maxWeight', type: 'f32', count: 1 },
    { name: 'degree', type: 'u16', count: n },
    { name: 'weightCodes', type: 'u8', count: nnz },
    { name: 'ids', type: 'u8', count: idBytes },
  ];
}

/** Kind 17: one LEB128 stream (./sessions-codec.ts). */
export function packedSessionsBlocks(streamBytes: number): Block[] {
  return [{ name: 'stream', type: 'u8', count: streamBytes }];
}

/**
 * embeddings: header [rows, dim, dtypeCode, subspaces]. i8 matrices carry one f32 scale per row.
 * Product-quantised ones (dtype code 3): ./legacy-layout.ts.
 */
export function embeddingsBlocks(rows: number, dim: number, dtypeCode: number): Block[] {
  if (dtypeCode === DTYPE_CODE.i8) {
    return [
      { name: 'data', type: 'i8', count: rows * dim },
      { name: 'scales', type: 'f32', count: rows },
    ];
  }
  return [{ name: 'data', type: 'f32', count: rows * dim }];
}
