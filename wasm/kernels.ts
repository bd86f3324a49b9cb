// Vitrine's scoring kernels. One source, two builds: `ASC_FEATURE_SIMD` is a compile-time constant,
// so the `release` target keeps only the v128 branches and `release-nosimd` only the scalar ones.
//
// Every kernel takes numbers and pointers; the JS loader (src/shared/kernels/wasm-kernels.ts) owns
// the memory layout and documents it. Layout invariants the kernels rely on:
// - row counts passed as `rowsP` are padded to a multiple of ROW_ALIGN with zero rows;
// - f32 rows are padded with zeros to `dimP` = a multiple of F32_DIM_ALIGN floats;
// - i8 rows are padded with zeros to `dimP` = a multiple of I8_DIM_ALIGN bytes;
// - every region starts on a 16-byte boundary (v128 loads do not need it, but it keeps them fast).
// Only entry guards run in release builds; the debug build also asserts inside loops.

import { E_INDEXOUTOFRANGE, E_INVALIDLENGTH, E_MISALIGNED } from './errors';

/** Row counts handed to the scan kernels are multiples of this (the 4-row block, twice for top-k). */
// @ts-ignore: decorator
@inline const ROW_ALIGN: i32 = 8;
/** f32 rows are padded to this many floats: two v128 per inner-loop step. */
// @ts-ignore: decorator
@inline const F32_DIM_ALIGN: i32 = 8;
/** i8 rows are padded to this many bytes: one v128 per inner-loop step. */
// @ts-ignore: decorator
@inline const I8_DIM_ALIGN: i32 = 16;

/** Lets the loader place its regions after the static data (runtime `stub`: nothing else allocates). */
export function heapBase(): usize {
  return __heap_base;
}

/** Reports the layout constants so the loader can check it was built against the same ones. */
export function rowAlign(): i32 {
  return ROW_ALIGN;
}
export function f32DimAlign(): i32 {
  return F32_DIM_ALIGN;
}
export function i8DimAlign(): i32 {
  return I8_DIM_ALIGN;
}

// @ts-ignore: decorator
@inline function checkAligned(ptr: usize): void {
  if (ptr & 15) throw new RangeError(E_MISALIGNED);
}

// @ts-ignore: decorator
@inline function checkBlock(count: i32, align: i32): void {
  if (count < 0 || count % align != 0) throw new RangeError(E_INVALIDLENGTH);
}

/**
 * Sums each of four f32x4 accumulators horizontally into one f32x4 [sum(a), sum(b), sum(c), sum(d)]:
 * a 4x4 transpose folded into three adds, so a 4-row block stores its scores with one v128.store
 * instead of four scalar horizontal sums.
 */
// @ts-ignore: decorator
@inline function hsum4F32(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** The integer twin of hsum4F32 (exact, so SIMD and scalar builds agree bit for bit on int8). */
// @ts-ignore: decorator
@inline function hsum4I32(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 4, 1, 5), v128.shuffle<i32>(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 4, 1, 5), v128.shuffle<i32>(c, d, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 1, 4, 5), v128.shuffle<i32>(ab, cd, 2, 3, 6, 7));
}

// @ts-ignore: decorator
@inline function hsumF32(a: v128): f32 {
  const s = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/**
 * out[r] = dot(row r, query) for r < rowsP. Memory-bound at catalog sizes, so the loop is shaped for
 * bandwidth: four rows per block (four independent accumulators hide the add latency), two v128 per
 * row per step, one store per block.
 */
export function scoreF32(mat: usize, rowsP: i32, dimP: i32, query: usize, out: usize): void {
  checkBlock(rowsP, ROW_ALIGN);
  checkBlock(dimP, F32_DIM_ALIGN);
  checkAligned(mat);
  checkAligned(query);
  checkAligned(out);
  const rowBytes = <usize>dimP << 2;
  if (ASC_FEATURE_SIMD) {
    let p = mat;
    const end = out + (<usize>rowsP << 2);
    for (let o = out; o < end; o += 16) {
      const p1 = p + rowBytes;
      const p2 = p1 + rowBytes;
      const p3 = p2 + rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let c: usize = 0; c < rowBytes; c += 32) {
        const q0 = v128.load(query + c);
        const q1 = v128.load(query + c, 16);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p + c), q0));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + c), q0));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + c), q0));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(p3 + c), q0));
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p + c, 16), q1));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + c, 16), q1));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + c, 16), q1));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(p3 + c, 16), q1));
      }
      v128.store(o, hsum4F32(a0, a1, a2, a3));
      p = p3 + rowBytes;
    }
  } else {
    let p = mat;
    for (let r = 0; r < rowsP; r++) {
      // Four partial sums, combined in the same order as the SIMD lanes fold.
      let s0: f32 = 0;
      let s1: f32 = 0;
      let s2: f32 = 0;
      let s3: f32 = 0;
      for (let c: usize = 0; c < rowBytes; c += 16) {
        s0 += load<f32>(p + c) * load<f32>(query + c);
        s1 += load<f32>(p + c, 4) * load<f32>(query + c, 4);
        s2 += load<f32>(p + c, 8) * load<f32>(query + c, 8);
        s3 += load<f32>(p + c, 12) * load<f32>(query + c, 12);
      }
      store<f32>(out + (<usize>r << 2), (s0 + s2) + (s1 + s3));
      p += rowBytes;
    }
  }
}

