/**
 * `inspectBundle`: a report for `vitrine bundle inspect`. Never throws on a corrupt file; it reports
 * as much as it could read and every problem it found.
 */
import { VitrineError, isVitrineError, type SerializedVitrineError } from '../errors.ts';
import { ALIGN, MAGIC } from './format.ts';
import { asAlignedBytes, decodeBundle, fileChecksum } from './reader.ts';
import { readHeader, readTable, type FileHeader, type SectionEntry } from './table.ts';
import type { SessionModel } from './types.ts';

export interface BundleReportSection {
  /** Kind name, or `'kind#N'` for kinds this reader does not know. */
  kind: string;
  kindCode: number;
  offset: number;
  length: number;
  required: boolean;
  aligned: boolean;
  known: boolean;
}

export interface BundleReport {
  header: {
    /** The first 8 bytes as hex, and whether they are Vitrine's magic. */
    magic: string;
    magicOk: boolean;
    version: number | null;
    flags: number | null;
    sectionCount: number | null;
    /** Declared in the header (null when unreadable). */
    fileLength: number | null;
    /** Bytes actually present. */
    actualLength: number;
    /** CRC-32 as 8 hex digits. */
    checksumStored: string | null;
    checksumComputed: string | null;
  };
  sections: BundleReportSection[];
  ok: boolean;
  errors: SerializedVitrineError[];
  /** Counts when the file decoded: products, categories, brands, dim, dtype... */
  summary: Record<string, string | number> | null;
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');

function toSerialized(error: unknown): SerializedVitrineError {
  if (isVitrineError(error)) return (error as VitrineError).toJSON();
  // A non-Vitrine error here is a reader bug; report it rather than crash the CLI.
  return new VitrineError('BUNDLE_SECTION_MALFORMED', `unexpected reader failure: ${String(error)}`, {}).toJSON();
}

export function inspectBundle(input: Uint8Array | ArrayBuffer): BundleReport {
  const bytes = asAlignedBytes(input);
  const errors: SerializedVitrineError[] = [];
  const magicBytes = Array.from(bytes.subarray(0, MAGIC.length), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const report: BundleReport = {
    header: {
      magic: magicBytes,
      magicOk: bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b),
      version: null,
      flags: null,
      sectionCount: null,
      fileLength: null,
      actualLength: bytes.length,
      checksumStored: null,
      checksumComputed: bytes.length >= 24 ? hex(fileChecksum(bytes)) : null,
    },
    sections: [],
    ok: false,
    errors,
    summary: null,
  };
  let header: FileHeader;
  try {
    header = readHeader(bytes);
  } catch (error) {
    errors.push(toSerialized(error));
    fillRawHeader(report, bytes);
    return report;
  }
  Object.assign(report.header, {
    version: header.version,
    flags: header.flags,
    sectionCount: header.sectionCount,
    fileLength: header.fileLength,
    checksumStored: hex(header.storedChecksum),
  });
  const entries: SectionEntry[] = readTable(bytes, header, (e) => errors.push(e.toJSON()));
  report.sections = entries.map((e) => ({
    kind: e.name,
    kindCode: e.kind,
    offset: e.offset,
    length: e.length,
    required: e.required,
    aligned: e.offset % ALIGN === 0,
    known: !e.name.startsWith('kind#'),
  }));
  if (errors.length > 0) return report;
  if (report.header.checksumStored !== report.header.checksumComputed) {
    errors.push(
      new VitrineError(
        'BUNDLE_CHECKSUM_MISMATCH',
        `stored CRC-32 ${report.header.checksumStored}, computed ${report.header.checksumComputed}`,
        { section: 'header', offset: 20 },
      ).toJSON(),
    );
  }
  try {
    // Past a checksum mismatch, still say which section's content is bad, if any.
    const bundle = decodeBundle(bytes, { verifyChecksum: false });
    report.summary = {
      products: bundle.products.count,
      categories: bundle.categories.length,
      brands: bundle.brands.length,
      dim: bundle.embeddings.dim,
      dtype: bundle.embeddings.dtype,
      covisitationEdges: bundle.covisitation.neighbors.length,
      copurchaseEdges: bundle.copurchase.neighbors.length,
      builder: bundle.meta.builder,
      builtAt: bundle.meta.builtAt,
      sessionModel: sessionModelSummary(bundle.sessionModel),
    };
  } catch (error) {
    errors.push(toSerialized(error));
  }
  report.ok = errors.length === 0;
  return report;
}

/** The session-kNN constants in one line, with how they came about. */
function sessionModelSummary(model: SessionModel | null): string {
  if (model === null) return 'none (published defaults apply)';
  const { neighbours, sample, recencyUnit, recencyScale, spw, inh, ipw, idf, note } = model;
  const recency = recencyUnit === 'none' ? 'no recency decay' : `recency ${recencyScale} ${recencyUnit}`;
  return `neighbours ${neighbours}, sample ${sample}, ${recency}, spw ${spw}, inh ${inh}, ipw ${ipw}, idf ${idf}${note ? ` — ${note}` : ''}`;
}

/** Best-effort header fields for files whose header failed validation (e.g. wrong version). */
function fillRawHeader(report: BundleReport, bytes: Uint8Array): void {
  if (bytes.length < 32) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  report.header.version = view.getUint16(8, true);
  report.header.flags = view.getUint16(10, true);
  report.header.sectionCount = view.getUint32(12, true);
  report.header.fileLength = view.getUint32(16, true);
  report.header.checksumStored = hex(view.getUint32(20, true));
}
