import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import { ColumnWriter } from '../../src/shared/bundle/column-writer.ts';
import { ColumnReader, RAW_BITS } from '../../src/shared/bundle/columns.ts';
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';
import { expectVitrineError, reseal, section, view } from './bundle-helpers.ts';

const input = makeFixtureInput({ rows: 40, dim: 8 });
const pristine = encodeBundle(input);

/** The stream of a version-4 column section: every byte after the 16-byte header. */
function streamOf(bytes: Uint8Array, name: 'strings' | 'products' | 'popularity'): { start: number; end: number; header: number } {
  const { offset, length } = section(bytes, name);
  return { header: offset, start: offset + 16, end: offset + length };
}

function reader(write: (w: ColumnWriter) => void): ColumnReader {
  const w = new ColumnWriter();
  write(w);
  return new ColumnReader(w.finish(), 'test', 100);
}

describe('column streams (format version 4)', () => {
  it('should give back integer columns exactly, including u32 refs past 2^31 and -1 read as Int32', () => {
    const values = [0, 1, 2, 3, 0xffffffff, 5, 0x80000000, 7, 7, 7];
    const r = reader((w) => {
      w.ints(values);
      w.ints([-1, 4, -1]);
    });
    expect(Array.from(r.ints(values.length))).toEqual(values);
    expect(Array.from(new Int32Array(r.ints(3).buffer))).toEqual([-1, 4, -1]);
    r.end();
  });

  it('should store prices as cents, ratings with one decimal, NaN as none, and anything else as raw f32 bits', () => {
    const prices = Float32Array.of(9.99, NaN, 0, 1234.5, 0.01);
    const ratings = Float32Array.of(4.7, 3, NaN);
    const odd = Float32Array.of(Math.PI, -2.5, 1e-30);
    const w = new ColumnWriter();
    w.floats(prices);
    const afterPrices = w.finish();
    // One decimals byte (2), then one step per value.
    expect(afterPrices[0]).toBe(2);
    w.floats(ratings);
    w.floats(odd);
    const r = new ColumnReader(w.finish(), 'test', 0);
    expect(Array.from(r.floats(5))).toEqual(Array.from(prices));
    expect(Array.from(r.floats(3))).toEqual(Array.from(ratings));
    expect(Array.from(r.floats(3))).toEqual(Array.from(odd));
    r.end();
    const raw = new ColumnWriter();
    raw.floats(odd);
    expect(raw.finish()[0]).toBe(RAW_BITS);
  });

  it('should reject a value past the stream end, a 6-byte value, a count the stream cannot hold, bad decimals and bytes left over', () => {
    const cases: [(r: ColumnReader) => unknown, RegExp, number][] = [
      [(r) => (r.ints(1), r.uint(), r.uint()), /ends early/, 102],
      [(r) => r.ints(1000), /cannot fit/, 100],
    ];
    for (const [read, message, offset] of cases) {
      const r = new ColumnReader(Uint8Array.of(2, 4), 'test', 100);
      const error = expectVitrineError(() => read(r), 'BUNDLE_SECTION_MALFORMED');
      expect(error.message).toMatch(message);
      expect(error.details).toMatchObject({ section: 'test', offset });
    }
    expect(
      expectVitrineError(
        () => new ColumnReader(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0), 'test', 0).uint(),
        'BUNDLE_SECTION_MALFORMED',
      ).message,
    ).toMatch(/longer than 5 bytes/);
    expect(
      expectVitrineError(() => new ColumnReader(Uint8Array.of(12, 0), 'test', 0).floats(1), 'BUNDLE_SECTION_MALFORMED').message,
    ).toMatch(/12 decimals/);
    const left = new ColumnReader(Uint8Array.of(0, 0), 'test', 0);
    left.ints(1);
    expect(expectVitrineError(() => left.end(), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({ offset: 1 });
  });

  it('should write the three sections as streams, strings interned field by field (ids step by one)', () => {
    const products = streamOf(pristine, 'products');
    // The id column comes first: ref 1 (after the empty string) then steps of +1, zigzagged to 2.
    expect(Array.from(pristine.subarray(products.start, products.start + 5))).toEqual([2, 2, 2, 2, 2]);
    const strings = streamOf(pristine, 'strings');
    expect(view(pristine).getUint32(strings.header, true)).toBeGreaterThan(input.products.length);
  });

  it("should not store per-category scores that are the products' global scores, and give them back the same", () => {
    const own = makeFixtureInput({ rows: 40, dim: 8 });
    const { perCategory, global } = own.popularity;
    const copied = {
      ...own,
      popularity: {
        ...own.popularity,
        perCategory: { ...perCategory, weights: Float32Array.from(perCategory.neighbors, (p) => global[p]!) },
      },
    };
    const stored = {
      ...own,
      popularity: {
        ...own.popularity,
        perCategory: { ...perCategory, weights: Float32Array.from(perCategory.neighbors, (p) => global[p]! + 0.5) },
      },
    };
    const [a, b] = [encodeBundle(copied), encodeBundle(stored)];
    expect(section(a, 'popularity').length).toBeLessThan(section(b, 'popularity').length);
    for (const [bytes, source] of [
      [a, copied],
      [b, stored],
    ] as const) {
      const ranking = decodeBundle(bytes).popularity.perCategory;
      expect(Array.from(ranking.weights)).toEqual(Array.from(source.popularity.perCategory.weights));
      expect(Array.from(ranking.neighbors)).toEqual(Array.from(source.popularity.perCategory.neighbors));
    }
  });

  it('should name the section and a stream offset when a column stream is damaged', () => {
    for (const name of ['strings', 'products', 'popularity'] as const) {
      const truncated = pristine.slice();
      const { header } = streamOf(truncated, name);
      // A count the stream cannot hold.
      view(truncated).setUint32(header, 0x7fffffff, true);
      const error = expectVitrineError(() => decodeBundle(reseal(truncated)), 'BUNDLE_SECTION_MALFORMED');
      expect(error.details.section).toBe(name);
      expect(error.details.offset).toBeGreaterThanOrEqual(header);
    }
  });

  it('should check decoded columns as it checks stored ones: refs in range, flags 0 or 1, offsets monotone', () => {
    const products = streamOf(pristine, 'products');
    // First id ref step 2 (+1) -> a step past the string count.
    const bad = pristine.slice();
    bad.set([0xff, 0xff, 0x03], products.start);
    // Three bytes replace one: the stream no longer parses the same way, so any typed products error will do.
    const error = expectVitrineError(() => decodeBundle(reseal(bad)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details.section).toBe('products');

    const strings = streamOf(pristine, 'strings');
    const decreasing = pristine.slice();
    // Offsets column: 0, then the length of '' (0), then the first id's length; make it step back.
    decreasing[strings.start + 2] = 1; // zigzag 1 = -1
    const offsets = expectVitrineError(() => decodeBundle(reseal(decreasing)), 'BUNDLE_SECTION_MALFORMED');
    expect(offsets.details).toMatchObject({ section: 'strings', field: 'offsets' });
  });
});
