/**
 * Session logs for `vitrine eval`, in three shapes:
 * - `session-rec`: tab-separated, header `SessionId ItemId Time` (Time = unix seconds), as the
 *   session-rec framework's prepared files (yoochoose rsc15);
 * - `csv`: comma-separated with a header naming session, item and time columns (aliases below);
 *   time in unix seconds, milliseconds or ISO 8601;
 * - `jsonl`: OTTO's one-session-per-line `{"session", "events": [{"aid", "ts", "type"}]}`.
 * Every event counts as an interaction, whatever its type. Events of a session are ordered by time,
 * stably, so equal times keep file order.
 */
import { extname } from 'node:path';
import { VitrineError, isVitrineError } from '../../shared/errors.ts';
import { csvRows, sniffDelimiter, type CsvRow } from '../bundle-builder/csv.ts';
import { parseTime } from '../bundle-builder/events.ts';
import { openInput, type InputFile } from '../bundle-builder/input-file.ts';
import type { InvalidRows } from '../bundle-builder/invalid-rows.ts';
import { lines } from '../bundle-builder/records.ts';
import type { EvalData, EvalSession } from './types.ts';

export const SESSION_FORMATS = ['session-rec', 'csv', 'jsonl'] as const;
export type SessionFormat = (typeof SESSION_FORMATS)[number];

/** Header names accepted for each column (matched case-insensitively). */
export const COLUMN_ALIASES = {
  session: ['session', 'session_id', 'sessionid'],
  item: ['item', 'item_id', 'itemid', 'product'],
  time: ['time', 'timestamp', 'eventdate', 'event_date', 'date'],
} as const;

/**
 * An optional column of milliseconds added to the time column: DIGINETICA's `train-item-views.csv`
 * (`sessionId;userId;itemId;timeframe;eventdate`) gives a day in `eventdate` and the order within
 * it only in `timeframe`.
 */
export const TIME_OFFSET_COLUMN = 'timeframe';
type Column = keyof typeof COLUMN_ALIASES;

/** A session as read from a file: item ids still strings, times in unix seconds. */
export interface RawSession {
  id: string;
  items: string[];
  times: number[];
}

export interface SessionLog {
  sessions: RawSession[];
  events: number;
}

/** `--format` when given, else `.jsonl`/`.ndjson` → jsonl, a tab in the header → session-rec, else csv. */
export function detectSessionFormat(file: string, text: string): SessionFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return 'jsonl';
  const newline = start.indexOf('\n');
  const header = newline < 0 ? start : start.slice(0, newline);
  return header.includes('\t') ? 'session-rec' : 'csv';
}

/**
 * Reads one session log, streaming: 1 MB chunks, row by row (a JSONL line, a CSV record), so memory
 * holds the sessions, not the file's text. A bad row goes to `invalid` (which throws unless
 * skipping); an unreadable file throws INPUT_UNREADABLE.
 */
export function readSessions(
  file: string,
  format: SessionFormat | undefined,
  invalid: InvalidRows,
  delimiter?: string,
  warn?: (line: string) => void,
): SessionLog {
  const input = openInput(file, warn);
  // The format and delimiter come from the first line; `head()` reads at least that.
  const head = input.head();
  const chosen = format ?? detectSessionFormat(file, head);
  const builder = new SessionBuilder();
  if (chosen === 'jsonl') readJsonl(input, builder, invalid);
  else {
    const separator = delimiter ?? (chosen === 'session-rec' ? '\t' : sniffDelimiter(head));
    readDelimited(csvRows(input.chunks(), { delimiter: separator, file, decode: input.decode }), file, chosen, builder, invalid);
  }
  return builder.finish();
}

/** Collects events per session id, in order of first appearance. */
class SessionBuilder {
  private readonly byId = new Map<string, RawSession>();
  events = 0;

  add(session: string, item: string, time: number): void {
    let s = this.byId.get(session);
    if (s === undefined) {
      s = { id: session, items: [], times: [] };
      this.byId.set(session, s);
    }
    s.items.push(item);
    s.times.push(time);
    this.events++;
  }

  finish(): SessionLog {
    const sessions = [...this.byId.values()].map(sortByTime);
    return { sessions, events: this.events };
  }
}

function sortByTime(session: RawSession): RawSession {
  const { items, times } = session;
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = times[i - 1]! <= times[i]!;
  if (sorted) return session;
  // Array.prototype.sort is stable (ES2019), so equal times keep file order.
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  return { id: session.id, items: order.map((i) => items[i]!), times: order.map((i) => times[i]!) };
}

function invalidRow(file: string, line: number, field: string, message: string): VitrineError {
  return new VitrineError('INPUT_INVALID_ROW', `${field}: ${message}`, { file, line, field });
}

