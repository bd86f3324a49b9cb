/**
 * `vitrine eval` and `vitrine split` read their session logs streaming (1 MB chunks, row by row)
 * rather than as one string (issue 14: memory bounded by what is kept, not by the file). The
 * sessions must be the ones the whole-file reading gave: checked against a reference that parses
 * the whole text at once (`parseCsv` / `split('\n')`) and groups it as documented in
 * src/cli/eval/read.ts, on files larger than one chunk, so rows and lines cross chunk boundaries.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/bundle-builder/csv.ts';
import { parseTime } from '../../src/cli/bundle-builder/events.ts';
import { InvalidRows } from '../../src/cli/bundle-builder/invalid-rows.ts';
import { CHUNK_BYTES } from '../../src/cli/bundle-builder/text-encoding.ts';
import { readSessions, type RawSession } from '../../src/cli/eval/read.ts';
import { expectVitrineError } from './bundle-helpers.ts';
import { DATA, OTTO, tempDir } from './cli-helpers.ts';

const YOOCHOOSE_TRAIN = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_train_full.txt`;

const strict = () => new InvalidRows(false, () => {});

/** Sessions in order of first appearance, each stably sorted by time: the reader's documented grouping. */
function grouped(events: Iterable<{ session: string; item: string; time: number }>): RawSession[] {
  const byId = new Map<string, { id: string; events: { item: string; time: number }[] }>();
  for (const { session, item, time } of events) {
    let s = byId.get(session);
    if (!s) byId.set(session, (s = { id: session, events: [] }));
    s.events.push({ item, time });
  }
  return [...byId.values()].map(({ id, events: list }) => {
    const sorted = list.map((e, i) => ({ ...e, i })).sort((a, b) => a.time - b.time || a.i - b.i);
    return { id, items: sorted.map((e) => e.item), times: sorted.map((e) => e.time) };
  });
}

/** The whole-file reading of a session-rec file: all its text, all its rows, then the grouping. */
function wholeFileSessionRec(file: string): RawSession[] {
  const [, ...rows] = parseCsv(readFileSync(file, 'utf8'), '\t', file);
  return grouped(rows.map(({ fields: [session, item, time] }) => ({ session: session!.trim(), item: item!.trim(), time: Number(time) })));
}

/** The whole-file reading of an OTTO JSONL file. */
function wholeFileJsonl(file: string): RawSession[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  return grouped(
    lines
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        const { session, events } = JSON.parse(line) as { session: number; events: { aid: number; ts: number }[] };
        return events.map(({ aid, ts }) => ({
          session: String(session),
          item: String(aid),
          time: parseTime(ts, { file, line: 0 }) / 1000,
        }));
      }),
  );
}

describe('streaming session-log reads (vitrine eval, vitrine split)', () => {
  it('should read a session-rec file of two chunks as the whole-file reading did', () => {
    expect(readFileSync(YOOCHOOSE_TRAIN).length).toBeGreaterThan(CHUNK_BYTES);
    const log = readSessions(YOOCHOOSE_TRAIN, undefined, strict());
    const expected = wholeFileSessionRec(YOOCHOOSE_TRAIN);
    expect(log.sessions.length).toBeGreaterThan(10_000);
    expect(log.events).toBe(expected.reduce((sum, s) => sum + s.items.length, 0));
    expect(log.sessions).toEqual(expected);
  });

  it('should read a JSONL file of several chunks as the whole-file reading did', () => {
    // The OTTO sample's sessions repeated under new ids until the file spans several chunks.
    const sample = readFileSync(OTTO, 'utf8').trim().split('\n');
    const copies = Math.ceil((2.5 * CHUNK_BYTES) / (sample.join('\n').length + 1));
    const lines: string[] = [];
    for (let c = 0; c < copies; c++)
      for (const line of sample) lines.push(line.replace(/^\{"session":(\d+)/, (_, id) => `{"session":${c * 1e6 + Number(id)}`));
    const file = join(tempDir(), 'otto.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(readFileSync(file).length).toBeGreaterThan(2 * CHUNK_BYTES);
    const log = readSessions(file, undefined, strict());
    expect(log.sessions).toHaveLength(lines.length);
    expect(log.sessions).toEqual(wholeFileJsonl(file));
  });

  it('should name the physical line of a bad row past the first chunk', () => {
    const rows = ['SessionId\tItemId\tTime'];
    for (let i = 0, length = 0; length < 1.5 * CHUNK_BYTES; i++) {
      rows.push(`${i >> 2}\t${1000 + (i % 97)}\t${1_400_000_000 + i}`);
      length += rows[rows.length - 1]!.length + 1;
    }
    rows.push('7\t1001\tnot-a-time');
    const file = join(tempDir(), 'log.txt');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const error = expectVitrineError(() => readSessions(file, 'session-rec', strict()), 'INPUT_INVALID_ROW');
    expect(error.details).toMatchObject({ file, line: rows.length, field: 'time' });
  });
});
