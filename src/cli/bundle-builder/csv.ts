/**
 * RFC 4180 CSV/TSV parsing with physical line numbers, so a bad row can be reported as
 * `file:line`. Quoted fields may hold delimiters, newlines and doubled quotes; CRLF and LF both end
 * a record. Lenient where the RFC is silent in practice: a quote inside an unquoted field is kept
 * literally, as spreadsheet exports do.
 */
import { VitrineError } from '../../shared/errors.ts';

export interface CsvRow {
  /** 1-based physical line on which the record starts. */
  line: number;
  fields: string[];
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Splits `text` into records. Throws INPUT_INVALID_ROW for a quote that never closes. */
export function parseCsv(text: string, delimiter = ',', file = ''): CsvRow[] {
  const rows: CsvRow[] = [];
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    // One record: fields until an unquoted line break or the end of the text.
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw new VitrineError('INPUT_INVALID_ROW', 'unterminated quoted field', {
              file,
              line: startLine,
              field: `column ${fields.length + 1}`,
            });
          }
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
          } else {
            line += countLineBreaks(text, i, q);
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the delimiter is kept (lenient).
        const end = fieldEnd(text, i, delim);
        value += text.slice(i, end);
        i = end;
        fields.push(value);
      } else {
        const end = fieldEnd(text, i, delim);
        fields.push(text.slice(i, end));
        i = end;
      }
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      if (c === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    // A blank line is no record (a trailing newline would otherwise add one empty row).
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: startLine, fields });
  }
  return rows;
}

function fieldEnd(text: string, from: number, delim: number): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === delim || c === LF || c === CR) break;
    i++;
  }
  return i;
}

/** Line breaks inside a quoted value, counting CRLF once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}
