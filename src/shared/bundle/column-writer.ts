/** Writer of the column streams read by ./columns.ts (docs/bundle-format.md, "Column streams"). */
import { MAX_DECIMALS, RAW_BITS } from './columns.ts';

export class ColumnWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;

  private room(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + more));
    bigger.set(this.bytes);
    this.bytes = bigger;
  }

  private push(byte: number): void {
    this.room(1);
    this.bytes[this.length++] = byte;
  }

  uint(value: number): void {
    for (; value >= 0x80; value = Math.floor(value / 128)) this.push((value & 0x7f) | 0x80);
    this.push(value);
  }

  /** Steps from the previous value, zigzagged (arithmetic: steps of u32 refs pass 2^31). */
  ints(values: ArrayLike<number>): void {
    let previous = 0;
    for (let i = 0; i < values.length; i++) {
      const step = values[i]! - previous;
      this.uint(step < 0 ? -2 * step - 1 : 2 * step);
      previous = values[i]!;
    }
  }

  /**
   * The fewest decimals that give every value back as the same f32 (prices in cents: 2, ratings:
   * 1), else the raw bits. Values must be finite or NaN (checked by the writer before).
   */
  floats(values: Float32Array): void {
    const d = decimalsOf(values);
    this.uint(d);
    if (d === RAW_BITS) this.ints(new Uint32Array(values.buffer, values.byteOffset, values.length));
    else this.ints(Array.from(values, (v) => (v === v ? Math.round(v * 10 ** d) + 1 : 0)));
  }

  append(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

function decimalsOf(values: Float32Array): number {
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    const fits = values.every((v) => {
      if (v !== v) return true;
      const x = Math.round(v * scale);
      // Non-negative and small enough that the steps stay exact and the value fits the u32 column.
      return x >= 0 && x < 2 ** 31 && Math.fround(x / scale) === v;
    });
    if (fits) return d;
  }
  return RAW_BITS;
}
