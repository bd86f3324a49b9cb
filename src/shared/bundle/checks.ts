/**
 * Content checks on typed-array views, each throwing a VitrineError whose `details.offset` is the
 * file position of the first bad value. Written as plain loops: they run over every number of a
 * 100k-product bundle on each load, so they must stay cheap.
 */
import { VitrineError } from '../errors.ts';

type NumberView = Float32Array | Uint32Array | Int32Array | Uint8Array;

/** File offset of element `i` of a view over the file buffer (`base` = file's byteOffset). */
function at(view: NumberView, i: number, base: number): number {
  return view.byteOffset - base + i * view.BYTES_PER_ELEMENT;
}

/** Every value finite; with `allowNaN`, NaN (meaning "none") passes but ±Infinity does not. */
export function checkFinite(view: Float32Array, section: string, field: string, base: number, allowNaN = false): void {
  if (!allowNaN && allFiniteBits(view)) return;
  for (let i = 0; i < view.length; i++) {
    const v = view[i]!;
    // v - v is 0 for finite v and NaN for NaN and ±Infinity: one subtraction, no call.
    if (v - v !== 0 && !(allowNaN && v !== v)) {
      throw new VitrineError('BUNDLE_NON_FINITE', `${section}.${field}[${i}] is ${v}`, {
        section,
        field,
        index: i,
        offset: at(view, i, base),
      });
    }
  }
}

/** The f32 exponent field; all ones means NaN or ±Infinity. */
const EXPONENT = 0x7f800000;
/** Adding one exponent step carries into bit 31 exactly when the exponent field is all ones. */
const EXPONENT_STEP = 0x00800000;

/**
 * Branch-free scan on the raw bits (int32 ops only, ~3x faster than float compares on a
 * 6.4M-value matrix): ORs `(bits & EXPONENT) + EXPONENT_STEP` over all values; bit 31 of the
 * result is set iff some value is NaN or infinite. The caller finds which one on the slow path.
 */
function allFiniteBits(view: Float32Array): boolean {
  const bits = new Int32Array(view.buffer, view.byteOffset, view.length);
  let acc = 0;
  const n = bits.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    acc |=
      ((bits[i]! & EXPONENT) + EXPONENT_STEP) |
      ((bits[i + 1]! & EXPONENT) + EXPONENT_STEP) |
      ((bits[i + 2]! & EXPONENT) + EXPONENT_STEP) |
      ((bits[i + 3]! & EXPONENT) + EXPONENT_STEP);
  }
  for (; i < n; i++) acc |= (bits[i]! & EXPONENT) + EXPONENT_STEP;
  return (acc & 0x80000000) === 0;
}

/** Every value finite and >= 0. */
export function checkNonNegative(view: Float32Array, section: string, field: string, base: number): void {
  checkFinite(view, section, field, base);
  for (let i = 0; i < view.length; i++) {
    if (view[i]! < 0)
      throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field}[${i}] is negative`, {
        section,
        field,
        index: i,
        offset: at(view, i, base),
      });
  }
}

/** Every value < `limit` (string refs, neighbour indices). */
export function checkBelow(view: Uint32Array, limit: number, section: string, field: string, base: number): void {
  for (let i = 0; i < view.length; i++) {
    if (view[i]! >= limit) {
      throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field}[${i}] = ${view[i]} is out of range (< ${limit} expected)`, {
        section,
        field,
        index: i,
        offset: at(view, i, base),
      });
    }
  }
}

/** Every value is -1 ("none") or in [0, limit). */
export function checkIndexOrNone(view: Int32Array, limit: number, section: string, field: string, base: number): void {
  for (let i = 0; i < view.length; i++) {
    const v = view[i]!;
    if (v < -1 || v >= limit) {
      throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field}[${i}] = ${v} is not -1 or an index < ${limit}`, {
        section,
        field,
        index: i,
        offset: at(view, i, base),
      });
    }
  }
}

/** Every byte is 0 or 1. */
export function checkFlags(view: Uint8Array, section: string, field: string, base: number): void {
  for (let i = 0; i < view.length; i++) {
    if (view[i]! > 1)
      throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field}[${i}] = ${view[i]} is not 0 or 1`, {
        section,
        field,
        index: i,
        offset: at(view, i, base),
      });
  }
}

/** CSR offsets: start at 0, never decrease, end at `nnz`. */
export function checkOffsets(offsets: Uint32Array, nnz: number, section: string, field: string, base: number): void {
  if (offsets[0] !== 0)
    throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field} must start at 0`, {
      section,
      field,
      index: 0,
      offset: at(offsets, 0, base),
    });
  const last = offsets.length - 1;
  for (let i = 0; i < last; i++) {
    if (offsets[i]! > offsets[i + 1]!) {
      throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field} decreases at ${i + 1}`, {
        section,
        field,
        index: i + 1,
        offset: at(offsets, i + 1, base),
      });
    }
  }
  if (offsets[last] !== nnz) {
    throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${section}.${field} ends at ${offsets[last]}, expected ${nnz}`, {
      section,
      field,
      index: last,
      offset: at(offsets, last, base),
    });
  }
}
