/**
 * The packed graph encoding (format version 2): exact byte layout on a hand-made graph, every
 * corruption rejected with a typed error naming the section and field, version-1 files still read,
 * and random damage never giving out an out-of-range neighbour.
 */
import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, type BundleInput, type CsrGraph } from '../../src/shared/bundle/index.ts';
import { align } from '../../src/shared/bundle/format.ts';
import { isVitrineError } from '../../src/shared/errors.ts';
import { makeFixtureInput, seededRandom } from '../fixtures/bundle-fixture.ts';
import { expectVitrineError, reseal, section, view } from './bundle-helpers.ts';

const N = 20;

/** Row r links to r+1 and r+2 (mod N) with weights 0.5 and 0.25: every id gap fits one LEB128 byte. */
function ringGraph(): CsrGraph {
  const offsets = Uint32Array.from({ length: N + 1 }, (_, r) => 2 * r);
  const neighbors = Uint32Array.from({ length: 2 * N }, (_, e) => ((e >> 1) + 1 + (e & 1)) % N);
  const weights = Float32Array.from({ length: 2 * N }, (_, e) => (e & 1 ? 0.25 : 0.5));
  return { offsets, neighbors, weights };
}

function ringInput(): BundleInput {
  return { ...makeFixtureInput({ rows: N, dim: 8 }), covisitation: ringGraph() };
}

/** File offsets of the packed covisitation arrays: section header, maxWeight, degree, weightCodes, ids. */
function packedLayout(bytes: Uint8Array) {
  const { offset } = section(bytes, 'covisitation');
  const v = view(bytes);
  const n = v.getUint32(offset, true);
  const nnz = v.getUint32(offset + 4, true);
  const maxWeight = offset + 16;
  const degree = maxWeight + 16;
  const codes = degree + align(n * 2);
  const ids = codes + align(nnz);
  return {
    offset,
    n,
    nnz,
    encoding: v.getUint32(offset + 8, true),
    idBytes: v.getUint32(offset + 12, true),
    maxWeight,
    degree,
    codes,
    ids,
  };
}