/**
 * Quantizes the f32 query (dimP floats, zero-padded) to i16 in `q16` and returns its scale, so the
 * int8 scan is pure integer maths: score = scale_r * qs * sum(row_i8 * q_i16). `qmax` is chosen by
 * the loader so that dimP * 128 * qmax fits an i32 (no overflow for any dim).
 */
export function quantizeQuery(query: usize, dimP: i32, q16: usize, qmax: f32): f32 {
  checkBlock(dimP, I8_DIM_ALIGN);
  let maxAbs: f32 = 0;
  for (let j = 0; j < dimP; j++) {
    maxAbs = max(maxAbs, abs(load<f32>(query + (<usize>j << 2))));
  }
  const inv: f32 = maxAbs > 0 ? qmax / maxAbs : 0;
  // A subnormal maxAbs can overflow `inv`; such a query has no usable direction, score it as zero.
  const usable = inv < Infinity;
  for (let j = 0; j < dimP; j++) {
    const v: f32 = usable ? nearest(load<f32>(query + (<usize>j << 2)) * inv) : 0;
    store<i16>(q16 + (<usize>j << 1), <i16>min(max(v, -qmax), qmax));
  }
  return usable && maxAbs > 0 ? maxAbs / qmax : 0;
}

/**
 * out[r] = scales[r] * qs * dot(row_i8 r, q16) for r < rowsP. Rows are sign-extended to i16 and
 * multiplied with `i32x4.dot_i16x8_s` (pairwise multiply-add into i32 lanes): 16 bytes of matrix per
 * load, and the integer sum is exact, so only the final scale is rounded.
 */
export function scoreI8(mat: usize, scales: usize, rowsP: i32, dimP: i32, q16: usize, qs: f32, out: usize): void {
  checkBlock(rowsP, ROW_ALIGN);
  checkBlock(dimP, I8_DIM_ALIGN);
  checkAligned(mat);
  checkAligned(scales);
  checkAligned(q16);
  checkAligned(out);
  const rowBytes = <usize>dimP;
  if (ASC_FEATURE_SIMD) {
    let p = mat;
    let sp = scales;
    const qsv = f32x4.splat(qs);
    const end = out + (<usize>rowsP << 2);
    for (let o = out; o < end; o += 16) {
      const p1 = p + rowBytes;
      const p2 = p1 + rowBytes;
      const p3 = p2 + rowBytes;
      let a0 = i32x4.splat(0);
      let a1 = i32x4.splat(0);
      let a2 = i32x4.splat(0);
      let a3 = i32x4.splat(0);
      let c: usize = 0;
      // Two v128 of each row per step when the padded row allows it: immediate offsets instead of
      // address arithmetic, half the loop overhead.
      if ((rowBytes & 31) == 0) {
        for (; c < rowBytes; c += 32) {
          const qp = q16 + (c << 1);
          const x0 = v128.load(p + c);
          const x1 = v128.load(p1 + c);
          const x2 = v128.load(p2 + c);
          const x3 = v128.load(p3 + c);
          let q = v128.load(qp);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x0), q));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x1), q));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x2), q));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x3), q));
          q = v128.load(qp, 16);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x0), q));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x1), q));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x2), q));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x3), q));
          const y0 = v128.load(p + c, 16);
          const y1 = v128.load(p1 + c, 16);
          const y2 = v128.load(p2 + c, 16);
          const y3 = v128.load(p3 + c, 16);
          q = v128.load(qp, 32);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(y0), q));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(y1), q));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(y2), q));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(y3), q));
          q = v128.load(qp, 48);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(y0), q));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(y1), q));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(y2), q));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(y3), q));
        }
      }
      for (; c < rowBytes; c += 16) {
        const qa = v128.load(q16 + (c << 1));
        const qb = v128.load(q16 + (c << 1), 16);
        const x0 = v128.load(p + c);
        const x1 = v128.load(p1 + c);
        const x2 = v128.load(p2 + c);
        const x3 = v128.load(p3 + c);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x0), qa));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x1), qa));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x2), qa));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x3), qa));
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x0), qb));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x1), qb));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x2), qb));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x3), qb));
      }
      const sum = f32x4.convert_i32x4_s(hsum4I32(a0, a1, a2, a3));
      v128.store(o, f32x4.mul(sum, f32x4.mul(v128.load(sp), qsv)));
      p = p3 + rowBytes;
      sp += 16;
    }
  } else {
    let p = mat;
    for (let r = 0; r < rowsP; r++) {
      let acc: i32 = 0;
      for (let c: usize = 0; c < rowBytes; c++) {
        acc += <i32>load<i8>(p + c) * <i32>load<i16>(q16 + (c << 1));
      }
      const o = <usize>r << 2;
      store<f32>(out + o, <f32>acc * (load<f32>(scales + o) * qs));
      p += rowBytes;
    }
  }
}