function readDelimited(rows: Iterator<CsvRow>, file: string, format: SessionFormat, builder: SessionBuilder, invalid: InvalidRows): void {
  const first = rows.next();
  if (first.done) throw new VitrineError('INPUT_UNREADABLE', `${file} is empty`, { file });
  const header = first.value;
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const column = (name: Column): number => {
    const index = names.findIndex((n) => (COLUMN_ALIASES[name] as readonly string[]).includes(n));
    if (index < 0) {
      const expected = COLUMN_ALIASES[name].join(', ');
      throw invalidRow(
        file,
        header.line,
        name,
        `the header has no ${name} column (expected one of ${expected}; read as ${format}, see --format)`,
      );
    }
    return index;
  };
  const sessionCol = column('session');
  const itemCol = column('item');
  const timeCol = column('time');
  const offsetCol = names.indexOf(TIME_OFFSET_COLUMN);
  for (let row = rows.next(); !row.done; row = rows.next()) {
    const { line, fields } = row.value;
    try {
      if (fields.length !== names.length)
        throw invalidRow(file, line, '(columns)', `expected ${names.length} columns, found ${fields.length}`);
      const session = fields[sessionCol]!.trim();
      if (session === '') throw invalidRow(file, line, 'session', 'missing session id');
      const item = fields[itemCol]!.trim();
      if (item === '') throw invalidRow(file, line, 'item', 'missing item id');
      let time = timeSeconds(fields[timeCol], format, { file, line });
      if (offsetCol >= 0) {
        const offset = Number(fields[offsetCol]);
        if (!Number.isFinite(offset))
          throw invalidRow(file, line, TIME_OFFSET_COLUMN, `not milliseconds: ${JSON.stringify(fields[offsetCol])}`);
        time += offset / 1000;
      }
      builder.add(session, item, time);
    } catch (error) {
      if (isVitrineError(error) && error.code === 'INPUT_INVALID_ROW') invalid.handle(error);
      else throw error;
    }
  }
}

/**
 * Unix seconds. session-rec files always hold seconds; elsewhere the build's rule applies
 * (numbers below 1e11 are seconds, larger ones milliseconds, other text ISO 8601).
 */
function timeSeconds(value: unknown, format: SessionFormat, where: { file: string; line: number }): number {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw invalidRow(where.file, where.line, 'time', 'missing time');
  }
  if (format === 'session-rec') {
    const seconds = Number(value);
    if (typeof value === 'boolean' || !Number.isFinite(seconds))
      throw invalidRow(where.file, where.line, 'time', `not unix seconds: ${JSON.stringify(value)}`);
    return seconds;
  }
  if (typeof value !== 'number' && typeof value !== 'string')
    throw invalidRow(where.file, where.line, 'time', `not a time: ${JSON.stringify(value)}`);
  return parseTime(value, where) / 1000;
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function readJsonl(input: InputFile, builder: SessionBuilder, invalid: InvalidRows): void {
  const { file } = input;
  for (const { line, text } of lines(input)) {
    const raw = text.trim();
    if (raw === '') continue;
    try {
      let row: unknown;
      try {
        row = JSON.parse(raw);
      } catch (error) {
        throw invalidRow(file, line, '(json)', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw invalidRow(file, line, '(json)', 'expected a JSON object');
      const record = row as Record<string, unknown>;
      const session = idText(record.session);
      if (session === undefined) throw invalidRow(file, line, 'session', 'missing session id');
      if (!Array.isArray(record.events)) throw invalidRow(file, line, 'events', 'expected an array of events');
      // Validate the whole line before adding any of it, so a skipped line leaves no half session.
      const parsed = record.events.map((event, e) => {
        if (typeof event !== 'object' || event === null) throw invalidRow(file, line, `events[${e}]`, 'expected an event object');
        const { aid, ts } = event as Record<string, unknown>;
        const item = idText(aid);
        if (item === undefined) throw invalidRow(file, line, `events[${e}].aid`, 'missing item id');
        let time: number;
        try {
          time = timeSeconds(ts, 'jsonl', { file, line });
        } catch (error) {
          if (isVitrineError(error))
            throw invalidRow(file, line, `events[${e}].ts`, error.message.replace(/^INPUT_INVALID_ROW: time: /, ''));
          throw error;
        }
        return { item, time };
      });
      for (const { item, time } of parsed) builder.add(session, item, time);
    } catch (error) {
      if (isVitrineError(error) && error.code === 'INPUT_INVALID_ROW') invalid.handle(error);
      else throw error;
    }
  }
}

/** What restricting the test sessions to training items removed. */
export interface DroppedCounts {
  /** Test sessions left with fewer than 2 events (nothing to predict). */
  droppedSessions: number;
  /** Test events removed: unknown items, plus the events of dropped sessions. */
  droppedEvents: number;
}

/**
 * Indexes the training items (in order of first appearance, as session-rec's `unique()`) and
 * restricts the test sessions to them (`filterToTrain`).
 */
export function toEvalData(train: SessionLog, test: SessionLog): { data: EvalData; dropped: DroppedCounts } {
  const itemIds: string[] = [];
  const indexById = new Map<string, number>();
  const trainSessions: EvalSession[] = train.sessions.map((s) => ({
    id: s.id,
    items: s.items.map((id) => {
      let index = indexById.get(id);
      if (index === undefined) {
        index = itemIds.length;
        itemIds.push(id);
        indexById.set(id, index);
      }
      return index;
    }),
    times: s.times,
  }));
  const { sessions, dropped } = filterToTrain(test.sessions, indexById);
  return { data: { itemIds, train: trainSessions, test: sessions }, dropped };
}

/**
 * The test protocol's restriction: items unknown to training are removed (no model can rank them),
 * then sessions left shorter than 2 (nothing to predict).
 */
export function filterToTrain(
  test: readonly RawSession[],
  indexById: ReadonlyMap<string, number>,
): { sessions: EvalSession[]; dropped: DroppedCounts } {
  const sessions: EvalSession[] = [];
  let droppedSessions = 0;
  let droppedEvents = 0;
  for (const s of test) {
    const items: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < s.items.length; i++) {
      const index = indexById.get(s.items[i]!);
      if (index === undefined) continue;
      items.push(index);
      times.push(s.times[i]!);
    }
    if (items.length < 2) {
      droppedSessions++;
      droppedEvents += s.items.length;
      continue;
    }
    droppedEvents += s.items.length - items.length;
    sessions.push({ id: s.id, items, times });
  }
  return { sessions, dropped: { droppedSessions, droppedEvents } };
}
