/**
 * Reads a tabular input file (catalog, events or embeddings) into plain records, each with the
 * physical line it starts on. Formats: JSON (an array, or an object holding exactly one array,
 * like `{"products": [...]}`), JSONL, CSV and TSV; chosen by extension, else by content.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { VitrineError } from '../../shared/errors.ts';
import { parseCsv } from './csv.ts';

export type InputFormat = 'json' | 'jsonl' | 'csv' | 'tsv';

/** One input record, or the reason it could not be read (the caller decides: abort or skip). */
export type InputRecord =
  { line: number; value: Record<string, unknown>; error?: undefined } | { line: number; value?: undefined; error: VitrineError };

export interface InputTable {
  format: InputFormat;
  records: InputRecord[];
}

/** Reads a file as UTF-8, turning any fs failure into INPUT_UNREADABLE. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new VitrineError('INPUT_UNREADABLE', `cannot read ${file}: ${reason}`, { file });
  }
}

export function readTable(file: string): InputTable {
  const text = readText(file);
  const format = detectFormat(file, text);
  const records =
    format === 'json'
      ? readJson(text, file)
      : format === 'jsonl'
        ? readJsonl(text, file)
        : readDelimited(text, format === 'tsv' ? '\t' : ',', file);
  return { format, records };
}

export function detectFormat(file: string, text: string): InputFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv') return 'csv';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) {
    // One object spanning the whole file is JSON; one object per line is JSONL.
    const firstLine = start.slice(0, start.indexOf('\n') < 0 ? undefined : start.indexOf('\n'));
    return isJson(firstLine) ? 'jsonl' : 'json';
  }
  const header = start.slice(0, Math.max(0, start.indexOf('\n')) || undefined);
  return count(header, '\t') > count(header, ',') ? 'tsv' : 'csv';
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(file: string, line: number): InputRecord {
  return { line, error: new VitrineError('INPUT_INVALID_ROW', 'expected a JSON object', { file, line }) };
}

function readJson(text: string, file: string): InputRecord[] {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(reason);
    const line = position ? lineAt(text, Number(position[1])) : undefined;
    throw new VitrineError('INPUT_UNREADABLE', `${file} is not valid JSON: ${reason}`, { file, line });
  }
  let items: unknown[];
  let depth: number;
  if (Array.isArray(root)) {
    items = root;
    depth = 1;
  } else if (isObject(root)) {
    const arrays = Object.values(root).filter(Array.isArray);
    if (arrays.length !== 1) {
      throw new VitrineError(
        'INPUT_UNREADABLE',
        `${file}: expected a JSON array, or an object holding exactly one array (found ${arrays.length})`,
        { file },
      );
    }
    items = arrays[0]!;
    depth = 2;
  } else {
    throw new VitrineError('INPUT_UNREADABLE', `${file}: expected a JSON array of objects`, { file });
  }
  const lines = elementLines(text, depth);
  return items.map((value, i) => {
    const line = lines[i] ?? 1;
    return isObject(value) ? { line, value } : notAnObject(file, line);
  });
}

/**
 * Line on which each element of the (only) array at `depth` starts. JSON.parse has already
 * accepted the text, so a small scanner that tracks strings and nesting is enough.
 */
function elementLines(text: string, depth: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let level = 0;
  let arrayLevel = -1; // level inside the target array, once entered
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (expectValue && level === arrayLevel && c !== ']' && c !== ',') {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') {
      // Skip the string; JSON strings cannot contain raw newlines.
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '[' || c === '{') {
      level++;
      if (c === '[' && level === depth && arrayLevel < 0) {
        arrayLevel = level;
        expectValue = true;
      }
    } else if (c === ']' || c === '}') {
      level--;
    } else if (c === ',' && level === arrayLevel) {
      expectValue = true;
    }
  }
  return lines;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function readJsonl(text: string, file: string): InputRecord[] {
  const records: InputRecord[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      records.push({ line, error: new VitrineError('INPUT_INVALID_ROW', `not valid JSON: ${reason}`, { file, line }) });
      continue;
    }
    records.push(isObject(value) ? { line, value } : notAnObject(file, line));
  }
  return records;
}

function readDelimited(text: string, delimiter: string, file: string): InputRecord[] {
  const rows = parseCsv(text, delimiter, file);
  const header = rows[0];
  if (!header) return [];
  const names = header.fields.map((name) => name.trim());
  const records: InputRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { line, fields } = rows[r]!;
    if (fields.length !== names.length) {
      const error = new VitrineError('INPUT_INVALID_ROW', `expected ${names.length} columns, found ${fields.length}`, {
        file,
        line,
        field: '(columns)',
      });
      records.push({ line, error });
      continue;
    }
    const value: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) value[names[c]!] = fields[c];
    records.push({ line, value });
  }
  return records;
}
