/**
 * Raw and gzipped size of each section of a bundle file, for `bundle build` and `bundle inspect`:
 * the gzip figure is what a visitor downloads for that section when the shop serves the bundle
 * compressed (gzip -9, as the size measurements in docs/bundle-format.md).
 */
import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
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

/** Where a section lies in a file. */
export interface FilePlace {
  offset: number;
  length: number;
}

/**
 * `sink`, recording where each section the writer passes through it lands in the file, so that
 * `gzipSizesInFile` can measure them once the file is written. Gzipping a section while it is
 * written would hold its compressed copy too: 47 MB for the embeddings of 200,000 products, which
 * was the build's peak memory.
 */
export function sectionPlaces(): { places: FilePlace[]; around(sink: BundleSink): BundleSink } {
  const places: FilePlace[] = [];
  let position = 0;
  return {
    places,
    around: (sink) => ({
      append: (bytes) => {
        sink.append(bytes);
        position += bytes.length;
      },
      patch: (position, bytes) => sink.patch(position, bytes),
      section: (bytes) => void places.push({ offset: position, length: bytes.length }),
    }),
  };
}

/**
 * The gzip -9 size of each place's bytes in `file`, read and compressed in 1 MB pieces and only
 * counted: the same sizes as `gzipSync` of the whole section (zlib's output does not depend on how
 * its input is split), in bounded memory.
 */
export async function gzipSizesInFile(file: string, places: readonly FilePlace[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const { offset, length } of places) {
    let size = 0;
    const counter = new Writable({
      write(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done();
      },
    });
    const source =
      length > 0 ? createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: 1 << 20 }) : Readable.from([]);
    await pipeline(source, createGzip({ level: 9 }), counter);
    sizes.push(size);
  }
  return sizes;
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
