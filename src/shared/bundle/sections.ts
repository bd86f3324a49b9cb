/**
 * Opens one section's bytes: JSON sections are UTF-8 checked and parsed; binary sections have their
 * 16-byte header read, their layout computed from it, the computed length compared with the
 * declared one (before any view is made), and typed-array views returned into the file buffer.
 */
import { strictUtf8Decoder } from './text-codec.ts';
import { VitrineError } from '../errors.ts';
import { SECTION_HEADER_SIZE } from './format.ts';
import { blockView, planBlocks, type Block, type BlockView } from './layout.ts';
import type { SectionEntry } from './table.ts';

/** The four u32 header fields of a binary section, and the file offset of each. */
export interface SectionHeader {
  fields: [number, number, number, number];
  fieldOffset(i: number): number;
}

export function readSectionHeader(bytes: Uint8Array, entry: SectionEntry): SectionHeader {
  if (entry.length < SECTION_HEADER_SIZE) {
    throw new VitrineError(
      'BUNDLE_SECTION_MALFORMED',
      `section ${entry.name} has ${entry.length} bytes, less than its ${SECTION_HEADER_SIZE}-byte header`,
      { section: entry.name, offset: entry.offset },
    );
  }
  const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset + entry.offset, 4);
  return { fields: [u32[0]!, u32[1]!, u32[2]!, u32[3]!], fieldOffset: (i) => entry.offset + i * 4 };
}

/**
 * Views over `blocks` of a section. `countField` names the header field to blame when the layout
 * implied by the counts does not match the declared section length.
 */
export function openBlocks(bytes: Uint8Array, entry: SectionEntry, blocks: readonly Block[], countField = 0): BlockView[] {
  const plan = planBlocks(blocks);
  if (plan.length !== entry.length) {
    const code = plan.length > entry.length ? 'BUNDLE_SECTION_OUT_OF_RANGE' : 'BUNDLE_SECTION_MALFORMED';
    throw new VitrineError(code, `section ${entry.name}: counts imply ${plan.length} bytes, table says ${entry.length}`, {
      section: entry.name,
      offset: entry.offset + countField * 4,
      expected: plan.length,
      declared: entry.length,
    });
  }
  const buffer = bytes.buffer;
  const base = bytes.byteOffset + entry.offset;
  return blocks.map((block, i) => blockView(buffer, base + plan.offsets[i]!, block));
}

/** Parses a JSON section (UTF-8, fatal decoding). */
export function readJson(bytes: Uint8Array, entry: SectionEntry): unknown {
  let text: string;
  try {
    text = strictUtf8Decoder.decode(bytes.subarray(entry.offset, entry.offset + entry.length));
  } catch {
    throw new VitrineError('BUNDLE_INVALID_UTF8', `section ${entry.name} is not valid UTF-8`, {
      section: entry.name,
      offset: entry.offset,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new VitrineError('BUNDLE_SECTION_MALFORMED', `section ${entry.name} is not valid JSON: ${(error as Error).message}`, {
      section: entry.name,
      offset: entry.offset,
    });
  }
}
