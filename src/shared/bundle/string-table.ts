/**
 * Reader-side string table. The blob is validated once (a fatal TextDecoder over the whole blob,
 * plus a check that no string boundary falls on a UTF-8 continuation byte, so every string is a
 * run of whole code points). Strings are then produced on demand: a `slice` of the decoded text
 * when the blob is pure ASCII (byte offsets = UTF-16 offsets), else a decode of just that string.
 */
import { VitrineError } from '../errors.ts';
import { strictUtf8Decoder } from './text-codec.ts';

export class StringTable {
  private constructor(
    /** The decoded blob when it is all ASCII, else null. */
    private readonly ascii: string | null,
    readonly offsets: Uint32Array,
    readonly blob: Uint8Array,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  /** String `ref`; callers pass refs already checked against `count`. */
  get(ref: number): string {
    const start = this.offsets[ref]!;
    const end = this.offsets[ref + 1]!;
    if (this.ascii !== null) return this.ascii.slice(start, end);
    // Cannot throw: the whole blob was validated and both ends sit on code point starts.
    return strictUtf8Decoder.decode(this.blob.subarray(start, end));
  }

  /**
   * Validates and wraps a string table. `offsets` (count + 1, already checked monotone from 0 to
   * blob.length) and `blob` are views into the file; `blobOffset` is the blob's file position.
   */
  static open(offsets: Uint32Array, blob: Uint8Array, blobOffset: number): StringTable {
    let text: string;
    try {
      text = strictUtf8Decoder.decode(blob);
    } catch {
      const bad = firstInvalidUtf8(blob);
      throw new VitrineError('BUNDLE_INVALID_UTF8', `string table is not valid UTF-8 at blob byte ${bad}`, {
        section: 'strings',
        offset: blobOffset + bad,
      });
    }
    const count = offsets.length - 1;
    for (let i = 1; i < count; i++) {
      const o = offsets[i]!;
      if (o < blob.length && (blob[o]! & 0xc0) === 0x80) {
        throw new VitrineError('BUNDLE_INVALID_UTF8', `string ${i} starts inside a UTF-8 sequence`, {
          section: 'strings',
          index: i,
          offset: blobOffset + o,
        });
      }
    }
    return new StringTable(text.length === blob.length ? text : null, offsets, blob);
  }
}

/** Byte index of the first invalid UTF-8 sequence (only called on the error path). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= bytes.length) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
