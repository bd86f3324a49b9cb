/**
 * Reader-side string table. The blob is validated once (a fatal TextDecoder over the whole blob,
 * plus a check that no string boundary falls on a UTF-8 continuation byte), decoded once into one
 * JS string, and each string is then a `slice` of it: no per-string TextDecoder call, which is what
 * makes loading 100k products cheap.
 */
import { strictUtf8Decoder } from './text-codec.ts';
import { VitrineError } from '../errors.ts';

export class StringTable {
  private constructor(
    private readonly text: string,
    /** UTF-16 start of string i in `text`; count + 1 entries. */
    private readonly starts: Uint32Array,
  ) {}

  get count(): number {
    return this.starts.length - 1;
  }

  /** String `ref`; callers pass refs already checked against `count`. */
  get(ref: number): string {
    return this.text.slice(this.starts[ref]!, this.starts[ref + 1]!);
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
      throw new VitrineError('BUNDLE_INVALID_UTF8', `string table is not valid UTF-8 at blob byte ${bad}`, { section: 'strings', offset: blobOffset + bad });
    }
    const count = offsets.length - 1;
    for (let i = 1; i < count; i++) {
      const o = offsets[i]!;
      if (o < blob.length && (blob[o]! & 0xc0) === 0x80) {
        throw new VitrineError('BUNDLE_INVALID_UTF8', `string ${i} starts inside a UTF-8 sequence`, { section: 'strings', index: i, offset: blobOffset + o });
      }
    }
    // All-ASCII blobs (the common case) have UTF-16 offsets equal to byte offsets.
    if (text.length === blob.length) return new StringTable(text, offsets);
    return new StringTable(text, utf16Starts(offsets, blob));
  }
}

/** Maps byte offsets to UTF-16 offsets in one pass over the blob (4-byte sequences are 2 units). */
function utf16Starts(offsets: Uint32Array, blob: Uint8Array): Uint32Array {
  const starts = new Uint32Array(offsets.length);
  let byte = 0;
  let unit = 0;
  for (let i = 0; i < offsets.length; i++) {
    const target = offsets[i]!;
    for (; byte < target; byte++) {
      const b = blob[byte]!;
      if ((b & 0xc0) !== 0x80) unit += b >= 0xf0 ? 2 : 1;
    }
    starts[i] = unit;
  }
  return starts;
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
