import { FORMAT_VERSION } from '../../src/shared/bundle/format.ts';
import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, inspectBundle, SectionKind } from '../../src/shared/bundle/index.ts';
import { assembleRaw } from '../../src/shared/bundle/writer.ts';
import { makeFixtureInput, seededRandom } from '../fixtures/bundle-fixture.ts';
import { arrayOffset, expectVitrineError, reseal, section, sections, view } from './bundle-helpers.ts';

const input = makeFixtureInput({ dim: 8 });
input.products[0]!.title = 'café';
input.modelWeights = { similarity: 0.625, covisitation: 0.375 };
// f32 graphs: the content checks below patch the plain CSR arrays (packed graphs: bundle-graph-codec.test.ts).
// The fixed layout (version 3) puts every checked value at a known offset; the column streams of
// version 4 are checked by bundle-columns.test.ts.
const pristine = encodeBundle(input, { graphs: 'f32', layout: 'blocks' });
const n = input.products.length;
const fresh = (): Uint8Array => pristine.slice();

/** Re-lays the file's sections plus one extra raw section. */
function withExtraSection(bytes: Uint8Array, kind: number, flags: number, payload: Uint8Array): Uint8Array {
  const raw = sections(bytes).map((s) => ({
    kind: s.kind,
    flags: s.flags,
    length: s.length,
    write: (buffer: ArrayBuffer, at: number) => new Uint8Array(buffer, at, s.length).set(bytes.subarray(s.offset, s.offset + s.length)),
  }));
  raw.push({ kind, flags, length: payload.length, write: (buffer, at) => new Uint8Array(buffer, at, payload.length).set(payload) });
  return assembleRaw(raw, 3);
}

