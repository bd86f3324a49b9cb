/**
 * RFC 4180 CSV/TSV parsing with physical line numbers, so a bad row can be reported as
 * `file:line`. Quoted fields may hold delimiters, newlines and doubled quotes; CRLF and LF both end
 * a record. Lenient where the RFC is silent in practice: a quote inside an unquoted field is kept
 * literally, as spreadsheet exports do.
 *
 * The parser reads bytes chunk by chunk (a file is never held whole) and decodes each field on its
 * own: quotes, delimiters and line breaks are ASCII, which neither UTF-8 nor Windows-1252 uses inside
 * a multi-byte character, and a field decoded alone is a fresh string that keeps no chunk alive.
 */
import { VitrineError } from '../../shared/errors.ts';

export interface CsvRow {
  /** 1-based physical line on which the record starts. */
  line: number;
  fields: string[];
}

/** Bytes → text of one field, in the file's encoding. */
export type FieldDecoder = (bytes: Buffer, start: number, end: number) => string;

export const decodeUtf8: FieldDecoder = (bytes, start, end) => bytes.toString('utf8', start, end);

/** Separators `sniffDelimiter` recognises, in order of preference on a tie. */
export const DELIMITERS = [',', '\t', ';', '|'] as const;

const QUOTE = 34;
const CR = 13;
const LF = 10;

export interface CsvOptions {
  /** One ASCII character. */
  delimiter: string;
  /** Named in errors. */
  file: string;
  decode?: FieldDecoder;
}

/** Splits `text` into records. Throws INPUT_INVALID_ROW for a quote that never closes. */
export function parseCsv(text: string, delimiter = ',', file = ''): CsvRow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return [...csvRows([Buffer.from(body, 'utf8')], { delimiter, file })];
}

/**
 * Records of a delimited file given as byte chunks (the first without its BOM). A record cut by a
 * chunk's end is parsed again with the next chunk, so records may span any number of chunks.
 */
export function* csvRows(chunks: Iterable<Buffer>, options: CsvOptions): Generator<CsvRow, void, undefined> {
  const state = { line: 1 };
  let pending: Buffer | undefined;
  for (const chunk of chunks) {
    const bytes = pending && pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const used = yield* rowsIn(bytes, false, state, options);
    pending = bytes.subarray(used);
  }
  if (pending && pending.length > 0) yield* rowsIn(pending, true, state, options);
}

/**
 * The complete records in `bytes`; returns the offset where an incomplete one starts (`final`:
 * the end of the data ends the last record, and an open quote is an error).
 */
function* rowsIn(bytes: Buffer, final: boolean, state: { line: number }, options: CsvOptions): Generator<CsvRow, number, undefined> {
  const decode = options.decode ?? decodeUtf8;
  const delim = options.delimiter.charCodeAt(0);
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const start = i;
    const startLine = state.line;
    let line = startLine;
    const fields: string[] = [];
    // One record: fields until an unquoted line break or the end of the data.
    for (;;) {
      if (bytes[i] === QUOTE) {
        let value = '';
        let from = i + 1;
        let closing = -1;
        for (;;) {
          const q = bytes.indexOf(QUOTE, from);
          // Not closed yet, or closed at the very end where the next chunk may hold a second quote.
          if (q < 0 || (q + 1 === n && !final)) break;
          value += decode(bytes, from, q);
          if (bytes[q + 1] === QUOTE) {
            value += '"';
            from = q + 2;
          } else {
            closing = q;
            break;
          }
        }
        if (closing < 0) {
          if (!final) return start;
          throw new VitrineError('INPUT_INVALID_ROW', 'unterminated quoted field', {
            file: options.file,
            line: startLine,
            field: `column ${fields.length + 1}`,
          });
        }
        line += countLineBreaks(bytes, i, closing);
        i = closing + 1;
        // Anything between the closing quote and the delimiter is kept (lenient).
        const end = fieldEnd(bytes, i, delim);
        if (end > i) value += decode(bytes, i, end);
        i = end;
        fields.push(value);
      } else {
        const end = fieldEnd(bytes, i, delim);
        fields.push(decode(bytes, i, end));
        i = end;
      }
      if (i >= n && !final) return start;
      const c = bytes[i];
      if (c === delim) {
        i++;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) return start; // an LF may follow in the next chunk
        i++;
      }
      if (bytes[i] === LF) i++;
      line++;
      break;
    }
    state.line = line;
    // A blank line is no record (a trailing newline would otherwise add one empty row).
    if (!(fields.length === 1 && fields[0] === '')) yield { line: startLine, fields };
  }
  return n;
}

function fieldEnd(bytes: Buffer, from: number, delim: number): number {
  let i = from;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i]!;
    if (c === delim || c === LF || c === CR) break;
    i++;
  }
  return i;
}

/** Line breaks inside a quoted value, counting CRLF once. */
function countLineBreaks(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c === LF) count++;
    else if (c === CR && bytes[i + 1] !== LF) count++;
  }
  return count;
}

/**
 * The separator of a delimited file, from its first record: the most frequent of `,` tab `;` `|`
 * outside quotes (a quoted `"Schuhe; Damen"` in a comma file does not count). None → `,`.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** A delimiter option's text (`\t` accepted for a tab) checked: one ASCII character other than a quote or line break. */
export function parseDelimiter(text: string): string | undefined {
  const delimiter = text === '\\t' || text === 'tab' ? '\t' : text;
  const code = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || code > 0x7e || delimiter === '"' || delimiter === '\n' || delimiter === '\r') return undefined;
  return delimiter;
}