describe('packed graphs', () => {
  it('should lay out a hand-made graph as documented: degrees, log-scale codes, LEB128 id gaps', () => {
    const bytes = encodeBundle(ringInput());
    const at = packedLayout(bytes);
    expect(at).toMatchObject({ n: N, nnz: 2 * N, encoding: 1, idBytes: 2 * N });
    const v = view(bytes);
    expect(v.getFloat32(at.maxWeight, true)).toBe(0.5);
    expect(v.getUint16(at.degree, true)).toBe(2);
    // Row 0: ids 1, 2 in id order -> gaps 1, 0; weights 0.5 (code 255) and 0.25 (one octave down: 255 - 16).
    expect(Array.from(bytes.subarray(at.ids, at.ids + 2))).toEqual([1, 0]);
    expect(Array.from(bytes.subarray(at.codes, at.codes + 2))).toEqual([255, 239]);
    // Row 18: ids 19, 0 -> in id order 0 (gap 0, weight 0.25) then 19 (gap 18, weight 0.5).
    expect(Array.from(bytes.subarray(at.ids + 36, at.ids + 38))).toEqual([0, 18]);
    expect(Array.from(bytes.subarray(at.codes + 36, at.codes + 38))).toEqual([239, 255]);
    const graph = decodeBundle(bytes).covisitation;
    expect(Array.from(graph.neighbors.subarray(36, 38))).toEqual([19, 0]);
    expect(Array.from(graph.weights.subarray(36, 38))).toEqual([0.5, 0.25]);
  });

  it('should write 2 codes per halving when asked, never rounding a weight up nor down by more than a factor sqrt(2)', () => {
    const input = makeFixtureInput({ dim: 8 });
    const coarse = decodeBundle(encodeBundle(input, { weightCodesPerOctave: 2 })).covisitation;
    const fine = decodeBundle(encodeBundle(input)).covisitation;
    const bytes = encodeBundle(input, { weightCodesPerOctave: 2 });
    const { offset } = section(bytes, 'covisitation');
    const n = view(bytes).getUint32(offset, true);
    const nnz = view(bytes).getUint32(offset + 4, true);
    const codes = bytes.subarray(offset + 32 + align(n * 2), offset + 32 + align(n * 2) + nnz);
    expect(new Set(Array.from(codes, (c) => (255 - c) % 8))).toEqual(new Set([0]));
    expect(new Set(codes).size).toBeGreaterThan(3);
    // Same rows, same neighbours (order within equal codes aside): compare each row's (id -> weight).
    const original = new Map<string, number>();
    input.covisitation.neighbors.forEach((id, e) => {
      const row = input.covisitation.offsets.findIndex((end) => end > e) - 1;
      original.set(`${row}:${id}`, input.covisitation.weights[e]!);
    });
    for (const graph of [coarse, fine]) {
      expect(graph.neighbors.length).toBe(input.covisitation.neighbors.length);
      for (let row = 0; row + 1 < graph.offsets.length; row++)
        for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) {
          const w = original.get(`${row}:${graph.neighbors[e]}`)!;
          expect(graph.weights[e]!).toBeLessThanOrEqual(Math.fround(w));
          expect(graph.weights[e]!).toBeGreaterThan(w / (graph === coarse ? Math.SQRT2 : 2 ** (1 / 16)) - 1e-6);
        }
    }
  });

  it('should reject an id past the product count, naming the section, field and byte', () => {
    const bytes = encodeBundle(ringInput());
    const at = packedLayout(bytes);
    bytes[at.ids] = 0x7f;
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'covisitation', field: 'ids', offset: at.ids, index: 0 });
  });

  it('should reject an id stream that ends inside a row', () => {
    const bytes = encodeBundle(ringInput());
    const at = packedLayout(bytes);
    bytes[at.ids] = 0x81; // a continuation byte: the first value swallows the next byte, the last row runs dry
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'covisitation', field: 'ids' });
    expect(error.message).toMatch(/ends inside row 19/);
  });

  it('should reject a LEB128 value longer than 5 bytes', () => {
    const bytes = encodeBundle(ringInput());
    const at = packedLayout(bytes);
    bytes.fill(0xff, at.ids, at.ids + 6);
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'covisitation', field: 'ids', offset: at.ids });
  });

  it('should reject bytes left in the id stream after the last row', () => {
    const bytes = encodeBundle(ringInput());
    const at = packedLayout(bytes);
    // Row 0 holds 2 gaps of one byte; make its first a 2-byte value and drop row 19 to one neighbour,
    // moving one neighbour to row 18: degrees still add up to nnz, the stream has one byte too many.
    bytes[at.ids] = 0x80;
    view(bytes).setUint16(at.degree + 19 * 2, 1, true);
    view(bytes).setUint16(at.degree + 18 * 2, 3, true);
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'covisitation', field: 'ids', offset: at.ids + 2 * N - 1 });
  });

  it('should reject degrees that do not add up to the neighbour count', () => {
    const bytes = encodeBundle(ringInput());
    const at = packedLayout(bytes);
    view(bytes).setUint16(at.degree, 3, true);
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'covisitation', field: 'degree', offset: at.degree });
  });

  it('should reject a NaN or negative maxWeight and an unknown encoding code', () => {
    const nan = encodeBundle(ringInput());
    view(nan).setFloat32(packedLayout(nan).maxWeight, NaN, true);
    expect(expectVitrineError(() => decodeBundle(reseal(nan)), 'BUNDLE_NON_FINITE').details).toMatchObject({
      section: 'covisitation',
      field: 'maxWeight',
    });
    const negative = encodeBundle(ringInput());
    view(negative).setFloat32(packedLayout(negative).maxWeight, -1, true);
    expectVitrineError(() => decodeBundle(reseal(negative)), 'BUNDLE_SECTION_MALFORMED');
    const unknown = encodeBundle(ringInput());
    const at = packedLayout(unknown);
    view(unknown).setUint32(at.offset + 8, 7, true);
    expect(expectVitrineError(() => decodeBundle(reseal(unknown)), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'covisitation',
      offset: at.offset + 8,
    });
  });

  it('should still read a version-1 file (f32 graphs, h2 reserved), and never read a packed graph as version 1', () => {
    const input = ringInput();
    const v1 = encodeBundle(input, { graphs: 'f32', layout: 'blocks' });
    view(v1).setUint16(8, 1, true);
    const bundle = decodeBundle(reseal(v1));
    expect(bundle.formatVersion).toBe(1);
    expect(Array.from(bundle.covisitation.neighbors)).toEqual(Array.from(input.covisitation.neighbors));
    expect(Array.from(bundle.covisitation.weights)).toEqual(Array.from(input.covisitation.weights));
    // A packed graph under a version-1 header is read as f32: its length cannot match, a typed error follows.
    const forged = encodeBundle(input, { layout: 'blocks' });
    view(forged).setUint16(8, 1, true);
    expect(() => decodeBundle(reseal(forged))).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^BUNDLE_SECTION_(MALFORMED|OUT_OF_RANGE)$/) }),
    );
  });

  it('should survive random damage to the packed sections: a typed error or in-range neighbours with finite weights', () => {
    const pristine = encodeBundle(makeFixtureInput({ dim: 8 }));
    const random = seededRandom(16);
    for (const name of ['covisitation', 'copurchase'] as const) {
      const { offset, length } = section(pristine, name);
      for (let trial = 0; trial < 300; trial++) {
        const bytes = pristine.slice();
        for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--)
          bytes[offset + 16 + Math.floor(random() * (length - 16))] = Math.floor(random() * 256);
        let graph: CsrGraph;
        try {
          graph = decodeBundle(reseal(bytes))[name];
        } catch (error) {
          expect(isVitrineError(error), String(error)).toBe(true);
          continue;
        }
        const n = graph.offsets.length - 1;
        expect(graph.offsets[n]).toBe(graph.neighbors.length);
        for (const id of graph.neighbors) expect(id).toBeLessThan(n);
        for (const w of graph.weights) expect(Number.isFinite(w) && w >= 0).toBe(true);
      }
    }
  });
});
