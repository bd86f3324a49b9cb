/**
 * Reads a tabular input file (catalog, events or embeddings) as a stream of plain records, each with
 * the physical line it starts on. Formats: JSON (an array, or an object holding exactly one array,
 * like `{"products": [...]}`), JSONL, CSV and TSV (any of `,` tab `;` `|`); chosen by extension,
 * else by content. Records are produced one at a time from 1 MB chunks, so memory holds the records
 * the caller keeps, not the file.
 */
import { extname } from 'node:path';
import { VitrineError } from '../../shared/errors.ts';
import { csvRows, sniffDelimiter } from './csv.ts';
import { openInput, type InputFile } from './input-file.ts';

export { readText } from './input-file.ts';

export type InputFormat = 'json' | 'jsonl' | 'csv' | 'tsv';

/** One input record, or the reason it could not be read (the caller decides: abort or skip). */
export type InputRecord =
  { line: number; value: Record<string, unknown>; error?: undefined } | { line: number; value?: undefined; error: VitrineError };

export interface InputTable {
  format: InputFormat;
  /** The separator of a CSV/TSV file. */
  delimiter?: string;
  /** The header's column names of a CSV/TSV file (JSON has none: its keys vary by record). */
  columns?: string[];
  /** The records, read lazily: iterate once. */
  records: Iterable<InputRecord>;
}

export interface TableOptions {
  /** Forces the separator of CSV/TSV files (`--delimiter`); default: sniffed from the header. */
  delimiter?: string | undefined;
  /** Where the encoding warning goes. */
  warn?: ((line: string) => void) | undefined;
  /** Called after each chunk with the file bytes read and the file's size. */
  onBytes?: ((bytes: number, size: number) => void) | undefined;
}

export function readTable(file: string, options: TableOptions = {}): InputTable {
  const input = openInput(file, options.warn);
  const head = input.head();
  const format = detectFormat(file, head, options.delimiter);
  const onBytes = options.onBytes && ((bytes: number) => options.onBytes!(bytes, input.size));
  if (format === 'json') return { format, records: readJson(input, onBytes) };
  if (format === 'jsonl') return { format, records: readJsonl(input, onBytes) };
  const delimiter = options.delimiter ?? (format === 'tsv' && isTabExtension(file) ? '\t' : sniffDelimiter(head));
  return { format, delimiter, ...readDelimited(input, delimiter, onBytes) };
}

function isTabExtension(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.tsv' || ext === '.tab';
}

export function detectFormat(file: string, text: string, delimiter?: string): InputFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (isTabExtension(file)) return delimiter === undefined || delimiter === '\t' ? 'tsv' : 'csv';
  if (ext !== '.csv') {
    const start = text.replace(/^\uFEFF/, '').trimStart();
    if (start.startsWith('[')) return 'json';
    if (start.startsWith('{')) {
      // One object spanning the whole file is JSON; one object per line is JSONL.
      const newline = start.indexOf('\n');
      return isJson(newline < 0 ? start : start.slice(0, newline)) ? 'jsonl' : 'json';
    }
  }
  return (delimiter ?? sniffDelimiter(text)) === '\t' ? 'tsv' : 'csv';
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(file: string, line: number): InputRecord {
  return { line, error: new VitrineError('INPUT_INVALID_ROW', 'expected a JSON object', { file, line }) };
}

function invalidJson(file: string, error: unknown, line: number | undefined): VitrineError {
  const reason = error instanceof Error ? error.message : String(error);
  return new VitrineError('INPUT_UNREADABLE', `${file} is not valid JSON: ${reason}`, { file, line });
}

const LF = 10;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The elements of a JSON file's one array, parsed one by one. A byte scanner that tracks strings and
 * nesting finds where each element of the target array (the root array, or the first array that is
 * a value of the root object) starts and ends; everything else is kept as a skeleton with each
 * element replaced by `0`, parsed at the end to check the rest of the file and that the root object
 * holds exactly one array.
 */
