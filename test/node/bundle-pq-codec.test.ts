/**
 * Product-quantised embeddings (format version 3): the layout, the decode into int8 rows, the
 * quantiser's recall on clustered vectors, every corruption rejected with a typed error naming the
 * section, older files still read, and random damage never giving out a row the kernels cannot score.
 */
import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, type BundleInput, type PqMatrix } from '../../src/shared/bundle/index.ts';
import { FORMAT_VERSION, PQ_CENTROIDS, align } from '../../src/shared/bundle/format.ts';
import { decodePq } from '../../src/shared/bundle/pq-codec.ts';
import { isVitrineError } from '../../src/shared/errors.ts';
import { productQuantize, sampleRows } from '../../src/cli/bundle-builder/product-quantizer.ts';
import { exactNeighbours, recallAt } from '../../src/cli/bundle-builder/vector-recall.ts';
import { decodedRows } from '../../src/cli/bundle-builder/vector-code.ts';
import { headBundleInput } from '../../src/cli/bundle-builder/head-part.ts';
import { makeFixtureInput, seededRandom } from '../fixtures/bundle-fixture.ts';
import { expectVitrineError, reseal, section, view } from './bundle-helpers.ts';

const DIM = 8;
const SUBSPACES = 4;

/** A PQ matrix over `rows` rows whose centroid c of subspace m is (m + 1, -c) / 256: every value exact in int8 steps of the row's max. */
function handMadePq(rows: number): PqMatrix {
  const width = DIM / SUBSPACES;
  const codebook = new Float32Array(PQ_CENTROIDS * DIM);
  for (let m = 0; m < SUBSPACES; m++)
    for (let c = 0; c < PQ_CENTROIDS; c++) codebook.set([(m + 1) / 256, -c / 256], (m * PQ_CENTROIDS + c) * width);
  const codes = Uint8Array.from({ length: rows * SUBSPACES }, (_, i) => (i * 37) % PQ_CENTROIDS);
  return { dtype: 'pq', rows, dim: DIM, subspaces: SUBSPACES, codebook, codes };
}

function pqInput(): BundleInput {
  const base = makeFixtureInput({ dim: DIM });
  return { ...base, meta: { ...base.meta, dtype: 'i8' }, embeddings: handMadePq(base.products.length) };
}

/** File offsets of the pq embeddings arrays. */
function pqLayout(bytes: Uint8Array) {
  const { offset, length } = section(bytes, 'embeddings');
  const codebook = offset + 16;
  return { offset, length, codebook, codes: codebook + align(PQ_CENTROIDS * DIM * 4) };
}

/** `rows` points around `clusters` random centres (unit-length rows), seeded. */
function clustered(rows: number, dim: number, clusters: number, spread: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, gauss));
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const centre = centres[r % clusters]!;
    const row = centre.map((x) => x + spread * gauss());
    const norm = Math.hypot(...row);
    row.forEach((x, j) => (data[r * dim + j] = x / norm));
  }
  return data;
}

