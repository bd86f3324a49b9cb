// Vitrine's bandit kernels: a module of their own (bandit.wasm), so the scoring kernels every page
// loads do not grow; only pages that run a bandit fetch it. One source, two builds, as kernels.ts:
// `ASC_FEATURE_SIMD` keeps the v128 branches in bandit.simd.wasm and the scalar ones in bandit.wasm.
//
// Each kernel follows the TypeScript reference (src/shared/bandit/sampling.ts, thompson.ts,
// lin-ts.ts) operation for operation, with the same uniform source (mulberry32, src/shared/random.ts):
// the caller passes the generator's 32-bit state in and gets the advanced state back, so a seed gives
// the same sequence on both sides. Only `Math.log` and `Math.pow` (AssemblyScript's, not V8's) may
// differ in the last bit; the SIMD branches keep every sum in the reference's order (see `moments`).
//
// Kernels take numbers and pointers to f64 arrays; the JS side (src/shared/bandit/wasm-kernels.ts)
// owns and documents the memory layout. Nothing here allocates (runtime `stub`).

/** mulberry32's state between the calls of one kernel. */
let rng: u32 = 0;

/** Lets the loader place its regions after the static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** mulberry32: https://gist.github.com/tommyettinger/46a874533244883189143505d203312c (u32 products wrap like Math.imul). */
// @ts-ignore: decorator
@inline function uniform(): f64 {
  rng += 0x6d2b79f5;
  let t = rng;
  t = (t ^ (t >>> 15)) * (t | 1);
  t ^= t + (t ^ (t >>> 7)) * (t | 61);
  return <f64>(t ^ (t >>> 14)) / 4294967296.0;
}

