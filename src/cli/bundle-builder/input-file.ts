/**
 * An input file opened for streaming: its size, its encoding (text-encoding.ts) and its bytes chunk
 * by chunk, so a 200,000-product catalog is never held as one string. Windows-1252 files stay bytes
 * (decoded field by field); UTF-16 files are turned into UTF-8 chunk by chunk.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { VitrineError } from '../../shared/errors.ts';
import { decodeUtf8, type FieldDecoder } from './csv.ts';
import { CHUNK_BYTES, decodeWindows1252, detectEncoding, encodingWarning, type DetectedEncoding } from './text-encoding.ts';

export interface InputFile {
  file: string;
  /** Bytes on disk, for progress. */
  size: number;
  encoding: DetectedEncoding;
  /** Decodes bytes of a chunk from `chunks()`. */
  decode: FieldDecoder;
  /** The text's bytes after the BOM; `onBytes` gets the file bytes read so far. */
  chunks(onBytes?: (bytes: number) => void): Generator<Buffer, void, undefined>;
  /** The start of the text (at least its first line when that fits in 16 MB), for format sniffing. */
  head(): string;
}

/** Longest first line `head()` reads to find its end. */
const MAX_HEAD_BYTES = 16 << 20;

/** Opens `file`; a file that cannot be read is INPUT_UNREADABLE. Warns when it is read as Windows-1252. */
export function openInput(file: string, warn?: (line: string) => void): InputFile {
  let size: number;
  let encoding: DetectedEncoding;
  try {
    size = statSync(file).size;
    encoding = detectEncoding(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  const warning = encodingWarning(file, encoding);
  if (warning) warn?.(warning);
  const decode: FieldDecoder = encoding.encoding === 'windows-1252' ? decodeWindows1252 : decodeUtf8;
  const chunks = (onBytes?: (bytes: number) => void) => readChunks(file, encoding, onBytes);
  return {
    file,
    size,
    encoding,
    decode,
    chunks,
    head() {
      const parts: Buffer[] = [];
      let length = 0;
      for (const chunk of chunks()) {
        parts.push(chunk);
        length += chunk.length;
        if (chunk.includes(10) || length >= MAX_HEAD_BYTES) break;
      }
      const bytes = Buffer.concat(parts);
      return decode(bytes, 0, bytes.length);
    },
  };
}

function unreadable(file: string, error: unknown): VitrineError {
  const reason = error instanceof Error ? error.message : String(error);
  return new VitrineError('INPUT_UNREADABLE', `cannot read ${file}: ${reason}`, { file });
}

function* readChunks(file: string, detected: DetectedEncoding, onBytes?: (bytes: number) => void): Generator<Buffer, void, undefined> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  const utf16 = detected.encoding === 'utf-16le' || detected.encoding === 'utf-16be' ? new TextDecoder(detected.encoding) : undefined;
  try {
    let position = detected.bomLength;
    for (;;) {
      // A fresh buffer per chunk: the parsers may keep the unfinished tail of one while reading the next.
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (read === 0) break;
      position += read;
      onBytes?.(position);
      const bytes = chunk.subarray(0, read);
      yield utf16 ? Buffer.from(utf16.decode(bytes, { stream: true }), 'utf8') : bytes;
    }
    if (utf16) {
      const rest = utf16.decode();
      if (rest !== '') yield Buffer.from(rest, 'utf8');
    }
  } finally {
    closeSync(fd);
  }
}

/** A whole (small) file as text, in its detected encoding: for inputs read at once (session logs, models). */
export function readText(file: string, warn?: (line: string) => void): string {
  const input = openInput(file, warn);
  const parts = [...input.chunks()];
  const bytes = Buffer.concat(parts);
  return input.decode(bytes, 0, bytes.length);
}
