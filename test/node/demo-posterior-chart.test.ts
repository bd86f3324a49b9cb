/**
 * The debug overlay's posterior intervals (demo/shop/posterior-chart.ts) against closed forms:
 * for Beta(a, 1) the CDF is x^a, for Beta(1, b) it is 1 − (1 − x)^b; very narrow posteriors use
 * the normal approximation.
 */
import { describe, expect, it } from 'vitest';
import { betaInterval, betaMean } from '../../demo/shop/posterior-chart.ts';

describe('betaInterval', () => {
  it('should give the central 95% of a flat prior', () => {
    const [low, high] = betaInterval(1, 1);
    expect(low).toBeCloseTo(0.025, 4);
    expect(high).toBeCloseTo(0.975, 4);
  });

  it('should match the closed-form quantiles of Beta(a, 1) and Beta(1, b)', () => {
    for (const shape of [2, 9, 30]) {
      const [low, high] = betaInterval(shape, 1);
      expect(low).toBeCloseTo(0.025 ** (1 / shape), 3);
      expect(high).toBeCloseTo(0.975 ** (1 / shape), 3);
      const [lowB, highB] = betaInterval(1, shape);
      expect(lowB).toBeCloseTo(1 - 0.975 ** (1 / shape), 3);
      expect(highB).toBeCloseTo(1 - 0.025 ** (1 / shape), 3);
    }
  });

  it('can bound a posterior too narrow for the grid (a large fold)', () => {
    const [low, high] = betaInterval(300_000, 700_000);
    const sd = Math.sqrt((0.3 * 0.7) / 1_000_001);
    expect(betaMean(300_000, 700_000)).toBeCloseTo(0.3, 10);
    expect(low).toBeCloseTo(0.3 - 1.96 * sd, 6);
    expect(high).toBeCloseTo(0.3 + 1.96 * sd, 6);
  });
});