/**
 * slot[into][r] = sum_j weights[j] * slot[j][r] for j < count, one pass over rowsP rows. Slots are
 * `strideBytes` apart starting at `slots`; `into` may be one of the inputs (each row is read before
 * it is written). Summation order is j = 0, 1, ... in f32, which the TS reference mirrors.
 */
export function combine(slots: usize, strideBytes: usize, slotCount: i32, weights: usize, count: i32, into: i32, rowsP: i32): void {
  checkBlock(rowsP, ROW_ALIGN);
  if (<u32>count > <u32>slotCount) throw new RangeError(E_INVALIDLENGTH);
  if (<u32>into >= <u32>slotCount) throw new RangeError(E_INDEXOUTOFRANGE);
  checkAligned(slots);
  checkAligned(strideBytes);
  const dst = slots + <usize>into * strideBytes;
  const bytes = <usize>rowsP << 2;
  if (ASC_FEATURE_SIMD) {
    for (let o: usize = 0; o < bytes; o += 16) {
      let acc = f32x4.splat(0);
      let src = slots + o;
      for (let j = 0; j < count; j++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(weights + (<usize>j << 2))), v128.load(src)));
        src += strideBytes;
      }
      v128.store(dst + o, acc);
    }
  } else {
    for (let o: usize = 0; o < bytes; o += 4) {
      let acc: f32 = 0;
      let src = slots + o;
      for (let j = 0; j < count; j++) {
        acc += load<f32>(weights + (<usize>j << 2)) * load<f32>(src);
        src += strideBytes;
      }
      store<f32>(dst + o, acc);
    }
  }
}

// ---- top-k -------------------------------------------------------------------------------------
// A bounded binary heap whose root is the *worst* kept row (lowest score, then highest index), in
// two parallel arrays: heapIdx (i32) and heapScore (f32). Rows are scanned in increasing index
// order, so a later row that ties the root loses: the admission test is a strict `score > root`.
// That single compare runs first for every row (eight at a time with SIMD), and only the rare row
// that beats the root touches the heap. Heap ops: https://en.wikipedia.org/wiki/Binary_heap

// @ts-ignore: decorator
@inline function worse(sa: f32, ia: i32, sb: f32, ib: i32): bool {
  return sa < sb || (sa == sb && ia > ib);
}

function siftUp(idx: usize, sc: usize, pos: i32): void {
  const s = load<f32>(sc + (<usize>pos << 2));
  const i = load<i32>(idx + (<usize>pos << 2));
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    const ps = load<f32>(sc + (<usize>parent << 2));
    const pi = load<i32>(idx + (<usize>parent << 2));
    if (!worse(s, i, ps, pi)) break;
    store<f32>(sc + (<usize>pos << 2), ps);
    store<i32>(idx + (<usize>pos << 2), pi);
    pos = parent;
  }
  store<f32>(sc + (<usize>pos << 2), s);
  store<i32>(idx + (<usize>pos << 2), i);
}

