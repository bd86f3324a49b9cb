/** `vitrine split`: a session log → time-based train/test and train_tr/train_valid files for `vitrine eval`. */
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { VitrineError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import type { Command } from '../command.ts';
import { badOption, delimiterOption, integer, parsingOptions } from '../options.ts';
import { InvalidRows } from '../bundle-builder/invalid-rows.ts';
import { SESSION_FORMATS, readSessions, type RawSession, type SessionFormat } from '../eval/read.ts';
import { splitByTime, type TestWindow, type TimeSplit } from '../eval/time-split.ts';

const help = `Usage: vitrine split --events FILE --out DIR [options]

Splits a session log by time, the way session-rec prepares its data sets (Ludewig & Jannach): the
sessions that end in the last --test-days days (or the last --test-sessions sessions by end time)
are the test part, the rest train_full; test events whose item never occurs in train_full are
removed, and sessions shorter than 2 events are dropped on both sides. train_full is split the same
way again into train_tr and train_valid (for \`vitrine eval --tune --valid\`). Writes, in DIR,
tab-separated session-rec files (header SessionId ItemId Time, unix seconds) that \`vitrine eval\` reads:
  <name>_train_full.txt  <name>_test.txt  <name>_train_tr.txt  <name>_train_valid.txt

Options:
  --events FILE         the session log (required): session-rec, csv or OTTO jsonl, as \`vitrine eval\` reads
  --out DIR             where the four files go (required)
  --name NAME           file name prefix (default: the log's file name without its extension)
  --test-days N         test = sessions ending in the last N days (default 1, session-rec's rsc15)
  --test-sessions N     test = the last N sessions by end time (instead of --test-days)
  --valid-days N        the same for train_valid within train_full (default: as the test part)
  --valid-sessions N    the same, by session count
  --format F            ${SESSION_FORMATS.join(' | ')} (default: from the file, as \`vitrine eval\`)
  --delimiter C         field separator of csv files (default: the most frequent of , ; | in the
                        header, outside quotes; e.g. ";" for DIGINETICA's train-item-views.csv)
  --skip-invalid        report bad rows and go on (default: abort on the first bad row)
  --json                print the counts as JSON
  -h, --help            this text

Example:
  npx vitrine split --events train-item-views.csv --delimiter ';' --out data/diginetica --test-days 7
  npx vitrine eval --train data/diginetica/train-item-views_train_full.txt --test data/diginetica/train-item-views_test.txt`;

const OPTIONS = {
  events: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  'test-days': { type: 'string' },
  'test-sessions': { type: 'string' },
  'valid-days': { type: 'string' },
  'valid-sessions': { type: 'string' },
  format: { type: 'string' },
  delimiter: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export interface SplitIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: SplitIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

function window(days: string | undefined, sessions: string | undefined, prefix: string, fallback?: TestWindow): TestWindow {
  if (days !== undefined && sessions !== undefined) throw badOption(`--${prefix}-sessions`, `and --${prefix}-days exclude each other`);
  if (sessions !== undefined) return { sessions: integer(`--${prefix}-sessions`, sessions, 1, 1_000_000_000) };
  if (days !== undefined) return { days: integer(`--${prefix}-days`, days, 1, 36_500) };
  return fallback ?? { days: 1 };
}

/** The session-rec text of `sessions`: one row per event, sessions in order. */
export function sessionRecText(sessions: readonly RawSession[]): string {
  const lines = ['SessionId\tItemId\tTime'];
  for (const s of sessions) for (let i = 0; i < s.items.length; i++) lines.push(`${s.id}\t${s.items[i]}\t${s.times[i]}`);
  return `${lines.join('\n')}\n`;
}

function counts(split: TimeSplit<RawSession>) {
  const events = (list: RawSession[]) => list.reduce((sum, s) => sum + s.items.length, 0);
  return {
    trainSessions: split.train.length,
    trainEvents: events(split.train),
    testSessions: split.test.length,
    testEvents: events(split.test),
    splitTime: new Date(split.splitTime * 1000).toISOString(),
    dropped: split.dropped,
  };
}

export async function runSplit(argv: string[], io: SplitIo = defaultIo): Promise<number> {
  const { values } = parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  if (!values.events) throw badOption('--events', 'is required');
  if (!values.out) throw badOption('--out', 'is required');
  const format = values.format;
  if (format !== undefined && !(SESSION_FORMATS as readonly string[]).includes(format))
    throw badOption('--format', `must be one of ${SESSION_FORMATS.join(', ')}, got "${format}"`);
  const delimiter = delimiterOption(values.delimiter);
  const test = window(values['test-days'], values['test-sessions'], 'test');
  const valid = window(values['valid-days'], values['valid-sessions'], 'valid', test);

  const log = readSessions(
    values.events,
    format as SessionFormat | undefined,
    new InvalidRows(values['skip-invalid'] ?? false, io.err),
    delimiter,
    io.err,
  );
  if (log.events === 0) throw new VitrineError('INPUT_UNREADABLE', `${values.events} holds no events`, { file: values.events });
  const full = splitByTime<string, RawSession>(log.sessions, test);
  const inner = splitByTime<string, RawSession>(full.train, valid);
  const name = values.name ?? basename(values.events, extname(values.events));
  const files = {
    train_full: full.train,
    test: full.test,
    train_tr: inner.train,
    train_valid: inner.test,
  };
  // Each file whole or not at all (temporary file + rename), so a full disk leaves no truncated split.
  for (const [part, sessions] of Object.entries(files)) writeFileAtomic(join(values.out, `${name}_${part}.txt`), sessionRecText(sessions));
  const summary = { out: values.out, name, full: counts(full), inner: counts(inner) };
  if (values.json) io.out(JSON.stringify(summary));
  else {
    const line = (label: string, c: ReturnType<typeof counts>, train: string, rest: string) =>
      `${label}: ${train} ${c.trainSessions} sessions (${c.trainEvents} events), ${rest} ${c.testSessions} sessions (${c.testEvents} events) ending from ${c.splitTime}; dropped ${c.dropped.trainSessions} one-event train sessions, ${c.dropped.testEvents} ${rest} events of unseen items, ${c.dropped.testSessions} short ${rest} sessions`;
    io.out(line('split', summary.full, 'train_full', 'test'));
    io.out(line('split', summary.inner, 'train_tr', 'train_valid'));
    io.out(
      `wrote ${Object.keys(files)
        .map((part) => join(values.out!, `${name}_${part}.txt`))
        .join(', ')}`,
    );
  }
  return 0;
}

export const splitCommand: Command = {
  path: ['split'],
  summary: 'Split a session log by time into train/test and train_tr/train_valid files for vitrine eval',
  help,
  run: (argv) => runSplit(argv),
};
