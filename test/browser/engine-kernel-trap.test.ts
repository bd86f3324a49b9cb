/**
 * W7: a scoring kernel traps during a query. Real traps of the release SIMD build in Chromium: an
 * AssemblyScript entry guard that aborts (through the loader's `env.abort`), and a WebAssembly
 * `RuntimeError` (memory access out of bounds). The fault hook lives only here: it swaps one export
 * of the engine's kernels instance for a call with bad arguments, so nothing of it can ship.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/worker/engine.ts';
import { loadKernelFactory, type KernelFactory } from '../../src/worker/kernel-loader.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { vitrineRejection } from '../fixtures/rejection.ts';
import { makeEngineBundle } from './engine-fixture.ts';

type Exports = Record<string, (...args: number[]) => number>;

/** An engine whose kernels instances are kept, so the test can reach the one that serves. */
async function engineWithKernels(): Promise<{ engine: Engine; made: Kernels[] }> {
  const made: Kernels[] = [];
  const real = await loadKernelFactory();
  const factory: KernelFactory = { ...real, create: async () => made[made.push(await real.create()) - 1]! };
  const engine = new Engine(async () => factory);
  await engine.load(makeEngineBundle({ rows: 90, seed: 4 }).bytes);
  return { engine, made };
}

/** Test-only fault: the next call of export `name` on this instance runs `fault` with the real exports instead. */
function sabotage(kernels: Kernels, name: string, fault: (x: Exports) => number): void {
  const target = kernels as unknown as { x: Exports };
  const real = target.x;
  target.x = { ...real, [name]: () => fault(real) };
}

const request = { placement: 'for_you' as const, limit: 8, context: { recent: ['sku-4', 'sku-8'] } };
const ids = (engine: Engine) => engine.recommend(request).items.map((item) => item.productId);

describe('W7: a kernel trap during recommend()', () => {
  it('should reject that call with KERNEL_TRAP (message, file, line) on an AssemblyScript abort, and answer the next on fresh kernels', async () => {
    const { engine, made } = await engineWithKernels();
    const before = ids(engine);
    // combine() with more weights than slots: the release build's entry guard aborts.
    sabotage(made[0]!, 'combine', (x) => x.combine!(0, 16, 1, 0, 99, 0, 8));
    const error = await vitrineRejection(Promise.resolve().then(() => engine.recommend(request)));
    expect(error.code).toBe('KERNEL_TRAP');
    expect(error.message).toContain('Invalid length');
    expect(error.details.file).toMatch(/kernels\.ts$/);
    expect(error.details.line).toBeGreaterThan(0);
    expect(ids(engine)).toEqual(before);
    expect(engine.status().state).toBe('ready');
  });

  it('should reject that call with KERNEL_TRAP on a WebAssembly RuntimeError, and answer the next on fresh kernels', async () => {
    const { engine, made } = await engineWithKernels();
    const before = ids(engine);
    sabotage(made[0]!, 'topK', (x) => x.topK!(0x7ffffff0, 90, 8, 0, 0, 0x7ffffff0, 0x7ffffff0));
    const error = await vitrineRejection(Promise.resolve().then(() => engine.recommend(request)));
    expect(error.code).toBe('KERNEL_TRAP');
    expect(error.message).toMatch(/out of bounds/);
    // The trapped instance is not used again: the next call runs on a new one, with the same answer.
    expect(ids(engine)).toEqual(before);
    sabotage(made[0]!, 'topK', () => {
      throw new Error('the trapped instance was used again');
    });
    expect(ids(engine)).toEqual(before);
    expect(engine.similar('sku-3', {}).items.length).toBeGreaterThan(0);
  });

  it('should pass other errors through unchanged', async () => {
    const { engine } = await engineWithKernels();
    const error = await vitrineRejection(Promise.resolve().then(() => engine.recommend({ placement: 'nowhere' })));
    expect(error.code).toBe('INVALID_REQUEST');
  });
});
