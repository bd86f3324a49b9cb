/**
 * The session graphs' pair totals (src/cli/bundle-builder/csr.ts) are kept in flat typed arrays and
 * summed at the end, not in a Map per pair (issue 14: memory of `bundle build` with events). The
 * bundle's bytes must not change for it: the same doubles per pair, the same rows.
 */
import { describe, expect, it } from 'vitest';
import { PairWeights, pairsToCsr } from '../../src/cli/bundle-builder/csr.ts';
import { mulberry32 } from '../../src/shared/random.ts';

/** Running totals in a Map, in the order the pairs were added: what the graphs were built from before. */
function runningTotals(adds: [number, number, number][], n: number): Map<number, number> {
  const totals = new Map<number, number>();
  for (const [a, b, w] of adds) {
    const key = a < b ? a * n + b : b * n + a;
    totals.set(key, (totals.get(key) ?? 0) + w);
  }
  return totals;
}

describe('PairWeights', () => {
  const n = 300;
  const random = mulberry32(7);
  // Many repeats of few pairs (sums of 1/d in varying orders: rounding shows if the order changed), past the first growth.
  const adds: [number, number, number][] = Array.from({ length: 5000 }, () => {
    const a = Math.floor(random() * 40);
    let b = Math.floor(random() * 40);
    if (b === a) b = (a + 1) % 40;
    return [a, b, 1 / (1 + Math.floor(random() * 5))];
  });

  it('should sum each unordered pair once, to the same double as a running total in the order added', () => {
    const pairs = new PairWeights(n);
    for (const [a, b, w] of adds) pairs.add(a, b, w);
    const { keys, weights } = pairs.totals();
    const expected = runningTotals(adds, n);
    expect(keys.length).toBe(expected.size);
    expect([...keys]).toEqual([...expected.keys()].sort((x, y) => x - y));
    keys.forEach((key, i) => expect(weights[i], `pair ${key}`).toBe(expected.get(key)));
  });

  it('should give each row its top M by weight, ties to the lower index, both directions of every pair', () => {
    const pairs = new PairWeights(n);
    for (const [a, b, w] of adds) pairs.add(a, b, w);
    const topM = 5;
    const csr = pairsToCsr(pairs, topM, (_a, _b, w) => Math.round(w)); // rounding makes ties
    const expected = runningTotals(adds, n);
    for (let row = 0; row < n; row++) {
      const links = [...expected]
        .map(([key, w]) => ({ a: Math.floor(key / n), b: key % n, w: Math.round(w) }))
        .filter(({ a, b }) => a === row || b === row)
        .map(({ a, b, w }) => ({ other: a === row ? b : a, w }))
        .sort((x, y) => y.w - x.w || x.other - y.other)
        .slice(0, topM);
      const start = csr.offsets[row]!;
      const end = csr.offsets[row + 1]!;
      expect([...csr.neighbors.subarray(start, end)], `row ${row}`).toEqual(links.map((l) => l.other));
      expect([...csr.weights.subarray(start, end)], `row ${row}`).toEqual(links.map((l) => l.w));
    }
    expect(csr.offsets[40]).toBeGreaterThan(0);
  });

  it("should count each pair's adds as its support, and leave out pairs added fewer than minSupport times", () => {
    const pairs = new PairWeights(n);
    for (const [a, b, w] of adds) pairs.add(a, b, w);
    const { keys, support } = pairs.totals();
    const counts = new Map<number, number>();
    for (const [a, b] of adds) {
      const key = a < b ? a * n + b : b * n + a;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    keys.forEach((key, i) => expect(support[i], `pair ${key}`).toBe(counts.get(key)));
    const minSupport = 5;
    const csr = pairsToCsr(pairs, 1000, (_a, _b, w) => w, minSupport);
    const kept = [...counts.values()].filter((c) => c >= minSupport).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(counts.size);
    expect(csr.neighbors.length).toBe(2 * kept);
    for (let row = 0; row < n; row++)
      for (let e = csr.offsets[row]!; e < csr.offsets[row + 1]!; e++) {
        const other = csr.neighbors[e]!;
        expect(counts.get(row < other ? row * n + other : other * n + row)).toBeGreaterThanOrEqual(minSupport);
      }
  });

  it('should give empty rows and no links when nothing was added', () => {
    const csr = pairsToCsr(new PairWeights(4), 3, (_a, _b, w) => w);
    expect([...csr.offsets]).toEqual([0, 0, 0, 0, 0]);
    expect(csr.neighbors.length).toBe(0);
  });
});
