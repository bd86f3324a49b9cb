import { describe, expect, it } from 'vitest';
import { createVitrine, type RecommendResult } from '../../src/index.ts';
import { makeEngineBundle } from './engine-fixture.ts';

/** Two versions of one catalog: same ids, different titles, vectors and popularity. */
const VERSIONS = [
  { tag: ' [A]', seed: 21 },
  { tag: ' [B]', seed: 22 },
] as const;

function bytesOf(version: (typeof VERSIONS)[number]): ArrayBuffer {
  return makeEngineBundle({ rows: 400, dim: 16, seed: version.seed, titleTag: version.tag }).bytes;
}

/** What each version answers on its own, loaded alone in a fresh engine. */
async function answersInIsolation(): Promise<Map<string, { tag: string; trending: string[]; similar: string[] }>> {
  const answers = new Map<string, { tag: string; trending: string[]; similar: string[] }>();
  for (const version of VERSIONS) {
    const vitrine = createVitrine();
    const status = await vitrine.load(bytesOf(version));
    const trending = await vitrine.recommend({ placement: 'trending', limit: 5 });
    const similar = await vitrine.similar('sku-3', { limit: 5 });
    answers.set(status.bundle!.contentHash, {
      tag: version.tag,
      trending: trending.items.map((item) => item.productId),
      similar: similar.items.map((item) => item.productId),
    });
    vitrine.close();
  }
  return answers;
}

describe('engine reload', () => {
  it('W13: should never answer with a mix of two bundle versions while versions are swapped', async () => {
    const answers = await answersInIsolation();
    expect(answers.size).toBe(2);
    const vitrine = createVitrine();
    try {
      await vitrine.load(bytesOf(VERSIONS[0]));
      const results: RecommendResult[] = [];
      const loads: Promise<unknown>[] = [];
      const queries: Promise<void>[] = [];
      for (let round = 0; round < 6; round++) {
        loads.push(vitrine.load(bytesOf(VERSIONS[(round + 1) % 2]!)));
        for (let q = 0; q < 15; q++) {
          const call = q % 2 ? vitrine.recommend({ placement: 'trending', limit: 5 }) : vitrine.similar('sku-3', { limit: 5 });
          queries.push(call.then((result) => void results.push(result)));
        }
      }
      await Promise.all([...loads, ...queries]);
      const seen = new Set<string>();
      for (const result of results) {
        const answer = answers.get(result.bundleVersion);
        expect(answer, `unknown version ${result.bundleVersion}`).toBeDefined();
        seen.add(result.bundleVersion);
        for (const item of result.items) {
          expect(item.bundleVersion).toBe(result.bundleVersion);
          // The product data comes from the same version as the scores.
          expect(item.title.endsWith(answer!.tag)).toBe(true);
        }
        const ids = result.items.map((item) => item.productId);
        expect(ids).toEqual(result.placement === 'trending' ? answer!.trending : answer!.similar);
      }
      // The queries really ran across swaps: both versions answered some of them.
      expect(seen.size).toBe(2);
      expect(results).toHaveLength(90);
    } finally {
      vitrine.close();
    }
  });

  it('W13: should answer 200 concurrent queries made while the first bundle loads either NOT_READY or from that bundle, then from v2 after a reload', async () => {
    const answers = await answersInIsolation();
    const [first, second] = [...answers.keys()];
    const vitrine = createVitrine();
    try {
      const loading = vitrine.load(bytesOf(VERSIONS[0]));
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () =>
          vitrine.recommend({ placement: 'trending', limit: 5 }).then(
            (result) => result.bundleVersion,
            (error: { code?: string }) => error.code,
          ),
        ),
      );
      await loading;
      for (const outcome of outcomes) expect([first, 'NOT_READY']).toContain(outcome);
      // While v2 loads, the calls in flight get v1 or v2, each whole; afterwards only v2.
      const during = Array.from({ length: 50 }, () => vitrine.recommend({ placement: 'trending', limit: 5 }));
      await vitrine.load(bytesOf(VERSIONS[1]));
      for (const result of await Promise.all(during)) {
        expect([first, second]).toContain(result.bundleVersion);
        expect(result.items.map((item) => item.productId)).toEqual(answers.get(result.bundleVersion)!.trending);
      }
      expect((await vitrine.recommend({ placement: 'trending', limit: 5 })).bundleVersion).toBe(second);
    } finally {
      vitrine.close();
    }
  });
});