/** Puts (s, i) at the root of a heap of `size` and sinks it to its place. */
function siftDown(idx: usize, sc: usize, size: i32, s: f32, i: i32): void {
  let pos = 0;
  while (true) {
    let child = (pos << 1) + 1;
    if (child >= size) break;
    let cs = load<f32>(sc + (<usize>child << 2));
    let ci = load<i32>(idx + (<usize>child << 2));
    const right = child + 1;
    if (right < size) {
      const rs = load<f32>(sc + (<usize>right << 2));
      const ri = load<i32>(idx + (<usize>right << 2));
      if (worse(rs, ri, cs, ci)) {
        child = right;
        cs = rs;
        ci = ri;
      }
    }
    if (!worse(cs, ci, s, i)) break;
    store<f32>(sc + (<usize>pos << 2), cs);
    store<i32>(idx + (<usize>pos << 2), ci);
    pos = child;
  }
  store<f32>(sc + (<usize>pos << 2), s);
  store<i32>(idx + (<usize>pos << 2), i);
}

// @ts-ignore: decorator
@inline function allowed(mask: usize, r: i32): bool {
  return ((load<u8>(mask + (<usize>r >> 3)) >> (r & 7)) & 1) != 0;
}

/**
 * Writes the k best of scores[0 .. rows) into outIdx/outScores, best first (ties: lower row first),
 * and returns how many were written (fewer than k when the mask or NaNs leave fewer rows).
 * `hasMask` = 0 allows every row; otherwise bit r of mask byte r >> 3 (LSB first) allows row r.
 * The scan reads scores in blocks of 8 = one mask byte; `scores` must hold a multiple of 8 floats.
 */
export function topK(scores: usize, rows: i32, k: i32, hasMask: i32, mask: usize, outIdx: usize, outScores: usize): i32 {
  if (rows < 0 || k < 0) throw new RangeError(E_INVALIDLENGTH);
  checkAligned(scores);
  if (k > rows) k = rows;
  if (k == 0) return 0;
  let count = 0;
  let r = 0;
  // Fill: the first k admissible rows go straight in (NaN never does: `s == s` is false for NaN).
  for (; r < rows && count < k; r++) {
    if (hasMask && !allowed(mask, r)) continue;
    const s = load<f32>(scores + (<usize>r << 2));
    if (s != s) continue;
    store<f32>(outScores + (<usize>count << 2), s);
    store<i32>(outIdx + (<usize>count << 2), r);
    siftUp(outIdx, outScores, count);
    count++;
  }
  if (count == k) {
    let thr = load<f32>(outScores);
    // Scalar until r is a multiple of 8 so each block lines up with one mask byte.
    for (; r < rows && (r & 7) != 0; r++) {
      const s = load<f32>(scores + (<usize>r << 2));
      if (s > thr && (!hasMask || allowed(mask, r))) {
        siftDown(outIdx, outScores, k, s, r);
        thr = load<f32>(outScores);
      }
    }
    const blockEnd = rows & ~7;
    for (; r < blockEnd; r += 8) {
      let bits: i32 = hasMask ? <i32>load<u8>(mask + (<usize>r >> 3)) : 0xff;
      if (bits == 0) continue;
      const p = scores + (<usize>r << 2);
      if (ASC_FEATURE_SIMD) {
        const t = f32x4.splat(thr);
        const above = i32x4.bitmask(f32x4.gt(v128.load(p), t)) | (i32x4.bitmask(f32x4.gt(v128.load(p, 16), t)) << 4);
        bits &= above;
      } else {
        let above = 0;
        for (let b = 0; b < 8; b++) above |= <i32>(load<f32>(p + (<usize>b << 2)) > thr) << b;
        bits &= above;
      }
      while (bits != 0) {
        const b = ctz(bits);
        bits &= bits - 1;
        const s = load<f32>(p + (<usize>b << 2));
        // Re-check: an earlier row of this block may have raised the threshold.
        if (s > thr) {
          siftDown(outIdx, outScores, k, s, r + b);
          thr = load<f32>(outScores);
        }
      }
    }
    for (; r < rows; r++) {
      const s = load<f32>(scores + (<usize>r << 2));
      if (s > thr && (!hasMask || allowed(mask, r))) {
        siftDown(outIdx, outScores, k, s, r);
        thr = load<f32>(outScores);
      }
    }
  }
  // Heapsort in place: moving the worst root to the end each time leaves the arrays best first.
  for (let end = count - 1; end > 0; end--) {
    const s = load<f32>(outScores + (<usize>end << 2));
    const i = load<i32>(outIdx + (<usize>end << 2));
    store<f32>(outScores + (<usize>end << 2), load<f32>(outScores));
    store<i32>(outIdx + (<usize>end << 2), load<i32>(outIdx));
    siftDown(outIdx, outScores, end, s, i);
  }
  return count;
}

// ---- maximal marginal relevance ---------------------------------------------------------------

