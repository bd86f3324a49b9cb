/**
 * The wasm bandit kernels (both builds) against the TypeScript reference on fixed seeds: the same
 * slates, the same generator state afterwards, draws within DRAW_TOLERANCE (AssemblyScript's Math.log
 * and Math.pow may differ from V8's in the last bits), the same A⁻¹ bit for bit and equal to a
 * directly inverted A. Plus the reference's own statistics, which a wrong sampler would fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNodeBanditKernels } from '../../src/cli/bandit-kernels-node.ts';
import { createReferenceBanditKernels, type BanditKernels } from '../../src/shared/bandit/kernels.ts';
import { createLinTs, type LinTsState } from '../../src/shared/bandit/lin-ts.ts';
import { sampleBeta, sampleGamma, sampleNormal } from '../../src/shared/bandit/sampling.ts';
import type { BetaArm } from '../../src/shared/bandit/thompson.ts';
import { mulberry32, seededRandom, type SeededRandom } from '../../src/shared/random.ts';

/** Relative difference allowed between a wasm draw and the reference's (docs/bandits.md, "Kernels"). */
const DRAW_TOLERANCE = 1e-14;

const reference = createReferenceBanditKernels();
const wasmBuilds: BanditKernels[] = [];
beforeAll(async () => {
  wasmBuilds.push(await loadNodeBanditKernels('wasm-simd'), await loadNodeBanditKernels('wasm'));
});

/** A posterior parameter of one of the kinds the kernels meet: below 1, a few clicks, or Open Bandit Dataset scale (beta up to 181,745). */
function parameter(rng: SeededRandom, kind: number): number {
  if (kind === 0) return 0.02 + 0.97 * rng.next();
  if (kind === 1) return 1 + Math.floor(60 * rng.next());
  return 2 + Math.floor(200_000 * rng.next());
}

function randomArms(seed: number, count: number): BetaArm[] {
  const rng = seededRandom(seed ^ 0x5bd1e995);
  return Array.from({ length: count }, () => ({
    alpha: parameter(rng, Math.floor(3 * rng.next())),
    beta: parameter(rng, Math.floor(3 * rng.next())),
  }));
}

/**
 * Each actual value within DRAW_TOLERANCE of the expected one, relative to `scales[i]` (default:
 * the expected value itself; for a LinTS score |mean| + |score − mean|, since only the normal
 * variate, not the mean, can differ and their sum may cancel).
 */
function expectClose(actual: Float64Array, expected: Float64Array, scales: ArrayLike<number> = expected.map(Math.abs)): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > DRAW_TOLERANCE * scales[i]!) expect(actual[i], `index ${i}`).toBe(expected[i]);
  }
}

describe('seededRandom', () => {
  it('should give mulberry32’s sequence and continue from a state written into it', () => {
    const plain = mulberry32(2024);
    const rng = seededRandom(2024);
    const first = Array.from({ length: 5 }, () => rng.next());
    expect(first).toEqual(Array.from({ length: 5 }, () => plain()));
    const copy = seededRandom(0);
    copy.state = rng.state;
    expect(Array.from({ length: 5 }, () => copy.next())).toEqual(Array.from({ length: 5 }, () => plain()));
  });
});

