/**
 * `bundle build --quantize`: the measured choice of a vector code (src/cli/bundle-builder/vector-code.ts)
 * and the forced codes, on vectors whose answer is known.
 */
import { describe, expect, it } from 'vitest';
import { chooseVectorCode, decodedRows, parseVectorCode, quantizeWithStep } from '../../src/cli/bundle-builder/vector-code.ts';
import { exactNeighbours, recallAt, topRows } from '../../src/cli/bundle-builder/vector-recall.ts';
import { seededRandom } from '../fixtures/bundle-fixture.ts';
import { DUMMYJSON, buildAndDecode } from './cli-helpers.ts';
import { section, view } from './bundle-helpers.ts';
import { FORMAT_VERSION } from '../../src/shared/bundle/format.ts';

/** Unit rows: `signal` dims drawn N(0, 1), the rest N(0, tail²) — a decaying spectrum when tail is small. */
function rows(count: number, dim: number, signal: number, tail: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const data = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const row = Array.from({ length: dim }, (_, j) => gauss() * (j < signal ? 1 : tail));
    const norm = Math.hypot(...row);
    row.forEach((x, j) => (data[r * dim + j] = x / norm));
  }
  return data;
}

describe('vector codes', () => {
  it('should find the exact top rows, leaving the query out, best first with ties to the lower row', () => {
    const scores = [0.5, 0.9, 0.9, 0.1, 0.7];
    expect(Array.from(topRows(5, 3, 1, (r) => scores[r]!))).toEqual([2, 4, 0]);
    const data = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.8, 0.2]);
    const exact = exactNeighbours(data, 4, 2, Int32Array.of(0), 2);
    expect(Array.from(exact[0]!)).toEqual([1, 3]);
    expect(recallAt(data, data, 4, 2, Int32Array.of(0), exact, { k: 2 })).toBe(1);
  });

  it('should pick a code smaller on the wire than per-row int8 for vectors with a decaying spectrum, holding the recall it reports', () => {
    const n = 1500;
    const data = rows(n, 32, 6, 0.15, 4);
    const choice = chooseVectorCode(data, n, 32, 'auto');
    expect(choice.code).not.toBe('none');
    expect(choice.recall).toBeGreaterThanOrEqual(0.95);
    const int8 = choice.measured.find((m) => m.code === 'int8')!;
    const chosen = choice.measured.find((m) => m.code === choice.code)!;
    expect(chosen.gzip).toBeLessThan(int8.gzip);
    expect(chosen.recall).toBe(choice.recall);
    // Every code kept below 0.95 was measured below it.
    for (const m of choice.measured) if (m.gzip < chosen.gzip) expect(m.recall).toBeLessThan(0.95);
  });

  it('should keep float32 when no code holds the recall asked for, and name why', () => {
    const n = 400;
    const data = rows(n, 16, 16, 1, 5);
    const choice = chooseVectorCode(data, n, 16, 'auto', { minRecall: 1.01 });
    expect(choice.code).toBe('none');
    expect(choice.matrix.dtype).toBe('f32');
    expect(choice.reason).toMatch(/no code holds/);
    expect(choice.measured.map((m) => m.code)).toContain('int8');
  });

  it('should apply a forced code without measuring', () => {
    const data = rows(300, 16, 4, 0.2, 6);
    const pq = chooseVectorCode(data, 300, 16, 'pq4');
    expect(pq.matrix.dtype).toBe('pq');
    expect(pq.recall).toBeNull();
    expect(pq.measured).toEqual([]);
    expect(chooseVectorCode(data, 300, 16, 'int8').matrix.dtype).toBe('i8');
    expect(chooseVectorCode(data, 300, 16, 'none').matrix.dtype).toBe('f32');
  });

  it('should store one step for every row, clipping at ±127 steps', () => {
    const m = quantizeWithStep(Float32Array.from([0.5, -0.26, 0.01, 2]), 2, 2, 0.01);
    expect(Array.from(m.data)).toEqual([50, -26, 1, 127]);
    expect(Array.from(m.scales)).toEqual([Math.fround(0.01), Math.fround(0.01)]);
    expect(Array.from(decodedRows(m)).map((x) => Number(x.toFixed(4)))).toEqual([0.5, -0.26, 0.01, 1.27]);
  });

  it('should accept auto, none, int8 and pqN dividing dim, and explain anything else', () => {
    expect(parseVectorCode('auto', 64)).toBe('auto');
    expect(parseVectorCode('pq16', 64)).toBe('pq16');
    expect(() => parseVectorCode('pq5', 64)).toThrow(/5 subspaces must divide the 64 dims/);
    expect(() => parseVectorCode('int4', 64)).toThrow(/must be auto, none, int8 or pqN/);
    expect(() => parseVectorCode('pq0', 64)).toThrow(/must be auto/);
  });

  it('can force product quantisation from the CLI: a bundle (version 3 on) whose pq section decodes to int8 rows, head part included', async () => {
    const { bundle, bytes, run } = await buildAndDecode(['--catalog', DUMMYJSON, '--quantize', 'pq8', '--head-products', '50']);
    expect(bundle.formatVersion).toBe(FORMAT_VERSION);
    expect(bundle.meta.dtype).toBe('i8');
    expect(bundle.embeddings.dtype).toBe('i8');
    const { offset } = section(bytes, 'embeddings');
    expect([view(bytes).getUint32(offset + 8, true), view(bytes).getUint32(offset + 12, true)]).toEqual([3, 8]);
    expect(run.out.join('\n')).toMatch(/vectors: pq8 \(--quantize pq8\)/);
  });
});