describe('product-quantised embeddings', () => {
  it('should lay out codebook and codes as documented and decode each row from its centroids into int8 rows', () => {
    const input = pqInput();
    const bytes = encodeBundle(input);
    const at = pqLayout(bytes);
    const v = view(bytes);
    const rows = input.products.length;
    expect([0, 1, 2, 3].map((i) => v.getUint32(at.offset + 4 * i, true))).toEqual([rows, DIM, 3, SUBSPACES]);
    expect(at.length).toBe(16 + align(PQ_CENTROIDS * DIM * 4) + align(rows * SUBSPACES));
    const pq = input.embeddings as PqMatrix;
    expect(Array.from(bytes.subarray(at.codes, at.codes + rows * SUBSPACES))).toEqual(Array.from(pq.codes));

    const bundle = decodeBundle(bytes);
    expect(bundle.formatVersion).toBe(FORMAT_VERSION);
    const m = bundle.embeddings;
    if (m.dtype !== 'i8') throw new Error('pq decodes to int8');
    for (const r of [0, 1, 7, rows - 1]) {
      // The stored centroids, side by side, come back exactly: every value is a multiple of max / 127 here.
      const expected = Array.from({ length: SUBSPACES }, (_, s) => {
        const c = pq.codes[r * SUBSPACES + s]!;
        return [(s + 1) / 256, -c / 256];
      }).flat();
      const max = Math.max(...expected.map(Math.abs));
      const exactInSteps = expected.every((x) => Number.isInteger((x * 127) / max));
      const decoded = Array.from(m.data.subarray(r * DIM, (r + 1) * DIM), (q) => q * m.scales[r]!);
      decoded.forEach((x, j) => expect(Math.abs(x - expected[j]!)).toBeLessThanOrEqual(exactInSteps ? 1e-7 : m.scales[r]! / 2 + 1e-9));
    }
  });

  it('should give back every stored centroid exactly when the quantiser keeps one centroid per row', () => {
    // 200 rows <= 256 centroids: each row is its own centroid, so decoding returns the rotated rows up to int8 rounding.
    const rows = 200;
    const data = clustered(rows, 16, 10, 0.3, 3);
    const { matrix, rotated } = productQuantize(data, rows, 16, { subspaces: 4, seed: 2 });
    const width = 4;
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < 4; s++) {
        const c = matrix.codes[r * 4 + s]!;
        const centroid = matrix.codebook.subarray((s * PQ_CENTROIDS + c) * width, (s * PQ_CENTROIDS + c + 1) * width);
        expect(Array.from(centroid)).toEqual(Array.from(rotated.subarray(r * 16 + s * width, r * 16 + (s + 1) * width)));
      }
    }
    // The rotation is orthogonal: dot products between rows do not change.
    const dot = (x: Float32Array, a: number, b: number) => x.subarray(a * 16, a * 16 + 16).reduce((s, v, j) => s + v * x[b * 16 + j]!, 0);
    expect(dot(rotated, 3, 77)).toBeCloseTo(dot(data, 3, 77), 5);
  });

  it('should hold recall@10 >= 0.9 on clustered vectors with 8 subspaces, and lose it on noise', () => {
    // 200 clusters of 10 rows: a row's 10 nearest are mostly its own cluster, which 4-dim subspaces keep apart.
    const rows = 2000;
    const dim = 32;
    const queries = sampleRows(rows, 200, 5);
    const recall = (data: Float32Array) => {
      const exact = exactNeighbours(data, rows, dim, queries, 10);
      const { matrix, rotated } = productQuantize(data, rows, dim, { subspaces: 8, seed: 1 });
      return recallAt(rotated, decodedRows(matrix), rows, dim, queries, exact);
    };
    const tight = recall(clustered(rows, dim, 200, 0.15, 7));
    const noise = recall(clustered(rows, dim, 1, 1e3, 7));
    expect(tight).toBeGreaterThanOrEqual(0.9);
    expect(noise).toBeLessThan(tight - 0.2);
  });

  it('should cut the head part from the same codebook, so its rows decode to the full bundle rows', () => {
    const input = pqInput();
    const head = headBundleInput(input, { contentHash: '00000000', bytes: 1 }, 40);
    const full = decodeBundle(encodeBundle(input));
    const part = decodeBundle(encodeBundle(head));
    expect(part.products.count).toBe(40);
    for (let r = 0; r < 40; r++) {
      const row = full.products.indexOf(part.products.id(r));
      const a = part.embeddings as { data: Int8Array; scales: Float32Array };
      const b = full.embeddings as { data: Int8Array; scales: Float32Array };
      expect(Array.from(a.data.subarray(r * DIM, (r + 1) * DIM))).toEqual(Array.from(b.data.subarray(row * DIM, (row + 1) * DIM)));
      expect(a.scales[r]).toBe(b.scales[row]);
    }
  });

  it('should reject subspaces that do not divide dim, a non-finite codebook, a row too long, forged counts and a pq code in a version-2 file', () => {
    const bad = encodeBundle(pqInput());
    const at = pqLayout(bad);
    view(bad).setUint32(at.offset + 12, 3, true);
    expect(expectVitrineError(() => decodeBundle(reseal(bad)), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'embeddings',
      offset: at.offset + 12,
    });
    const zero = encodeBundle(pqInput());
    view(zero).setUint32(at.offset + 12, 0, true);
    expectVitrineError(() => decodeBundle(reseal(zero)), 'BUNDLE_SECTION_MALFORMED');

    const nan = encodeBundle(pqInput());
    view(nan).setFloat32(at.codebook + 4 * 5, NaN, true);
    expect(expectVitrineError(() => decodeBundle(reseal(nan)), 'BUNDLE_NON_FINITE').details).toMatchObject({
      section: 'embeddings',
      field: 'codebook',
      offset: at.codebook + 4 * 5,
    });

    // Centroid 0 of subspace 0 holds 3e38: a row using it is far over MAX_VECTOR_NORM.
    const long = encodeBundle(pqInput());
    view(long).setFloat32(at.codebook, 3e38, true);
    expect(expectVitrineError(() => decodeBundle(reseal(long)), 'BUNDLE_LIMIT_EXCEEDED').details).toMatchObject({
      section: 'embeddings',
      field: 'norm',
      productId: expect.any(String),
    });

    // More subspaces than the section's bytes hold (8 divides dim 8): the counts imply more bytes.
    const forged = encodeBundle(pqInput());
    view(forged).setUint32(at.offset + 12, 8, true);
    expectVitrineError(() => decodeBundle(reseal(forged)), 'BUNDLE_SECTION_OUT_OF_RANGE');

    const v2 = encodeBundle(pqInput(), { layout: 'blocks' });
    view(v2).setUint16(8, 2, true);
    expect(expectVitrineError(() => decodeBundle(reseal(v2)), 'BUNDLE_SECTION_MALFORMED').details).toMatchObject({
      section: 'embeddings',
      offset: pqLayout(v2).offset + 8,
    });
  });

  it('should still read version-1 and version-2 files with f32 or int8 rows', () => {
    for (const dtype of ['f32', 'i8'] as const) {
      const input = makeFixtureInput({ dim: DIM, dtype });
      for (const version of [1, 2]) {
        const bytes = encodeBundle(input, { graphs: 'f32', layout: 'blocks' });
        view(bytes).setUint16(8, version, true);
        const bundle = decodeBundle(reseal(bytes));
        expect(bundle.formatVersion).toBe(version);
        expect(bundle.embeddings.dtype).toBe(dtype);
        expect(Array.from(bundle.embeddings.data)).toEqual(Array.from((input.embeddings as { data: ArrayLike<number> }).data));
      }
    }
  });

  it('should survive random damage to the pq section: a typed error or finite int8 rows the kernels can score', () => {
    const pristine = encodeBundle(pqInput());
    const { offset, length } = section(pristine, 'embeddings');
    const random = seededRandom(19);
    let decoded = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = pristine.slice();
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        // A quarter of the damage lands in the section header, the rest in codebook and codes.
        const at = random() < 0.25 ? Math.floor(random() * 16) : 16 + Math.floor(random() * (length - 16));
        bytes[offset + at] = Math.floor(random() * 256);
      }
      let bundle;
      try {
        bundle = decodeBundle(reseal(bytes));
      } catch (error) {
        expect(isVitrineError(error), String(error)).toBe(true);
        expect((error as { code: string }).code).toMatch(/^BUNDLE_/);
        continue;
      }
      decoded++;
      const m = bundle.embeddings;
      expect(m.dtype).toBe('i8');
      if (m.dtype !== 'i8') continue;
      expect(m.data.length).toBe(m.rows * m.dim);
      for (const s of m.scales) expect(Number.isFinite(s) && s >= 0).toBe(true);
    }
    // Most damage to codes is still a valid bundle (every u8 is a centroid): the loop did check decoded rows.
    expect(decoded).toBeGreaterThan(50);
  });

  it('should decode a codebook the same way in the reader and in decodePq', () => {
    const pq = handMadePq(10);
    const { data, scales } = decodePq(pq.codebook, pq.codes, 10, DIM, SUBSPACES);
    expect(scales.every((s) => s > 0)).toBe(true);
    expect(Math.max(...Array.from(data, Math.abs))).toBe(127);
  });
});
