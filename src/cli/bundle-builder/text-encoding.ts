/**
 * Which text encoding an input file is in, decided before any record is read: a byte order mark
 * says UTF-8 or UTF-16; otherwise the file must be strict UTF-8, and a file that is not is read as
 * Windows-1252 (what spreadsheet programs on Windows save as "CSV"; a superset of Latin-1 for
 * printable characters) with a warning naming the first byte that is not UTF-8. Reading it as UTF-8
 * anyway would turn `für` into `f�r` in every product title, silently.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';

export type TextEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface DetectedEncoding {
  encoding: TextEncoding;
  /** Bytes of byte order mark at the start of the file, skipped when reading. */
  bomLength: number;
  /** Where a file that is not UTF-8 first breaks it (0-based byte offset, 1-based line). */
  firstInvalid?: { offset: number; line: number };
}

/** Bytes read per chunk, by the encoding check and by the record readers. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Looks at the BOM, then checks the whole file for UTF-8 validity chunk by chunk (node's `isUtf8`
 * is as strict as `new TextDecoder('utf-8', { fatal: true })`: no overlong forms, no surrogates).
 */
export function detectEncoding(file: string): DetectedEncoding {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES + 3);
    let carry = 0; // bytes of an incomplete sequence kept from the previous chunk
    let position = 0; // file offset of chunk[0]
    let first = true;
    let bomLength = 0;
    for (;;) {
      const read = readSync(fd, chunk, carry, CHUNK_BYTES, null);
      const length = carry + read;
      if (first) {
        first = false;
        if (length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) bomLength = 3;
        else if (length >= 2 && chunk[0] === 0xff && chunk[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
        else if (length >= 2 && chunk[0] === 0xfe && chunk[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
      }
      // A sequence cut by the chunk's end is checked with the next chunk.
      const end = read === 0 ? length : completeUpTo(chunk, length);
      if (!isUtf8(chunk.subarray(0, end))) {
        const offset = position + firstInvalidUtf8(chunk, end);
        return { encoding: 'windows-1252', bomLength: 0, firstInvalid: { offset, line: lineOf(fd, offset) } };
      }
      if (read === 0) return { encoding: 'utf-8', bomLength };
      chunk.copy(chunk, 0, end, length);
      carry = length - end;
      position += end;
    }
  } finally {
    closeSync(fd);
  }
}

/** `length` minus a trailing lead byte and its continuation bytes that may still be incomplete. */
function completeUpTo(bytes: Uint8Array, length: number): number {
  for (let back = 1; back <= 3 && back <= length; back++) {
    const b = bytes[length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for its lead
    return b >= 0xc0 ? length - back : length;
  }
  return length;
}

/** Offset of the first byte that breaks UTF-8 in `bytes[0..end)` (a strict, byte-wise check). */
export function firstInvalidUtf8(bytes: Uint8Array, end: number): number {
  let i = 0;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte → sequence length and the allowed range of the second byte (RFC 3629 table).
    let size: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) size = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      size = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      size = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    if (i + size > end) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < size; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += size;
  }
  return end;
}

/** 1-based line of byte `offset`, counting LFs before it (only run once, for the warning). */
function lineOf(fd: number, offset: number): number {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let line = 1;
  for (let position = 0; position < offset; position += CHUNK_BYTES) {
    const read = readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, offset - position), position);
    if (read === 0) break;
    for (let at = chunk.indexOf(10, 0); at >= 0 && at < read; at = chunk.indexOf(10, at + 1)) line++;
  }
  return line;
}

/** The warning printed when a file is read as Windows-1252. */
export function encodingWarning(file: string, detected: DetectedEncoding): string | undefined {
  const bad = detected.firstInvalid;
  if (!bad) return undefined;
  return `warning: ${file} is not UTF-8 (first invalid byte at offset ${bad.offset}, line ${bad.line}); read as Windows-1252 (Latin-1). Save it as UTF-8 to silence this`;
}

/**
 * Characters of Windows-1252 bytes 0x80–0x9F (https://encoding.spec.whatwg.org/index-windows-1252.txt);
 * the other bytes are their Latin-1 code points. Written out because node's own TextDecoder
 * ('windows-1252' and 'latin1' alike) decodes these as C1 controls in node 20.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const C1_CHAR = /[\u0080-\u009f]/;
const C1_CHARS = /[\u0080-\u009f]/g;

/** Decodes `bytes[start..end)` of a Windows-1252 file. */
export function decodeWindows1252(bytes: Buffer, start: number, end: number): string {
  const latin1 = bytes.toString('latin1', start, end);
  return C1_CHAR.test(latin1) ? latin1.replace(C1_CHARS, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!) : latin1;
}
