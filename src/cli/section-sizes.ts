/**
 * Raw and gzipped size of each section of a bundle file, for `bundle build` and `bundle inspect`:
 * the gzip figure is what a visitor downloads for that section when the shop serves the bundle
 * compressed (gzip -9, as the size measurements in docs/bundle-format.md).
 */
import { gzipSync } from 'node:zlib';
import type { BundleSink } from '../shared/bundle/writer.ts';

export interface SectionSize {
  kind: string;
  bytes: number;
  gzip: number;
}

/** A section's place in the file: its kind name, offset and length (from the section table). */
export interface SectionPlace {
  kind: string;
  offset: number;
  length: number;
}

/** Sizes of `sections`, or null when one of them lies outside the file (a corrupt table). */
export function sectionSizes(bytes: Uint8Array, sections: readonly SectionPlace[]): SectionSize[] | null {
  if (sections.some((s) => s.offset + s.length > bytes.length)) return null;
  return sections.map((s) => ({
    kind: s.kind,
    bytes: s.length,
    gzip: gzipSync(bytes.subarray(s.offset, s.offset + s.length), { level: 9 }).length,
  }));
}

/** `sink`, recording the gzip size of each section the writer passes through it, in order. */
export function gzipMeasured(): { sizes: number[]; around(sink: BundleSink): BundleSink } {
  const sizes: number[] = [];
  return {
    sizes,
    around: (sink) => ({
      append: (bytes) => sink.append(bytes),
      patch: (position, bytes) => sink.patch(position, bytes),
      section: (bytes) => void sizes.push(gzipSync(bytes, { level: 9 }).length),
    }),
  };
}

/**
 * Table lines: kind, raw bytes, gzip bytes, then the sums (the whole file gzipped is within a few
 * hundred bytes of the gzip sum: header, table and padding compress to almost nothing).
 */
export function sizeLines(sizes: readonly SectionSize[], indent: string): string[] {
  const row = (kind: string, raw: number, gzip: number) =>
    `${indent}${kind.padEnd(14)} ${String(raw).padStart(12)} ${String(gzip).padStart(12)}`;
  return [
    `${indent}${'section'.padEnd(14)} ${'raw bytes'.padStart(12)} ${'gzip bytes'.padStart(12)}`,
    ...sizes.map((s) => row(s.kind, s.bytes, s.gzip)),
    row(
      'sections sum',
      sizes.reduce((sum, s) => sum + s.bytes, 0),
      sizes.reduce((sum, s) => sum + s.gzip, 0),
    ),
  ];
}
