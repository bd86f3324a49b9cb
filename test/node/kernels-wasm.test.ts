import { describe, expect, it } from 'vitest';
import { loadNodeKernels, type KernelBuild } from '../../src/cli/kernels-node.ts';
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';
import { createReferenceKernels } from '../../src/shared/kernels/reference.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { quantize, randomF32, randomMask, randomQuery, rng } from './kernels-fixtures.ts';

const BUILDS: { impl: 'wasm-simd' | 'wasm'; build: KernelBuild }[] = [
  { impl: 'wasm-simd', build: 'debug' },
  { impl: 'wasm', build: 'debug' },
  { impl: 'wasm-simd', build: 'release' },
  { impl: 'wasm', build: 'release' },
];

/** Dims around the SIMD widths: the kernels pad rows to 8 floats / 16 bytes, so tails must vanish. */
const DIMS = [1, 3, 5, 63, 64, 65, 128];

function pair(wasm: Kernels, matrix: EmbeddingMatrix, scoreSlots?: number): Kernels {
  const ref = createReferenceKernels();
  ref.setMatrix(matrix, { scoreSlots });
  wasm.setMatrix(matrix, { scoreSlots });
  return ref;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Fills slot `s` of both implementations with the same values. */
function fill(kernels: Kernels[], s: number, values: Float32Array): void {
  for (const k of kernels) k.slot(s).set(values);
}

describe.each(BUILDS)('kernels $impl ($build build)', ({ impl, build }) => {
  const load = () => loadNodeKernels(impl, build);

  it('should report its impl', async () => {
    expect((await load()).impl).toBe(impl);
  });

  it.each(DIMS)('should score f32 rows like the reference (d = %i)', async (dim) => {
    const wasm = await load();
    for (const rows of [1, 7, 8, 9, 1001]) {
      const matrix = randomF32(rows, dim, rows * 1000 + dim);
      const ref = pair(wasm, matrix);
      const query = randomQuery(dim, dim + 7);
      const expected = ref.scoreQuery(query).slice();
      expect(maxAbsDiff(wasm.scoreQuery(query), expected)).toBeLessThan(1e-5);
      expect(wasm.slot(0)).toBe(wasm.scoreQuery(query, 0));
    }
  });

  it.each(DIMS)('should score int8 rows like the reference within the query-quantisation bound (d = %i)', async (dim) => {
    const wasm = await load();
    const matrix = quantize(randomF32(1003, dim, 77 + dim));
    const ref = pair(wasm, matrix);
    const query = randomQuery(dim, 5 * dim);
    const expected = ref.scoreQuery(query).slice();
    const got = wasm.scoreQuery(query);
    const qMax = Math.max(...Array.from(query, Math.abs));
    for (let r = 0; r < matrix.rows; r++) {
      // The query is rounded to i16 steps of qMax / 32767: at most half a step per element.
      let absRow = 0;
      for (let j = 0; j < dim; j++) absRow += Math.abs(matrix.data[r * dim + j]!);
      const bound = matrix.scales[r]! * absRow * (qMax / 32767) * 0.5 + 1e-6;
      expect(Math.abs(got[r]! - expected[r]!)).toBeLessThanOrEqual(bound);
    }
  });

  it('should find the same exact top-10 as the reference on random data', async () => {
    const wasm = await load();
    for (const dtype of ['f32', 'i8'] as const) {
      const f = randomF32(5000, 64, 11);
      const ref = pair(wasm, dtype === 'f32' ? f : quantize(f));
      const query = randomQuery(64, 12);
      ref.scoreQuery(query);
      wasm.scoreQuery(query);
      // Same scores in both, so the selection itself is compared exactly.
      fill([ref], 0, wasm.slot(0));
      const a = wasm.topK(0, 10);
      const b = ref.topK(0, 10);
      expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
      expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    }
  });

  it('should select like the reference under masks, ties, NaN and infinities', async () => {
    const wasm = await load();
    const next = rng(99);
    for (const rows of [1, 5, 8, 13, 64, 1000, 4099]) {
      const ref = pair(wasm, randomF32(rows, 4, rows));
      const values = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const u = next();
        // Few distinct values, so ties are everywhere; a sprinkle of NaN and +-Infinity.
        values[r] = u < 0.05 ? NaN : u < 0.08 ? Infinity : u < 0.1 ? -Infinity : Math.floor(next() * 7) / 7;
      }
      fill([wasm, ref], 2, values);
      for (const k of [0, 1, 3, 10, rows - 1, rows, rows + 5]) {
        for (const allow of [undefined, randomMask(rows, 0.5, k + rows), randomMask(rows, 0.05, k)]) {
          const a = wasm.topK(2, k, allow);
          const b = ref.topK(2, k, allow);
          expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
          expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
        }
      }
    }
  });

  it('should break ties by the lower row index', async () => {
    const wasm = await load();
    wasm.setMatrix(randomF32(100, 3, 1));
    wasm.slot(0).fill(0.5);
    expect(Array.from(wasm.topK(0, 5).indices)).toEqual([0, 1, 2, 3, 4]);
  });

  it('should return everything sorted when k > rows and nothing when k = 0', async () => {
    const wasm = await load();
    wasm.setMatrix(randomF32(6, 3, 2));
    wasm.slot(0).set([0.1, 0.6, -2, 0.6, 3, 0]);
    const all = wasm.topK(0, 50);
    expect(Array.from(all.indices)).toEqual([4, 1, 3, 0, 5, 2]);
    expect(Array.from(all.scores)).toEqual(Array.from(new Float32Array([3, 0.6, 0.6, 0.1, 0, -2])));
    expect(wasm.topK(0, 0).indices.length).toBe(0);
  });

  it('should return nothing when the mask filters out every row, and skip NaN rows', async () => {
    const wasm = await load();
    wasm.setMatrix(randomF32(40, 3, 3));
    wasm.slot(0).fill(1);
    expect(wasm.topK(0, 10, new Uint8Array(5)).indices.length).toBe(0);
    wasm.slot(0).fill(NaN);
    wasm.slot(0)[17] = -5;
    expect(Array.from(wasm.topK(0, 10).indices)).toEqual([17]);
  });

  it('B5: should score zero vectors as 0, and zero queries as 0 for every row', async () => {
    const wasm = await load();
    for (const dtype of ['f32', 'i8'] as const) {
      const f = randomF32(20, 5, 4);
      f.data.fill(0, 5 * 5, 6 * 5); // row 5 is a zero vector
      const matrix = dtype === 'f32' ? f : quantize(f);
      wasm.setMatrix(matrix);
      expect(wasm.scoreQuery(randomQuery(5, 1))[5]).toBe(0);
      expect(Array.from(wasm.scoreQuery(new Float32Array(5))).every((s) => s === 0)).toBe(true);
      expect(Array.from(wasm.topK(0, 3).indices)).toEqual([0, 1, 2]);
    }
  });

  it('B5: should reject a query with NaN or of the wrong length with INVALID_REQUEST', async () => {
    const wasm = await load();
    wasm.setMatrix(randomF32(10, 4, 5));
    expect(() => wasm.scoreQuery(new Float32Array([0, NaN, 0, 0]))).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => wasm.scoreQuery(new Float32Array(3))).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => wasm.topK(0, -1)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => wasm.slot(4)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it.each([1, 2, 3, 4])('should combine %i slots in one pass like the reference', async (count) => {
    const wasm = await load();
    const rows = 1037;
    const ref = pair(wasm, randomF32(rows, 8, 6), 5);
    const next = rng(count);
    for (let s = 0; s < 5; s++)
      fill(
        [wasm, ref],
        s,
        Float32Array.from({ length: rows }, () => next() * 2 - 1),
      );
    const weights = Array.from({ length: count }, (_, j) => (j + 1) * 0.37 - 0.5);
    // Into slot 4 (not an input), then in place into slot 0 (an input).
    for (const into of [4, 0]) {
      const a = wasm.combine(weights, into);
      const b = ref.combine(weights, into);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    // The definition, independently of either implementation: slot 4 = sum of weighted inputs.
    wasm.slot(0).set(ref.slot(1).map((_, r) => r));
    const c = wasm.combine([2], 3);
    expect(c[10]).toBe(20);
  });

  it.each([0, 0.5, 1])('should re-rank with MMR like the reference (lambda = %f)', async (lambda) => {
    const wasm = await load();
    for (const dtype of ['f32', 'i8'] as const) {
      const f = randomF32(500, 24, 8);
      const ref = pair(wasm, dtype === 'f32' ? f : quantize(f));
      const query = randomQuery(24, 9);
      ref.scoreQuery(query);
      const top = ref.topK(0, 60);
      const candidates = top.indices.slice();
      const relevance = top.scores.slice();
      const a = Array.from(wasm.mmr(candidates, relevance, 20, lambda));
      const b = Array.from(ref.mmr(candidates, relevance, 20, lambda));
      expect(a).toEqual(b);
      expect(new Set(a).size).toBe(20);
      if (lambda === 1) expect(a).toEqual(Array.from(candidates.slice(0, 20)));
    }
  });

  it('B5: should accept top-k views as MMR input and never pick NaN relevance', async () => {
    const wasm = await load();
    wasm.setMatrix(randomF32(50, 8, 10));
    wasm.scoreQuery(randomQuery(8, 3));
    const top = wasm.topK(0, 10);
    const rel = top.scores.slice();
    rel[0] = NaN;
    const picked = Array.from(wasm.mmr(top.indices, rel, 20, 0.7));
    expect(picked.length).toBe(9);
    expect(picked).not.toContain(top.indices[0]);
  });
});

describe('kernels wasm vs wasm-simd', () => {
  it('should produce bit-identical f32 and int8 scores (same summation order)', async () => {
    const simd = await loadNodeKernels('wasm-simd', 'release');
    const plain = await loadNodeKernels('wasm', 'release');
    for (const dim of [5, 64, 65]) {
      const f = randomF32(777, dim, dim);
      for (const matrix of [f, quantize(f)]) {
        simd.setMatrix(matrix);
        plain.setMatrix(matrix);
        const q = randomQuery(dim, 1);
        expect(Array.from(simd.scoreQuery(q))).toEqual(Array.from(plain.scoreQuery(q)));
      }
    }
  });
});

describe('kernels (every impl, hand-computed)', () => {
  const impls = ['js', 'wasm-simd', 'wasm'] as const;

  it.each(impls)('%s should compute dot products and MMR picks of a tiny matrix', async (impl) => {
    const k = await loadNodeKernels(impl);
    // a = (1, 0), b = (1, 0) (a duplicate of a), c = (0, 1).
    k.setMatrix({ dtype: 'f32', rows: 3, dim: 2, data: new Float32Array([1, 0, 1, 0, 0, 1]) });
    expect(Array.from(k.scoreQuery(new Float32Array([0.5, 2])))).toEqual([0.5, 0.5, 2]);
    const cands = new Int32Array([0, 1, 2]);
    const rel = new Float32Array([0.9, 0.8, 0.5]);
    // lambda 0.5: a first (0.45); then c (0.25 - 0) beats b (0.4 - 0.5 = -0.1); then b.
    expect(Array.from(k.mmr(cands, rel, 3, 0.5))).toEqual([0, 2, 1]);
    expect(Array.from(k.mmr(cands, rel, 3, 1))).toEqual([0, 1, 2]);
    // lambda 0: first pick by relevance (tie on 0), then least similar: c, then b.
    expect(Array.from(k.mmr(cands, rel, 2, 0))).toEqual([0, 2]);
  });

  it.each(impls)('%s should scale int8 rows by their per-row scale', async (impl) => {
    const k = await loadNodeKernels(impl);
    k.setMatrix({ dtype: 'i8', rows: 2, dim: 3, data: new Int8Array([127, 0, -127, 10, 20, 30]), scales: new Float32Array([0.5, 0.25]) });
    const s = k.scoreQuery(new Float32Array([1, 1, 0.5]));
    expect(s[0]).toBeCloseTo(0.5 * (127 - 63.5), 2);
    expect(s[1]).toBeCloseTo(0.25 * (10 + 20 + 15), 3);
  });
});
