/**
 * `value`'s share of the best, square-rooted: for heavy-tailed scores (session-kNN, what shoppers
 * viewed next), whose tail would otherwise be outvoted by any small bounded term (docs/strategies.md).
 */
export function rootShare(value: number, max: number): number {
  return max > 0 ? Math.sqrt(value / max) : 0;
}

/** Copies `values / max(values)` into `into`, so a count lives in [0, 1] like the other components. */
export function writeScaled(values: Float32Array, into: Float32Array): void {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const scale = max > 0 ? 1 / max : 0;
  for (let i = 0; i < values.length; i++) into[i] = values[i]! * scale;
}