describe('decodeBundle header and table checks', () => {
  it('B2: should reject a wrong magic with BUNDLE_BAD_MAGIC at the bad byte', () => {
    const bytes = fresh();
    bytes[3] = 0x58;
    const error = expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_BAD_MAGIC');
    expect(error.details).toMatchObject({ section: 'header', offset: 3 });
  });

  it('B2: should reject another format version with BUNDLE_UNSUPPORTED_VERSION', () => {
    const bytes = fresh();
    view(bytes).setUint16(8, FORMAT_VERSION + 1, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_UNSUPPORTED_VERSION').details).toMatchObject({
      section: 'header',
      offset: 8,
    });
    view(bytes).setUint16(8, 0, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_UNSUPPORTED_VERSION').details).toMatchObject({
      section: 'header',
      offset: 8,
    });
  });

  it('B1: should reject a truncated file with BUNDLE_TRUNCATED', () => {
    expect(expectVitrineError(() => decodeBundle(pristine.slice(0, pristine.length - 1)), 'BUNDLE_TRUNCATED').details).toMatchObject({
      section: 'header',
      offset: 16,
    });
    expect(expectVitrineError(() => decodeBundle(pristine.slice(0, 20)), 'BUNDLE_TRUNCATED').details).toMatchObject({ section: 'header' });
  });

  it('B1: should reject a cut at every section boundary and at 200 random offsets with BUNDLE_TRUNCATED, section and offset', () => {
    const random = seededRandom(12);
    const cuts = new Set<number>([0, 1, 31, 32]);
    for (const s of sections(pristine))
      for (const at of [s.offset, s.offset + 1, s.offset + s.length - 1, s.offset + s.length]) cuts.add(at);
    while (cuts.size < 200 + 4 + sections(pristine).length * 4) cuts.add(Math.floor(random() * pristine.length));
    cuts.delete(pristine.length);
    for (const cut of cuts) {
      const error = expectVitrineError(() => decodeBundle(pristine.slice(0, cut)), 'BUNDLE_TRUNCATED');
      expect(error.details.section, `cut at ${cut}`).toBe('header');
      expect(typeof error.details.offset, `cut at ${cut}`).toBe('number');
    }
  });

  it('should reject trailing bytes after the declared length', () => {
    const longer = new Uint8Array(pristine.length + 16);
    longer.set(pristine);
    expect(expectVitrineError(() => decodeBundle(longer), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'header',
      offset: 16,
    });
  });

  it('B3: should reject a section table larger than the file', () => {
    const bytes = fresh();
    view(bytes).setUint32(12, 0xffffffff, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_TRUNCATED').details).toMatchObject({ section: 'header', offset: 12 });
  });

  it('B3: should reject a section reaching past the end with BUNDLE_SECTION_OUT_OF_RANGE', () => {
    const bytes = fresh();
    // The last section, so that growing it overlaps nothing and only the range check fires.
    const last = section(bytes, 'modelWeights');
    view(bytes).setUint32(last.entry + 12, last.length + 1, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_SECTION_OUT_OF_RANGE').details).toMatchObject({
      section: 'modelWeights',
      offset: last.entry + 8,
    });
  });

  it('B4: should reject a section pointing into the header or table', () => {
    const bytes = fresh();
    view(bytes).setUint32(section(bytes, 'meta').entry + 8, 0, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_SECTION_OUT_OF_RANGE').details.section).toBe('meta');
  });

  it('B4: should reject overlapping sections with BUNDLE_SECTION_OVERLAP', () => {
    const bytes = fresh();
    const categories = section(bytes, 'categories');
    view(bytes).setUint32(section(bytes, 'brands').entry + 8, categories.offset, true);
    const error = expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_SECTION_OVERLAP');
    expect(error.details.offset).toBe(categories.offset);
    expect(['brands', 'categories']).toContain(error.details.section);
  });

  it('B4: should reject a section not on a 16-byte boundary with BUNDLE_SECTION_MISALIGNED', () => {
    const bytes = fresh();
    const brands = section(bytes, 'brands');
    view(bytes).setUint32(brands.entry + 8, brands.offset + 4, true);
    view(bytes).setUint32(brands.entry + 12, brands.length - 4, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_SECTION_MISALIGNED').details).toMatchObject({
      section: 'brands',
      offset: brands.entry + 8,
    });
  });

  it('should reject a missing required section with BUNDLE_SECTION_MISSING', () => {
    const bytes = fresh();
    const copurchase = section(bytes, 'copurchase');
    view(bytes).setUint32(copurchase.entry, 999, true);
    view(bytes).setUint32(copurchase.entry + 4, 0, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_SECTION_MISSING').details.section).toBe('copurchase');
  });

  it('should leave a malformed banditPriors section to the bandits: the bundle still loads (they report PRIORS_INVALID when used)', () => {
    const priors = { hero: { a: { alpha: -1, beta: 1 } } };
    const bundle = decodeBundle(encodeBundle({ ...input, banditPriors: priors }));
    expect(bundle.banditPriors).toEqual(priors);
    expect(bundle.products.count).toBe(input.products.length);
  });

  it('should reject a section listed twice', () => {
    const bytes = fresh();
    view(bytes).setUint32(section(bytes, 'modelWeights').entry, SectionKind.banditPriors, true);
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_SECTION_MALFORMED').details.section).toBe('banditPriors');
  });

  it('B6: should reject a content change with BUNDLE_CHECKSUM_MISMATCH', () => {
    const bytes = fresh();
    bytes[section(bytes, 'embeddings').offset + 40]! ^= 1;
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_CHECKSUM_MISMATCH').details).toMatchObject({
      section: 'header',
      offset: 20,
    });
  });

  it('should match zlib CRC-32 of the file with the checksum field zeroed', async () => {
    const { crc32 } = (await import('node:zlib')) as unknown as { crc32?: (b: Uint8Array) => number };
    if (!crc32) return; // zlib.crc32 arrived in Node 20.15; engines allows >= 20.19, so this always runs there.
    const bytes = fresh();
    const stored = view(bytes).getUint32(20, true);
    view(bytes).setUint32(20, 0, true);
    expect(stored).toBe(crc32(bytes));
  });
});

describe('decodeBundle forward compatibility', () => {
  it('B2: should skip an unknown optional section', () => {
    const bytes = withExtraSection(pristine, 4242, 0, new Uint8Array([1, 2, 3]));
    expect(decodeBundle(bytes).products.count).toBe(n);
  });

  it('B2: should reject an unknown required section', () => {
    const bytes = withExtraSection(pristine, 4242, 1, new Uint8Array([1, 2, 3]));
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_UNSUPPORTED_VERSION').details.section).toBe('kind#4242');
  });
});

