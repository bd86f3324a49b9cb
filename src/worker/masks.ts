/**
 * Allow bitmasks over product rows, as the kernels' `topK` reads them: bit r of byte r >> 3,
 * least significant bit first. A set bit lets the row be shown.
 */

/** Bitmask length for `rows` rows. */
export function maskBytes(rows: number): number {
  return Math.ceil(rows / 8);
}

export function isAllowed(mask: Uint8Array, row: number): boolean {
  return (mask[row >> 3]! & (1 << (row & 7))) !== 0;
}

export function clearBit(mask: Uint8Array, row: number): void {
  mask[row >> 3]! &= ~(1 << (row & 7));
}

/** Bitmask with bit r set where `flags[r] === 1`, or for every row when `flags` is omitted. */
export function buildMask(rows: number, flags?: Uint8Array): Uint8Array {
  const mask = new Uint8Array(maskBytes(rows));
  if (!flags) {
    mask.fill(0xff);
    // Bits past the last row stay clear, so a mask never allows a row that does not exist.
    if (rows % 8 !== 0) mask[mask.length - 1] = (1 << (rows % 8)) - 1;
    return mask;
  }
  for (let row = 0; row < rows; row++) if (flags[row] === 1) mask[row >> 3]! |= 1 << (row & 7);
  return mask;
}
