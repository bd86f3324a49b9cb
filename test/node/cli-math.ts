/** Dot product of two rows stored in flat arrays (test-side, independent of the kernels). */
export function dot(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[ai + d]! * b[bi + d]!;
  return s;
}