describe('decodeBundle content checks', () => {
  it('should reject CSR offsets that decrease', () => {
    const bytes = fresh();
    const covis = section(bytes, 'covisitation');
    const at = arrayOffset(covis.offset, []) + 5 * 4;
    view(bytes).setUint32(at, 0xffff, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'covisitation',
      offset: at + 4,
    });
  });

  it('B9: should reject a neighbour index >= product count (a dangling edge)', () => {
    const bytes = fresh();
    const covis = section(bytes, 'covisitation');
    const at = arrayOffset(covis.offset, [(n + 1) * 4]);
    view(bytes).setUint32(at, n, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'covisitation',
      offset: at,
    });
  });

  it('should reject a count that disagrees with the product count', () => {
    const bytes = fresh();
    const pop = section(bytes, 'popularity');
    view(bytes).setUint32(pop.offset, n - 1, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'popularity',
      offset: pop.offset,
    });
  });

  it('should reject invalid JSON in meta', () => {
    const bytes = fresh();
    bytes[section(bytes, 'meta').offset] = 0x78;
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED').details.section).toBe('meta');
  });

  it('B3: should reject huge declared counts without allocating for them', () => {
    for (const name of ['strings', 'products', 'embeddings'] as const) {
      const bytes = fresh();
      const s = section(bytes, name);
      view(bytes).setUint32(s.offset + (name === 'embeddings' ? 4 : 0), 0xfffffff0, true);
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      const error = expectVitrineError(
        () => decodeBundle(reseal(bytes)),
        name === 'embeddings' ? 'BUNDLE_SECTION_MALFORMED' : 'BUNDLE_SECTION_OUT_OF_RANGE',
      );
      expect(error.details.section).toBe(name);
      expect(performance.now() - t0).toBeLessThan(200);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    }
  });

  it('B5: should reject NaN or Infinity in vectors, weights and prices with BUNDLE_NON_FINITE', () => {
    const emb = section(pristine, 'embeddings');
    const products = section(pristine, 'products');
    const covis = section(pristine, 'covisitation');
    const cases: [string, number, number[]][] = [
      ['embeddings', arrayOffset(emb.offset, []) + 12, [NaN, Infinity]],
      // A price may be NaN ("the catalog gives none"), never infinite.
      ['products', arrayOffset(products.offset, Array(8).fill(n * 4)) + 8, [Infinity, -Infinity]],
      ['covisitation', arrayOffset(covis.offset, [(n + 1) * 4, input.covisitation.neighbors.length * 4]), [NaN, Infinity]],
    ];
    for (const [name, at, badValues] of cases) {
      for (const bad of badValues) {
        const bytes = fresh();
        view(bytes).setFloat32(at, bad, true);
        expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_NON_FINITE').details).toMatchObject({
          section: name,
          offset: at,
        });
      }
    }
  });

  it('should accept NaN as "no sale price" but reject Infinity', () => {
    const products = section(pristine, 'products');
    const at = arrayOffset(products.offset, Array(9).fill(n * 4)); // salePrice[0]
    const bytes = fresh();
    view(bytes).setFloat32(at, NaN, true);
    expect(Number.isNaN(decodeBundle(reseal(bytes)).products.salePrice[0])).toBe(true);
    view(bytes).setFloat32(at, -Infinity, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_NON_FINITE').details).toMatchObject({
      section: 'products',
      offset: at,
    });
  });

  it('B5: should reject a non-finite i8 row scale', () => {
    const i8Input = makeFixtureInput({ dtype: 'i8', dim: 8, rows: 40 });
    const bytes = encodeBundle(i8Input);
    const emb = section(bytes, 'embeddings');
    const at = arrayOffset(emb.offset, [40 * 8]) + 2 * 4;
    view(bytes).setFloat32(at, Infinity, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_NON_FINITE').details).toMatchObject({
      section: 'embeddings',
      offset: at,
    });
  });

  it('should reject a model weight of 1e999 (Infinity after JSON.parse)', () => {
    const bytes = fresh();
    const mw = section(bytes, 'modelWeights');
    const text = new TextDecoder().decode(bytes.subarray(mw.offset, mw.offset + mw.length));
    const at = text.indexOf('0.625');
    bytes.set(new TextEncoder().encode('1e999'), mw.offset + at);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_NON_FINITE').details.section).toBe('modelWeights');
  });

  it('B7: should reject invalid UTF-8 in the string table with its offset', () => {
    const bytes = fresh();
    const strings = section(bytes, 'strings');
    const count = view(bytes).getUint32(strings.offset, true);
    const blob = arrayOffset(strings.offset, [(count + 1) * 4]);
    bytes[blob + 3] = 0xff;
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_INVALID_UTF8').details).toMatchObject({
      section: 'strings',
      offset: blob + 3,
    });
  });

  it('B7: should reject a string boundary that splits a code point', () => {
    const bytes = fresh();
    const strings = section(bytes, 'strings');
    const count = view(bytes).getUint32(strings.offset, true);
    const offsetsAt = arrayOffset(strings.offset, []);
    const blob = arrayOffset(strings.offset, [(count + 1) * 4]);
    // Find 'café' (its 'é' is 2 bytes) and end it one byte early: the next string starts mid-character.
    const cafe = new TextEncoder().encode('café');
    let ref = -1;
    for (let i = 0; i < count && ref < 0; i++) {
      const start = view(bytes).getUint32(offsetsAt + i * 4, true);
      const end = view(bytes).getUint32(offsetsAt + (i + 1) * 4, true);
      if (end - start === cafe.length && bytes.subarray(blob + start, blob + end).every((b, k) => b === cafe[k])) ref = i;
    }
    expect(ref).toBeGreaterThan(0);
    const endAt = offsetsAt + (ref + 1) * 4;
    const end = view(bytes).getUint32(endAt, true);
    view(bytes).setUint32(endAt, end - 1, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_INVALID_UTF8').details).toMatchObject({
      section: 'strings',
      offset: blob + end - 1,
    });
  });

  it('B9: should reject duplicate product ids (same string ref)', () => {
    const bytes = fresh();
    const idAt = arrayOffset(section(bytes, 'products').offset, []);
    view(bytes).setUint32(idAt + 4, view(bytes).getUint32(idAt, true), true);
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_DUPLICATE_ID');
    expect(error.details).toMatchObject({ section: 'products', offset: idAt + 4, id: input.products[0]!.id });
  });

  it('B9: should reject duplicate product ids stored as two equal strings', () => {
    const bytes = fresh();
    const strings = section(bytes, 'strings');
    const count = view(bytes).getUint32(strings.offset, true);
    const offsetsAt = arrayOffset(strings.offset, []);
    const blob = arrayOffset(strings.offset, [(count + 1) * 4]);
    const idAt = arrayOffset(section(bytes, 'products').offset, []);
    // Ids '1' and '2' are both one byte: overwrite '2' with '1'.
    const ref1 = view(bytes).getUint32(idAt + 4, true);
    bytes[blob + view(bytes).getUint32(offsetsAt + ref1 * 4, true)] = 0x31;
    expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_DUPLICATE_ID');
  });
});

