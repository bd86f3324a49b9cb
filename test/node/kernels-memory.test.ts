import { describe, expect, it } from 'vitest';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { createReferenceKernels } from '../../src/shared/kernels/reference.ts';
import { instantiateKernels } from '../../src/shared/kernels/wasm-kernels.ts';
import { readFile } from 'node:fs/promises';
import { quantize, randomF32, randomMask, randomQuery } from './kernels-fixtures.ts';

/** A fresh instance (own memory, starting at one page), not the cached one other tests share. */
async function freshKernels() {
  const bytes = await readFile(new URL('../../wasm/build/kernels.debug.wasm', import.meta.url));
  return instantiateKernels(bytes, 'wasm-simd');
}

describe('kernel memory', () => {
  it('should not grow or replace memory across many queries', async () => {
    const k = await loadNodeKernels('wasm-simd', 'release');
    const matrix = quantize(randomF32(3000, 64, 1));
    k.setMatrix(matrix, { scoreSlots: 3 });
    const buffer = k.slot(0).buffer;
    const bytes = buffer.byteLength;
    const mask = randomMask(3000, 0.3, 2);
    for (let i = 0; i < 300; i++) {
      k.scoreQuery(randomQuery(64, i), i % 2);
      k.combine([0.7, 0.3], 2);
      const top = k.topK(2, 50, i % 3 ? mask : undefined);
      k.mmr(top.indices, top.scores, 10, 0.6);
    }
    expect(k.slot(0).buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(bytes);
  });

  it('W8: should grow memory while loading a large catalog, and re-take its views', async () => {
    const k = await freshKernels();
    k.setMatrix(randomF32(10, 64, 3));
    const small = k.slot(0);
    const smallBytes = small.buffer.byteLength;

    // 40000 x 64 f32 = 10 MB: far beyond the memory the small matrix needed.
    const large = randomF32(40000, 64, 4);
    k.setMatrix(large);
    expect(small.buffer.byteLength).toBe(0); // the old buffer was detached by growth
    expect(k.slot(0).buffer.byteLength).toBeGreaterThan(smallBytes);
    expect(k.slot(0).buffer.byteLength).toBeGreaterThanOrEqual(large.data.byteLength);

    const ref = createReferenceKernels();
    ref.setMatrix(large);
    const q = randomQuery(64, 5);
    const expected = ref.scoreQuery(q);
    const got = k.scoreQuery(q);
    expect(got.length).toBe(40000);
    for (let r = 0; r < 40000; r += 997) expect(got[r]).toBeCloseTo(expected[r]!, 5);
    expect(Array.from(k.topK(0, 10).indices)).toEqual(Array.from(ref.topK(0, 10).indices));

    // Even larger: a second growth, then views taken before it must not be used.
    const larger = randomF32(70000, 64, 6);
    k.setMatrix(larger, { scoreSlots: 2 });
    ref.setMatrix(larger, { scoreSlots: 2 });
    expect(got.buffer.byteLength).toBe(0);
    expect(Array.from(k.topK(0, 10, undefined).indices)).toEqual(Array.from(ref.topK(0, 10).indices));
    expect(Array.from(k.topK(1, 10, undefined).scores)).toEqual(Array.from(ref.topK(1, 10).scores));
    const q2 = randomQuery(64, 7);
    ref.scoreQuery(q2);
    k.scoreQuery(q2);
    ref.slot(0).set(k.slot(0));
    expect(Array.from(k.topK(0, 10).indices)).toEqual(Array.from(ref.topK(0, 10).indices));
  });

  it('should clear padding left by a previous, larger matrix', async () => {
    const k = await freshKernels();
    k.setMatrix(randomF32(2000, 128, 8));
    k.scoreQuery(randomQuery(128, 1));
    // Smaller rows and a dim that is not a multiple of 8: stale data would leak into the padding.
    const m = randomF32(13, 65, 9);
    const ref = createReferenceKernels();
    ref.setMatrix(m);
    k.setMatrix(m);
    const q = randomQuery(65, 2);
    const expected = ref.scoreQuery(q);
    const got = k.scoreQuery(q);
    for (let r = 0; r < 13; r++) expect(got[r]).toBeCloseTo(expected[r]!, 5);
    expect(Array.from(k.slot(1)).every((v) => v === 0)).toBe(true);
  });

  it('should instantiate once per source and report NOT_READY before setMatrix', async () => {
    const bytes = await readFile(new URL('../../wasm/build/kernels.wasm', import.meta.url));
    const a = instantiateKernels(bytes, 'wasm');
    expect(instantiateKernels(bytes, 'wasm')).toBe(a);
    const k = await a;
    expect(k.rows).toBe(0);
    expect(() => k.topK(0, 1)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
  });

  it('should reject bytes that are not a kernel module with a typed error', async () => {
    await expect(instantiateKernels(new Uint8Array([0, 97, 115, 109, 9, 9]), 'wasm')).rejects.toMatchObject({ code: 'WASM_UNAVAILABLE' });
  });
});