/** dot(row a, row b) of the f32 matrix. */
function rowDotF32(mat: usize, dimP: i32, a: i32, b: i32): f32 {
  const rowBytes = <usize>dimP << 2;
  const pa = mat + <usize>a * rowBytes;
  const pb = mat + <usize>b * rowBytes;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (let c: usize = 0; c < rowBytes; c += 16) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(pa + c), v128.load(pb + c)));
    }
    return hsumF32(acc);
  } else {
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s2: f32 = 0;
    let s3: f32 = 0;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      s0 += load<f32>(pa + c) * load<f32>(pb + c);
      s1 += load<f32>(pa + c, 4) * load<f32>(pb + c, 4);
      s2 += load<f32>(pa + c, 8) * load<f32>(pb + c, 8);
      s3 += load<f32>(pa + c, 12) * load<f32>(pb + c, 12);
    }
    return (s0 + s2) + (s1 + s3);
  }
}

/** scale_a * scale_b * dot(row a, row b) of the i8 matrix; the integer part is exact. */
function rowDotI8(mat: usize, scales: usize, dimP: i32, a: i32, b: i32): f32 {
  const rowBytes = <usize>dimP;
  const pa = mat + <usize>a * rowBytes;
  const pb = mat + <usize>b * rowBytes;
  let acc: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    let v = i32x4.splat(0);
    for (let c: usize = 0; c < rowBytes; c += 16) {
      const x = v128.load(pa + c);
      const y = v128.load(pb + c);
      v = i32x4.add(v, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_s(y)));
      v = i32x4.add(v, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_s(y)));
    }
    acc = i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
  } else {
    for (let c: usize = 0; c < rowBytes; c++) acc += <i32>load<i8>(pa + c) * <i32>load<i8>(pb + c);
  }
  return <f32>acc * (load<f32>(scales + (<usize>a << 2)) * load<f32>(scales + (<usize>b << 2)));
}

/**
 * Greedy MMR (Carbonell & Goldstein 1998, https://doi.org/10.1145/290941.291025): picks up to k of
 * the m candidates maximising lambda * rel - (1 - lambda) * maxSim, where maxSim is the highest
 * similarity to an already picked row (0 before the first pick). Ties go to the higher relevance,
 * then the earlier candidate. NaN relevance is never picked. Writes row indices to `out` and returns
 * how many. `maxSim` (f32) and `done` (u8) are m-long scratch regions. `isI8` picks the matrix kind.
 */
export function mmr(
  mat: usize,
  scales: usize,
  isI8: i32,
  rows: i32,
  dimP: i32,
  cand: usize,
  rel: usize,
  m: i32,
  k: i32,
  lambda: f32,
  maxSim: usize,
  done: usize,
  out: usize,
): i32 {
  if (m < 0 || k < 0) throw new RangeError(E_INVALIDLENGTH);
  if (k > m) k = m;
  for (let i = 0; i < m; i++) {
    const row = load<i32>(cand + (<usize>i << 2));
    if (<u32>row >= <u32>rows) throw new RangeError(E_INDEXOUTOFRANGE);
    const r = load<f32>(rel + (<usize>i << 2));
    store<u8>(done + <usize>i, r != r ? 1 : 0);
    store<f32>(maxSim + (<usize>i << 2), 0);
  }
  const diversity: f32 = 1 - lambda;
  let picked = 0;
  while (picked < k) {
    let best = -1;
    let bestScore: f32 = 0;
    let bestRel: f32 = 0;
    for (let i = 0; i < m; i++) {
      if (load<u8>(done + <usize>i)) continue;
      const r = load<f32>(rel + (<usize>i << 2));
      const s: f32 = lambda * r - diversity * load<f32>(maxSim + (<usize>i << 2));
      if (best < 0 || s > bestScore || (s == bestScore && r > bestRel)) {
        best = i;
        bestScore = s;
        bestRel = r;
      }
    }
    if (best < 0) break;
    store<u8>(done + <usize>best, 1);
    const row = load<i32>(cand + (<usize>best << 2));
    store<i32>(out + (<usize>picked << 2), row);
    picked++;
    if (picked == k) break;
    for (let i = 0; i < m; i++) {
      if (load<u8>(done + <usize>i)) continue;
      const other = load<i32>(cand + (<usize>i << 2));
      const sim = isI8 ? rowDotI8(mat, scales, dimP, other, row) : rowDotF32(mat, dimP, other, row);
      const p = maxSim + (<usize>i << 2);
      store<f32>(p, picked == 1 ? sim : max(load<f32>(p), sim));
    }
  }
  return picked;
}
