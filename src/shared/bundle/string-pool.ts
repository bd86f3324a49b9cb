/** Writer-side string interning: every distinct string is stored once and referenced by index. */
import { utf8Encoder } from './text-codec.ts';
import { ColumnWriter } from './column-writer.ts';
export class StringPool {
  private readonly index = new Map<string, number>();
  /**
   * The UTF-8 bytes of every string, back to back, and where each one ends: one growing buffer
   * rather than a typed array per string, which at 600,000 strings (a 200,000-product catalog)
   * costs more in object headers than in text.
   */
  private blob = new Uint8Array(1 << 16);
  private ends: number[] = [];
  private bytes = 0;

  constructor() {
    // Index 0 is the empty string, so "no value" has one cheap, predictable ref.
    this.ref('');
  }

  /** The ref of `value`, adding it on first sight. */
  ref(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.ends.length;
      // UTF-8 needs at most 3 bytes per UTF-16 code unit.
      if (this.bytes + value.length * 3 > this.blob.length) {
        const bigger = new Uint8Array(Math.max(this.blob.length * 2, this.bytes + value.length * 3));
        bigger.set(this.blob.subarray(0, this.bytes));
        this.blob = bigger;
      }
      this.bytes += utf8Encoder.encodeInto(value, this.blob.subarray(this.bytes)).written;
      this.index.set(value, i);
      this.ends.push(this.bytes);
    }
    return i;
  }

  get count(): number {
    return this.ends.length;
  }

  get blobLength(): number {
    return this.bytes;
  }

  /** The fixed layout of versions 1-3: offsets (count + 1 entries) and the concatenated UTF-8 blob. */
  writeInto(offsets: Uint32Array, blob: Uint8Array): void {
    offsets[0] = 0;
    for (let i = 0; i < this.ends.length; i++) offsets[i + 1] = this.ends[i]!;
    blob.set(this.blob.subarray(0, this.bytes));
  }

  /** The strings section's stream (version 4): the offsets column (count + 1), then the UTF-8 blob. */
  columns(): ColumnWriter {
    const out = new ColumnWriter();
    out.ints([0, ...this.ends]);
    out.append(this.blob.subarray(0, this.bytes));
    return out;
  }
}