/** Standard normal by Marsaglia's polar method; the second variate of the pair is dropped (as the reference). */
function sampleNormal(): f64 {
  while (true) {
    const u = 2 * uniform() - 1;
    const v = 2 * uniform() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
  return 0;
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating gamma variables",
 * ACM TOMS 26(3). For shape < 1: Gamma(shape + 1) · U^(1/shape).
 */
function sampleGamma(shape: f64): f64 {
  if (shape < 1) {
    const boosted = sampleGamma(shape + 1);
    return boosted * Math.pow(1 - uniform(), 1 / shape);
  }
  const d = shape - 1.0 / 3.0;
  const c = 1 / Math.sqrt(9 * d);
  while (true) {
    const x = sampleNormal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
  return 0;
}

/** Beta(alpha, beta) as X / (X + Y). */
// @ts-ignore: decorator
@inline function sampleBeta(alpha: f64, beta: f64): f64 {
  const x = sampleGamma(alpha);
  const y = sampleGamma(beta);
  return x / (x + y);
}

/** One Beta(alphas[i], betas[i]) draw per arm into `out`, in arm order. Returns the advanced state. */
export function thompsonDraws(state: u32, arms: i32, alphas: usize, betas: usize, out: usize): u32 {
  rng = state;
  for (let i = 0; i < arms; i++) {
    const at = (<usize>i) << 3;
    store<f64>(out + at, sampleBeta(load<f64>(alphas + at), load<f64>(betas + at)));
  }
  return rng;
}

/** Moments of the arm in the last `moments` call. */
let momentMean: f64 = 0;
let momentVariance: f64 = 0;

/**
 * xᵀA⁻¹b and xᵀA⁻¹x for one arm (A⁻¹ at `inverse`, d×d row-major; b at `b`) into momentMean and
 * momentVariance. Every sum runs over j in the reference's order, so both builds give its bits.
 * The SIMD branch does four rows at once: it reads A⁻¹ by columns, [A_j,i .. A_j,i+3] = [A_i,j .. A_i+3,j],
 * which is exact because A⁻¹ stays symmetric bit for bit (Sherman–Morrison subtracts ax_i·ax_j, a
 * commutative product, from both halves).
 */
function moments(dims: i32, inverse: usize, b: usize, x: usize): void {
  let mean: f64 = 0;
  let variance: f64 = 0;
  const rowBytes = (<usize>dims) << 3;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= dims; i += 4) {
      let row01 = f64x2.splat(0);
      let row23 = f64x2.splat(0);
      let rowB01 = f64x2.splat(0);
      let rowB23 = f64x2.splat(0);
      let column = inverse + ((<usize>i) << 3);
      for (let j = 0; j < dims; j++) {
        const xj = v128.load64_splat(x + ((<usize>j) << 3));
        const bj = v128.load64_splat(b + ((<usize>j) << 3));
        const a01 = v128.load(column);
        const a23 = v128.load(column, 16);
        row01 = f64x2.add(row01, f64x2.mul(a01, xj));
        row23 = f64x2.add(row23, f64x2.mul(a23, xj));
        rowB01 = f64x2.add(rowB01, f64x2.mul(a01, bj));
        rowB23 = f64x2.add(rowB23, f64x2.mul(a23, bj));
        column += rowBytes;
      }
      const at = x + ((<usize>i) << 3);
      const x0 = load<f64>(at);
      const x1 = load<f64>(at, 8);
      const x2 = load<f64>(at, 16);
      const x3 = load<f64>(at, 24);
      variance += x0 * f64x2.extract_lane(row01, 0);
      variance += x1 * f64x2.extract_lane(row01, 1);
      variance += x2 * f64x2.extract_lane(row23, 0);
      variance += x3 * f64x2.extract_lane(row23, 1);
      mean += x0 * f64x2.extract_lane(rowB01, 0);
      mean += x1 * f64x2.extract_lane(rowB01, 1);
      mean += x2 * f64x2.extract_lane(rowB23, 0);
      mean += x3 * f64x2.extract_lane(rowB23, 1);
    }
  }
  for (; i < dims; i++) {
    let row: f64 = 0;
    let rowB: f64 = 0;
    const rowAt = inverse + <usize>i * rowBytes;
    for (let j = 0; j < dims; j++) {
      const aij = load<f64>(rowAt + ((<usize>j) << 3));
      row += aij * load<f64>(x + ((<usize>j) << 3));
      rowB += aij * load<f64>(b + ((<usize>j) << 3));
    }
    const xi = load<f64>(x + ((<usize>i) << 3));
    variance += xi * row;
    mean += xi * rowB;
  }
  momentMean = mean;
  momentVariance = Math.max(variance, 0);
}

/**
 * One sampled score per arm into `out`: mean + scale·√variance·N(0, 1), in arm order. Arm a's
 * inverse is at `inverse + a·d·d·8`, its b at `b + a·d·8`. Returns the advanced state.
 */
export function linTsDraws(state: u32, arms: i32, dims: i32, scale: f64, inverse: usize, b: usize, x: usize, out: usize): u32 {
  rng = state;
  const matrixBytes = <usize>dims * <usize>dims * 8;
  const vectorBytes = (<usize>dims) << 3;
  for (let a = 0; a < arms; a++) {
    moments(dims, inverse + <usize>a * matrixBytes, b + <usize>a * vectorBytes, x);
    store<f64>(out + ((<usize>a) << 3), momentMean + scale * Math.sqrt(momentVariance) * sampleNormal());
  }
  return rng;
}

/** The posterior mean score xᵀA⁻¹b of every arm into `out`. */
export function linTsMeans(arms: i32, dims: i32, inverse: usize, b: usize, x: usize, out: usize): void {
  const matrixBytes = <usize>dims * <usize>dims * 8;
  const vectorBytes = (<usize>dims) << 3;
  for (let a = 0; a < arms; a++) {
    moments(dims, inverse + <usize>a * matrixBytes, b + <usize>a * vectorBytes, x);
    store<f64>(out + ((<usize>a) << 3), momentMean);
  }
}

/**
 * One observation (x, reward) for one arm: A⁻¹ -= (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x) (Sherman–Morrison),
 * b += reward·x. `inverse` and `b` point at that arm's blocks; `scratch` holds d f64 (A⁻¹x).
 */
export function linTsUpdate(dims: i32, inverse: usize, b: usize, x: usize, reward: f64, scratch: usize): void {
  const rowBytes = (<usize>dims) << 3;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // A⁻¹x four rows at a time, by columns (symmetric, see `moments`), each sum in j order.
    for (; i + 4 <= dims; i += 4) {
      let row01 = f64x2.splat(0);
      let row23 = f64x2.splat(0);
      let column = inverse + ((<usize>i) << 3);
      for (let j = 0; j < dims; j++) {
        const xj = v128.load64_splat(x + ((<usize>j) << 3));
        row01 = f64x2.add(row01, f64x2.mul(v128.load(column), xj));
        row23 = f64x2.add(row23, f64x2.mul(v128.load(column, 16), xj));
        column += rowBytes;
      }
      v128.store(scratch + ((<usize>i) << 3), row01);
      v128.store(scratch + ((<usize>i) << 3), row23, 16);
    }
  }
  for (; i < dims; i++) {
    let sum: f64 = 0;
    const rowAt = inverse + <usize>i * rowBytes;
    for (let j = 0; j < dims; j++) sum += load<f64>(rowAt + ((<usize>j) << 3)) * load<f64>(x + ((<usize>j) << 3));
    store<f64>(scratch + ((<usize>i) << 3), sum);
  }
  let denominator: f64 = 1;
  for (let k = 0; k < dims; k++) denominator += load<f64>(x + ((<usize>k) << 3)) * load<f64>(scratch + ((<usize>k) << 3));
  for (let r = 0; r < dims; r++) {
    const axR = load<f64>(scratch + ((<usize>r) << 3));
    const rowAt = inverse + <usize>r * rowBytes;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const axRv = f64x2.splat(axR);
      const denominatorV = f64x2.splat(denominator);
      for (; j + 2 <= dims; j += 2) {
        const at = rowAt + ((<usize>j) << 3);
        const product = f64x2.mul(axRv, v128.load(scratch + ((<usize>j) << 3)));
        v128.store(at, f64x2.sub(v128.load(at), f64x2.div(product, denominatorV)));
      }
    }
    for (; j < dims; j++) {
      const at = rowAt + ((<usize>j) << 3);
      store<f64>(at, load<f64>(at) - (axR * load<f64>(scratch + ((<usize>j) << 3))) / denominator);
    }
    const bAt = b + ((<usize>r) << 3);
    store<f64>(bAt, load<f64>(bAt) + reward * load<f64>(x + ((<usize>r) << 3)));
  }
}
