/**
 * Random variates for the bandit policies, from a seeded uniform source (`mulberry32`). This is the
 * TypeScript reference: the wasm kernels implement the same algorithms in the same order, so the
 * same seed gives the same draws (up to the last bits of `Math.log`) and the same chosen arms.
 */

/** A uniform source on [0, 1), e.g. `mulberry32(seed)`. */
export type Uniform = () => number;

/**
 * Standard normal by Marsaglia's polar method: only `log` and `sqrt`, no trigonometry, so the
 * kernels can match it. The second variate of each pair is thrown away to keep no hidden state.
 */
export function sampleNormal(next: Uniform): number {
  for (;;) {
    const u = 2 * next() - 1;
    const v = 2 * next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating gamma variables".
 * For shape < 1: Gamma(shape + 1) · U^(1/shape).
 */
export function sampleGamma(next: Uniform, shape: number): number {
  if (shape < 1) {
    const boosted = sampleGamma(next, shape + 1);
    // 1 - next() lies in (0, 1]: never 0 ** (1 / shape).
    return boosted * Math.pow(1 - next(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(next);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
export function sampleBeta(next: Uniform, alpha: number, beta: number): number {
  const x = sampleGamma(next, alpha);
  const y = sampleGamma(next, beta);
  return x / (x + y);
}
