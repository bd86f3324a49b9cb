/** Writer-side string interning: every distinct string is stored once and referenced by index. */
import { utf8Encoder } from './text-codec.ts';
export class StringPool {
  private readonly index = new Map<string, number>();
  private readonly encoded: Uint8Array[] = [];
  private bytes = 0;

  constructor() {
    // Index 0 is the empty string, so "no value" has one cheap, predictable ref.
    this.ref('');
  }

  /** The ref of `value`, adding it on first sight. */
  ref(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.encoded.length;
      const utf8 = utf8Encoder.encode(value);
      this.index.set(value, i);
      this.encoded.push(utf8);
      this.bytes += utf8.length;
    }
    return i;
  }

  get count(): number {
    return this.encoded.length;
  }

  get blobLength(): number {
    return this.bytes;
  }

  /** Writes offsets (count + 1 entries) and the concatenated UTF-8 blob. */
  writeInto(offsets: Uint32Array, blob: Uint8Array): void {
    let at = 0;
    for (let i = 0; i < this.encoded.length; i++) {
      const s = this.encoded[i]!;
      offsets[i] = at;
      blob.set(s, at);
      at += s.length;
    }
    offsets[this.encoded.length] = at;
  }
}
