/**
 * Reader of the compact sections of format version 4 (strings, products, popularity:
 * docs/bundle-format.md, "Column streams"): after the 16-byte section header, one byte stream of
 * columns. Every integer column is n LEB128 values, each the zigzagged step from the previous value
 * (the first from 0): refs of strings interned field by field, offsets and rows stored by category
 * step by 0 or 1, so gzip sees runs of one byte. A float column is a decimals byte d, then an
 * integer column: round(v × 10^d) + 1, 0 for "none" (NaN); d = RAW_BITS holds the f32 bits.
 * Decoded once at load into the same typed arrays as the fixed layout of versions 1-3.
 */
import { malformed } from './graph-codec.ts';

/** Decimals byte of a float column holding f32 bit patterns rather than decimal values. */
export const RAW_BITS = 31;
/** Most decimals a decimal float column may declare. */
export const MAX_DECIMALS = 9;

export class ColumnReader {
  private at = 0;

  constructor(
    private readonly stream: Uint8Array,
    private readonly section: string,
    /** File offset of the stream, for error offsets. */
    private readonly fileAt: number,
  ) {}

  fail(message: string) {
    return malformed({ section: this.section }, 'stream', message, this.fileAt + this.at, this.at);
  }

  /** One LEB128 value of at most 5 bytes (multiplication, not <<: a fifth byte's bits pass 2^31). */
  uint(): number {
    let value = 0;
    for (let unit = 1; unit < 2 ** 35; unit *= 128) {
      const byte = this.stream[this.at];
      if (byte === undefined) throw this.fail('stream ends early');
      this.at++;
      value += (byte & 0x7f) * unit;
      if (byte < 0x80) return value;
    }
    throw this.fail('LEB128 value longer than 5 bytes');
  }

  /** A zigzagged step: 0, 1, 2, 3, … → 0, -1, 1, -2, … */
  step(): number {
    const v = this.uint();
    return v % 2 ? -(v + 1) / 2 : v / 2;
  }

  /** An integer column of `n` steps; values wrap to 32 bits (an Int32Array view reads -1 back). */
  ints(n: number): Uint32Array {
    // Every value takes at least one byte: a count the stream cannot hold allocates nothing.
    if (n > this.stream.length - this.at) throw this.fail(`${n} values cannot fit in the stream`);
    const out = new Uint32Array(n);
    let value = 0;
    for (let i = 0; i < n; i++) out[i] = value += this.step();
    return out;
  }

  floats(n: number): Float32Array {
    const d = this.uint();
    if (d > MAX_DECIMALS && d !== RAW_BITS) throw this.fail(`float column with ${d} decimals`);
    const values = this.ints(n);
    return d === RAW_BITS ? new Float32Array(values.buffer) : Float32Array.from(values, (x) => (x ? (x - 1) / 10 ** d : NaN));
  }

  /** The bytes left (a string blob), which end the stream. */
  rest(): Uint8Array {
    const rest = this.stream.subarray(this.at);
    this.at = this.stream.length;
    return rest;
  }

  /** The stream must end exactly after its last column. */
  end(): void {
    if (this.at < this.stream.length) throw this.fail('bytes left over after the last column');
  }
}
