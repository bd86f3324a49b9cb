/**
 * Reads and checks the fixed header and the section table: the structural layer every other check
 * relies on. Order (each step assumes the previous passed): file long enough for the header, magic,
 * version, declared file length vs bytes present, table inside the file, then per entry: duplicate
 * kind, unknown-required, range, alignment; then overlaps; then missing required sections.
 */
import { VitrineError, type ErrorDetails } from '../errors.ts';
import {
  ALIGN,
  FORMAT_VERSION,
  MIN_FORMAT_VERSION,
  HEADER,
  HEADER_SIZE,
  MAGIC,
  REQUIRED_SECTIONS,
  SECTION_ENTRY_SIZE,
  SECTION_FLAG_REQUIRED,
  SectionKind,
  knownSection,
  sectionName,
} from './format.ts';

/** One validated section-table entry. */
export interface SectionEntry {
  kind: number;
  /** Known name, or `'kind#N'`. */
  name: string;
  flags: number;
  required: boolean;
  offset: number;
  length: number;
  /** Byte position of this entry in the table (for error details). */
  entryOffset: number;
}

export interface FileHeader {
  version: number;
  flags: number;
  sectionCount: number;
  fileLength: number;
  storedChecksum: number;
}

/** Receives each problem found; the decoder throws on the first, `inspectBundle` collects them. */
export type ProblemSink = (error: VitrineError) => void;

export const throwSink: ProblemSink = (error) => {
  throw error;
};

function problem(code: VitrineError['code'], message: string, details: ErrorDetails): VitrineError {
  return new VitrineError(code, message, details);
}

/**
 * Parses the header. Problems that make the rest unreadable (too short, magic, version, length,
 * table outside the file) always throw, even with a collecting sink.
 */
export function readHeader(bytes: Uint8Array): FileHeader {
  if (bytes.length < HEADER_SIZE) {
    throw problem('BUNDLE_TRUNCATED', `file has ${bytes.length} bytes, the header alone needs ${HEADER_SIZE}`, {
      section: 'header',
      offset: bytes.length,
    });
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i])
      throw problem('BUNDLE_BAD_MAGIC', 'not a Vitrine bundle (wrong magic bytes)', { section: 'header', offset: i });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(HEADER.version, true);
  if (version < MIN_FORMAT_VERSION || version > FORMAT_VERSION) {
    throw problem(
      'BUNDLE_UNSUPPORTED_VERSION',
      `format version ${version}, this reader supports ${MIN_FORMAT_VERSION} to ${FORMAT_VERSION}`,
      {
        section: 'header',
        offset: HEADER.version,
        version,
      },
    );
  }
  const fileLength = view.getUint32(HEADER.fileLength, true);
  if (fileLength > bytes.length) {
    throw problem('BUNDLE_TRUNCATED', `header declares ${fileLength} bytes, file has ${bytes.length}`, {
      section: 'header',
      offset: HEADER.fileLength,
      declared: fileLength,
      actual: bytes.length,
    });
  }
  if (fileLength < bytes.length) {
    throw problem('BUNDLE_SECTION_MALFORMED', `header declares ${fileLength} bytes, file has ${bytes.length} (trailing data)`, {
      section: 'header',
      offset: HEADER.fileLength,
      declared: fileLength,
      actual: bytes.length,
    });
  }
  const sectionCount = view.getUint32(HEADER.sectionCount, true);
  // Compare before allocating anything per entry: a forged count must not drive an allocation.
  if (HEADER_SIZE + sectionCount * SECTION_ENTRY_SIZE > fileLength) {
    throw problem('BUNDLE_TRUNCATED', `section table of ${sectionCount} entries does not fit in ${fileLength} bytes`, {
      section: 'header',
      offset: HEADER.sectionCount,
      declared: sectionCount,
    });
  }
  return {
    version,
    flags: view.getUint16(HEADER.flags, true),
    sectionCount,
    fileLength,
    storedChecksum: view.getUint32(HEADER.checksum, true),
  };
}

/** Reads the table and runs the structural checks, reporting problems to `sink`. */
export function readTable(bytes: Uint8Array, header: FileHeader, sink: ProblemSink = throwSink): SectionEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tableEnd = HEADER_SIZE + header.sectionCount * SECTION_ENTRY_SIZE;
  const entries: SectionEntry[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < header.sectionCount; i++) {
    const entryOffset = HEADER_SIZE + i * SECTION_ENTRY_SIZE;
    const kind = view.getUint32(entryOffset, true);
    const flags = view.getUint32(entryOffset + 4, true);
    const offset = view.getUint32(entryOffset + 8, true);
    const length = view.getUint32(entryOffset + 12, true);
    const name = sectionName(kind);
    const entry: SectionEntry = { kind, name, flags, required: (flags & SECTION_FLAG_REQUIRED) !== 0, offset, length, entryOffset };
    entries.push(entry);
    if (seen.has(kind)) {
      sink(problem('BUNDLE_SECTION_MALFORMED', `section ${name} appears twice in the table`, { section: name, offset: entryOffset }));
    }
    seen.add(kind);
    if (knownSection(kind) === undefined && entry.required) {
      // A required section we cannot interpret means the file needs a newer reader.
      sink(
        problem('BUNDLE_UNSUPPORTED_VERSION', `required section kind ${kind} is unknown to this reader`, {
          section: name,
          offset: entryOffset,
          kind,
        }),
      );
    }
    if (offset < tableEnd || offset + length > header.fileLength) {
      sink(
        problem(
          'BUNDLE_SECTION_OUT_OF_RANGE',
          `section ${name} [${offset}, ${offset + length}) lies outside [${tableEnd}, ${header.fileLength})`,
          { section: name, offset: entryOffset + 8, sectionOffset: offset, sectionLength: length },
        ),
      );
    }
    if (offset % ALIGN !== 0) {
      sink(
        problem('BUNDLE_SECTION_MISALIGNED', `section ${name} starts at ${offset}, not a multiple of ${ALIGN}`, {
          section: name,
          offset: entryOffset + 8,
          sectionOffset: offset,
        }),
      );
    }
  }
  const sorted = entries.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.offset < prev.offset + prev.length) {
      sink(
        problem('BUNDLE_SECTION_OVERLAP', `sections ${prev.name} and ${cur.name} overlap at byte ${cur.offset}`, {
          section: cur.name,
          offset: cur.offset,
          other: prev.name,
        }),
      );
    }
  }
  for (const name of REQUIRED_SECTIONS) {
    if (!seen.has(SectionKind[name])) {
      sink(problem('BUNDLE_SECTION_MISSING', `required section ${name} is missing`, { section: name, offset: HEADER.sectionCount }));
    }
  }
  return entries;
}