function* readJson(input: InputFile, onBytes?: (bytes: number) => void): Generator<InputRecord, void, undefined> {
  const { file, decode } = input;
  let skeleton = '';
  let level = 0;
  let targetLevel = -1; // level inside the target array, once entered
  let rootIsObject = false;
  let inString = false;
  let escaped = false; // the previous byte was a backslash inside a string (it may end a chunk)
  let line = 1;
  let element: Buffer[] = []; // bytes of the element being read
  let elementLine = 0;
  let elementStart = -1; // offset of the open element in the current chunk, or -1
  for (const chunk of input.chunks(onBytes)) {
    let copiedFrom = 0; // chunk bytes before this were already added to the skeleton
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === LF) line++;
      const inTarget = level === targetLevel;
      if (inTarget && elementStart < 0 && element.length === 0) {
        if (c === 32 || c === 9 || c === 13 || c === LF || c === 44 || c === 93) {
          if (c === 93) level--; // `]` closes the target array
          continue;
        }
        // An element starts: the skeleton gets a 0 in its place.
        skeleton += decode(chunk, copiedFrom, i) + '0';
        elementStart = i;
        elementLine = line;
      } else if (inTarget && (c === 44 || c === 93)) {
        // `,` or `]` at the array's level ends the open element.
        element.push(chunk.subarray(elementStart < 0 ? 0 : elementStart, i));
        yield parseElement(element, elementLine);
        element = [];
        elementStart = -1;
        copiedFrom = i;
        if (c === 93) level--;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === 91 || c === 123) {
        level++;
        if (targetLevel < 0 && c === 91 && (level === 1 || (rootIsObject && level === 2))) {
          targetLevel = level;
          skeleton += decode(chunk, copiedFrom, i + 1);
          copiedFrom = i + 1;
        }
        if (level === 1 && c === 123) rootIsObject = true;
      } else if (c === 93 || c === 125) level--;
    }
    if (elementStart >= 0 || element.length > 0) {
      // The open element continues in the next chunk: keep its bytes (copied, so its chunk can go).
      element.push(Buffer.from(chunk.subarray(elementStart < 0 ? 0 : elementStart)));
      elementStart = -1;
    } else if (copiedFrom < chunk.length) skeleton += decode(chunk, copiedFrom, chunk.length);
  }
  if (element.length > 0) yield parseElement(element, elementLine); // truncated file: its parse error names the line
  checkSkeleton(file, skeleton);

  function parseElement(parts: Buffer[], startLine: number): InputRecord {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    let value: unknown;
    try {
      value = JSON.parse(decode(bytes, 0, bytes.length));
    } catch (error) {
      throw invalidJson(file, error, startLine);
    }
    return isObject(value) ? { line: startLine, value } : notAnObject(file, startLine);
  }
}

/** The file without its array's elements must be JSON: an array, or an object with exactly one array. */
function checkSkeleton(file: string, skeleton: string): void {
  let root: unknown;
  try {
    root = JSON.parse(skeleton);
  } catch (error) {
    throw invalidJson(file, error, undefined);
  }
  if (Array.isArray(root)) return;
  if (isObject(root)) {
    const arrays = Object.values(root).filter(Array.isArray);
    if (arrays.length === 1) return;
    throw new VitrineError(
      'INPUT_UNREADABLE',
      `${file}: expected a JSON array, or an object holding exactly one array (found ${arrays.length})`,
      { file },
    );
  }
  throw new VitrineError('INPUT_UNREADABLE', `${file}: expected a JSON array of objects`, { file });
}

/** Lines of bytes, each ending at LF (the last may not), with its 1-based number. */
export function* lines(input: InputFile, onBytes?: (bytes: number) => void): Generator<{ line: number; text: string }, void, undefined> {
  let pending: Buffer | undefined;
  let line = 1;
  for (const chunk of input.chunks(onBytes)) {
    const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
    let from = 0;
    for (let at = bytes.indexOf(LF, from); at >= 0; at = bytes.indexOf(LF, from)) {
      yield { line: line++, text: input.decode(bytes, from, at) };
      from = at + 1;
    }
    pending = from < bytes.length ? Buffer.from(bytes.subarray(from)) : undefined;
  }
  if (pending) yield { line, text: input.decode(pending, 0, pending.length) };
}

function* readJsonl(input: InputFile, onBytes?: (bytes: number) => void): Generator<InputRecord, void, undefined> {
  const { file } = input;
  for (const { line, text } of lines(input, onBytes)) {
    const raw = text.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      yield { line, error: new VitrineError('INPUT_INVALID_ROW', `not valid JSON: ${reason}`, { file, line }) };
      continue;
    }
    yield isObject(value) ? { line, value } : notAnObject(file, line);
  }
}

/** The header row (read at once) and the records after it (read lazily). */
function readDelimited(input: InputFile, delimiter: string, onBytes?: (bytes: number) => void): Pick<InputTable, 'columns' | 'records'> {
  const { file } = input;
  const rows = csvRows(input.chunks(onBytes), { delimiter, file, decode: input.decode });
  const first = rows.next();
  if (first.done) return { columns: [], records: [] };
  const names = first.value.fields.map((name) => name.trim());
  function* records(): Generator<InputRecord, void, undefined> {
    for (const { line, fields } of rows) {
      if (fields.length !== names.length) {
        const error = new VitrineError('INPUT_INVALID_ROW', `expected ${names.length} columns, found ${fields.length}`, {
          file,
          line,
          field: '(columns)',
        });
        yield { line, error };
        continue;
      }
      const value: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) value[names[c]!] = fields[c];
      yield { line, value };
    }
  }
  return { columns: names, records: records() };
}
