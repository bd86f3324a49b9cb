/**
 * The fitting's memory savings change nothing it computes: the training bundle, built step by step
 * with each step's input let go (and the bare products sharing their empty lists), is byte for byte
 * the bundle of the plain pipeline, on a real log; and `collectGarbage` really collects once the
 * CLI asked for it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InvalidRows } from '../../src/cli/bundle-builder/invalid-rows.ts';
import { assembleBundleInput } from '../../src/cli/bundle-builder/build.ts';
import { renumberProducts } from '../../src/cli/bundle-builder/product-order.ts';
import { bareProduct } from '../../src/cli/bundle-builder/product.ts';
import { createProgress } from '../../src/cli/bundle-builder/progress.ts';
import { readSessions, toEvalData } from '../../src/cli/eval/read.ts';
import { trainingBundle, trainingLog } from '../../src/cli/eval/vitrine-model.ts';
import { collectGarbage, collectGarbageEarly } from '../../src/cli/heap-growth.ts';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import { DATA } from './cli-helpers.ts';

const YOOCHOOSE = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_`;

describe('training bundle', () => {
  it('should be the bundle of the plain pipeline, byte for byte, on a real log', async () => {
    const strict = () => new InvalidRows(false, () => {});
    const { data } = toEvalData(
      readSessions(`${YOOCHOOSE}train_tr.txt`, undefined, strict()),
      readSessions(`${YOOCHOOSE}train_valid.txt`, undefined, strict()),
    );
    const loaded = await trainingBundle(data);
    // The pipeline as it was: every product its own empty lists, the input kept while encoding.
    const input = assembleBundleInput({
      products: data.itemIds.map((id) => bareProduct(id)),
      descriptions: data.itemIds.map(() => ''),
      events: trainingLog(data),
      quantize: 'none',
      topM: 50,
      trendingDays: 7,
      seed: 1,
      builtAt: '2000-01-01T00:00:00.000Z',
      progress: createProgress(false),
    });
    const plain = decodeBundle(encodeBundle(renumberProducts(input)));
    expect(data.itemIds.length).toBeGreaterThan(1000);
    expect(loaded.bundle.byteLength).toBe(plain.byteLength);
    expect(loaded.bundle.contentHash).toBe(plain.contentHash);
  });
});

describe('collectGarbage', () => {
  /** Whether an object nobody holds any more is gone after `collect` (a WeakRef outlives its own turn). */
  async function collected(collect: () => void): Promise<boolean> {
    const ref = new WeakRef({ payload: new Float64Array(1024) });
    await nextTurn();
    collect();
    return ref.deref() === undefined;
  }

  it('should be safe to call before the CLI asks for early collection, and collect at once after', async () => {
    // Outside the CLI (tests, the library) nothing is forced: V8 collects when it sees fit.
    expect(() => collectGarbage()).not.toThrow();
    collectGarbageEarly();
    expect(await collected(collectGarbage)).toBe(true);
  });
});