describe('inspectBundle', () => {
  it('should describe a valid bundle', () => {
    const report = inspectBundle(pristine);
    expect(report.ok).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.header).toMatchObject({ magicOk: true, version: 3, fileLength: pristine.length });
    expect(report.header.checksumStored).toBe(report.header.checksumComputed);
    expect(report.sections.map((s) => s.kind)).toEqual([
      'meta',
      'strings',
      'products',
      'categories',
      'brands',
      'popularity',
      'covisitation',
      'copurchase',
      'embeddings',
      'banditPriors',
      'modelWeights',
    ]);
    expect(report.sections.every((s) => s.aligned)).toBe(true);
    expect(report.summary).toMatchObject({ products: n, dim: 8, dtype: 'f32' });
  });

  it('should report several problems of a corrupt file without throwing', () => {
    const bytes = fresh();
    const brands = section(bytes, 'brands');
    view(bytes).setUint32(brands.entry + 8, brands.offset + 4, true);
    view(bytes).setUint32(section(bytes, 'copurchase').entry, 999, true);
    const report = inspectBundle(bytes);
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(
      expect.arrayContaining(['BUNDLE_SECTION_MISALIGNED', 'BUNDLE_SECTION_MISSING', 'BUNDLE_UNSUPPORTED_VERSION']),
    );
    expect(report.sections.find((s) => s.kind === 'brands')?.aligned).toBe(false);
  });

  it('should report both a checksum mismatch and the bad content behind it', () => {
    const bytes = fresh();
    view(bytes).setFloat32(arrayOffset(section(bytes, 'embeddings').offset, []), NaN, true);
    expect(inspectBundle(bytes).errors.map((e) => e.code)).toEqual(['BUNDLE_CHECKSUM_MISMATCH', 'BUNDLE_NON_FINITE']);
  });

  it('should report a non-bundle file', () => {
    const report = inspectBundle(new TextEncoder().encode('{"not": "a bundle", "padding": "......................"}'));
    expect(report.ok).toBe(false);
    expect(report.header.magicOk).toBe(false);
    expect(report.errors[0]?.code).toBe('BUNDLE_BAD_MAGIC');
  });
});