describe('Thompson kernels: wasm equals the reference', () => {
  it('should pick the same slates, leave the same generator state and draw within tolerance, over 3000 seeds and 2..50 arms', () => {
    let draws = 0;
    let differing = 0;
    for (let seed = 0; seed < 3000; seed++) {
      const count = 2 + (seed % 49);
      const arms = randomArms(seed, count);
      const k = 1 + (seed % Math.min(5, count));
      const expectedRng = seededRandom(seed);
      const expectedDraws = reference.drawRates(expectedRng, arms);
      const expectedSlate = reference.thompsonSlate(expectedRng, arms, k);
      for (const kernels of wasmBuilds) {
        const rng = seededRandom(seed);
        const got = kernels.drawRates(rng, arms);
        expectClose(got, expectedDraws);
        expect(kernels.thompsonSlate(rng, arms, k), `${kernels.impl} seed ${seed}`).toEqual(expectedSlate);
        expect(rng.state).toBe(expectedRng.state);
        draws += count;
        differing += got.filter((value, i) => value !== expectedDraws[i]).length;
      }
    }
    // Not a free pass: most draws are bit-identical, a few differ in the last bits of log/pow.
    expect(differing / draws).toBeLessThan(0.1);
  });

  it('should agree on shapes where Marsaglia–Tsang needs its boost (alpha, beta < 1) and on huge posteriors', () => {
    const arms: BetaArm[] = [
      { alpha: 0.001, beta: 0.5 },
      { alpha: 0.3, beta: 0.3 },
      { alpha: 1013, beta: 181_745 },
      { alpha: 1, beta: 1 },
    ];
    for (let seed = 0; seed < 500; seed++) {
      const expected = reference.drawRates(seededRandom(seed), arms);
      for (const kernels of wasmBuilds) expectClose(kernels.drawRates(seededRandom(seed), arms), expected);
    }
  });

  it('should reject what would hang or corrupt the sampler, as the reference does', () => {
    for (const kernels of [reference, ...wasmBuilds]) {
      const rng = seededRandom(1);
      expect(() => kernels.drawRates(rng, [{ alpha: Number.NaN, beta: 1 }])).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
      expect(() => kernels.thompsonSlate(rng, [{ alpha: 1, beta: 0 }])).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
      expect(() => kernels.thompsonSlate(rng, [{ alpha: 1, beta: 1 }], 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
      expect(rng.state).toBe(seededRandom(1).state);
    }
  });
});

/** A = lambda·I + Σ x xᵀ for one arm's observations, inverted by Gauss–Jordan with partial pivoting. */
function directInverse(dims: number, observations: number[][], lambda = 1): Float64Array {
  const a = Array.from({ length: dims }, (_, i) =>
    Array.from({ length: 2 * dims }, (_, j) => (j === i ? lambda : 0) + (j === dims + i ? 1 : 0)),
  );
  for (const x of observations) for (let i = 0; i < dims; i++) for (let j = 0; j < dims; j++) a[i]![j]! += x[i]! * x[j]!;
  for (let col = 0; col < dims; col++) {
    let pivot = col;
    for (let r = col + 1; r < dims; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let j = 0; j < 2 * dims; j++) a[col]![j]! /= p;
    for (let r = 0; r < dims; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      for (let j = 0; j < 2 * dims; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return Float64Array.from({ length: dims * dims }, (_, k) => a[Math.floor(k / dims)]![dims + (k % dims)]!);
}

const argmax = (values: Float64Array): number => values.reduce((best, value, i) => (value > values[best]! ? i : best), 0);

describe('linear TS kernels: wasm equals the reference', () => {
  for (const [arms, dims] of [
    [50, 16],
    [7, 5],
    [3, 1],
    [12, 7],
  ] as const) {
    it(`should keep the same A⁻¹ (= directly inverted A) and draw the same scores, ${arms} arms x ${dims} dims`, () => {
      const states: LinTsState[] = [reference, ...wasmBuilds].map(() => createLinTs(arms, dims));
      const kernels = [reference, ...wasmBuilds];
      const observations: number[][][] = Array.from({ length: arms }, () => []);
      const data = seededRandom(arms * 100 + dims);
      for (let step = 0; step < 600; step++) {
        const x = Array.from({ length: dims }, () => 2 * data.next() - 1);
        const arm = Math.floor(data.next() * arms);
        const reward = data.next() < 0.2 + (0.6 * arm) / arms ? 1 : 0;
        kernels.forEach((k, i) => k.updateLinTs(states[i]!, arm, x, reward));
        observations[arm]!.push(x);
        if (step % 25 !== 0) continue;
        const context = Array.from({ length: dims }, () => 2 * data.next() - 1);
        const expectedRng = seededRandom(step);
        const expected = reference.drawScores(expectedRng, states[0]!, context);
        const expectedMeans = reference.meanScores(states[0]!, context);
        wasmBuilds.forEach((k, i) => {
          const rng = seededRandom(step);
          const scores = k.drawScores(rng, states[i + 1]!, context);
          expectClose(
            scores,
            expected,
            expected.map((score, a) => Math.abs(expectedMeans[a]!) + Math.abs(score - expectedMeans[a]!)),
          );
          expect(argmax(scores), `${k.impl} step ${step}`).toBe(argmax(expected));
          expect(rng.state).toBe(expectedRng.state);
          // The means involve no log: bit-identical.
          expect(k.meanScores(states[i + 1]!, context)).toEqual(expectedMeans);
        });
      }
      for (const [i, state] of states.entries()) {
        if (i > 0) {
          // Same operations in the same order: the same bits (so the SIMD build's column reads of the symmetric A⁻¹ are exact).
          expect(state.inverse).toEqual(states[0]!.inverse);
          expect(state.b).toEqual(states[0]!.b);
        }
        for (let arm = 0; arm < arms; arm++) {
          const direct = directInverse(dims, observations[arm]!);
          const kept = state.inverse.subarray(arm * dims * dims, (arm + 1) * dims * dims);
          for (let k = 0; k < direct.length; k++) expect(Math.abs(kept[k]! - direct[k]!)).toBeLessThan(1e-9);
        }
      }
    });
  }

  it('should reject a bad arm, context or reward before touching the state', () => {
    for (const kernels of [reference, ...wasmBuilds]) {
      const state = createLinTs(4, 3);
      const before = state.inverse.slice();
      const invalid = expect.objectContaining({ code: 'INVALID_REQUEST' });
      expect(() => kernels.updateLinTs(state, 4, [1, 0, 0], 1)).toThrow(invalid);
      expect(() => kernels.updateLinTs(state, -1, [1, 0, 0], 1)).toThrow(invalid);
      expect(() => kernels.updateLinTs(state, 0, [1, 0], 1)).toThrow(invalid);
      expect(() => kernels.updateLinTs(state, 0, [1, Number.NaN, 0], 1)).toThrow(invalid);
      expect(() => kernels.updateLinTs(state, 0, [1, 0, 0], Number.POSITIVE_INFINITY)).toThrow(invalid);
      expect(() => kernels.drawScores(seededRandom(1), { ...state, b: new Float64Array(5) }, [1, 0, 0])).toThrow(invalid);
      expect(state.inverse).toEqual(before);
    }
  });
});

describe('reference samplers: statistics a wrong algorithm would fail', () => {
  const N = 100_000;
  /** Sample mean and variance of N draws. */
  function moments(draw: () => number): { mean: number; variance: number } {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < N; i++) {
      const value = draw();
      sum += value;
      sumSq += value * value;
    }
    const mean = sum / N;
    return { mean, variance: sumSq / N - mean * mean };
  }

  it('should draw standard normals', () => {
    const next = mulberry32(11);
    const { mean, variance } = moments(() => sampleNormal(next));
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });

  for (const shape of [0.1, 0.5, 1, 2.5, 30, 1013]) {
    it(`should draw Gamma(${shape}) with mean and variance ${shape} (5 standard errors)`, () => {
      const next = mulberry32(Math.round(shape * 1000));
      const { mean, variance } = moments(() => sampleGamma(next, shape));
      // Var of the sample mean: shape / N; of the sample variance: shape² (2 + 6 / shape) / N (excess kurtosis 6 / shape).
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / N));
      expect(Math.abs(variance - shape)).toBeLessThan(5 * shape * Math.sqrt((2 + 6 / shape) / N));
    });
  }

  for (const [alpha, beta] of [
    [0.5, 0.5],
    [2, 5],
    [47, 12_198],
    [857, 181_745],
  ] as const) {
    it(`should draw Beta(${alpha}, ${beta}) with mean alpha / (alpha + beta)`, () => {
      const next = mulberry32(alpha + beta);
      const { mean, variance } = moments(() => sampleBeta(next, alpha, beta));
      const expectedMean = alpha / (alpha + beta);
      const expectedVariance = (alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));
      expect(Math.abs(mean - expectedMean)).toBeLessThan(5 * Math.sqrt(expectedVariance / N));
      expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.05);
    });
  }
});

describe('worker loader', () => {
  it('should fall back to the TypeScript reference, not reject, where the wasm cannot be fetched', async () => {
    // Node's fetch refuses the file: URLs the loader resolves here, as a blocked or missing asset would fail.
    const { loadBanditKernels } = await import('../../src/worker/bandit-kernels.ts');
    const kernels = await loadBanditKernels();
    expect(kernels.impl).toBe('js');
    expect(await loadBanditKernels()).toBe(kernels);
    const arms = randomArms(3, 10);
    expect(kernels.thompsonSlate(seededRandom(3), arms, 2)).toEqual(reference.thompsonSlate(seededRandom(3), arms, 2));
  });
});
