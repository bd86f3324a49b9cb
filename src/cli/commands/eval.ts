/** `vitrine eval`: offline next-item evaluation of Vitrine's session model against baselines. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VitrineError } from '../../shared/errors.ts';
import type { Command } from '../command.ts';
import { badOption, integer, parsingOptions } from '../options.ts';
import { InvalidRows } from '../bundle-builder/invalid-rows.ts';
import { DEFAULT_MODEL_FILE, readModelFile, writeModelFile } from '../bundle-builder/model-file.ts';
import { createItemKnn, createPop, createSpop } from '../eval/baselines.ts';
import { cutoffsUpTo, evaluateModel, predictionCount, type ModelEvaluation } from '../eval/next-item-protocol.ts';
import { SESSION_FORMATS, readSessions, toEvalData, type SessionFormat } from '../eval/read.ts';
import { buildReport, formatReport } from '../eval/eval-report.ts';
import type { EvalData, NextItemModel } from '../eval/types.ts';

export const EVAL_MODELS = ['vitrine', 'pop', 'spop', 'iknn'] as const;
export type EvalModelName = (typeof EVAL_MODELS)[number];

const help = `Usage: vitrine eval --train FILE --test FILE [options]

Next-item prediction over every prefix of every test session, the protocol of the session-rec
framework (Ludewig & Jannach): for a test session of n events and i = 1..n-1, the model sees
events 1..i and must rank event i+1 among all training items (items already in the session
count). Test events whose item never occurs in train are removed, then sessions shorter than 2;
the report says how many. Reports HR@k and MRR@k for k = 5, 10, 20, coverage and popularity bias
of the top-20 lists, and the median milliseconds per prediction.

Options:
  --train FILE          training sessions (required)
  --test FILE           test sessions (required)
  --format F            session-rec | csv | jsonl (default: from the file: .jsonl or a leading {
                        is jsonl, a tab in the header is session-rec, else csv)
                          session-rec  tab-separated, header SessionId ItemId Time (unix seconds)
                          csv          header with session|session_id|SessionId, item|item_id|
                                       ItemId|product, time|timestamp|Time (s, ms or ISO 8601)
                          jsonl        OTTO: {"session":1,"events":[{"aid":5,"ts":ms,"type":"clicks"}]}
  --cutoff K            largest list length scored (default 20): k = 5, 10, 20 up to K, plus K;
                        coverage and popularity bias are measured at K
  --models LIST         comma-separated, from ${EVAL_MODELS.join(', ')} (default: all)
  --skip-invalid        report bad rows and go on (default: abort on the first bad row)
  --json                print one JSON object instead of the table
  --tune                instead of evaluating, fit Vitrine's session weights with --train as the
                        training part and --test as the validation part of a split, and write them
  --model-out FILE      where --tune writes the weights (default ./${DEFAULT_MODEL_FILE}, which
                        \`vitrine bundle build\` picks up)
  --model FILE          weights Vitrine is evaluated with, as \`bundle build --model\` ships them
                        (default ./${DEFAULT_MODEL_FILE} when it exists, else the built-in defaults)
  -h, --help            this text

Examples:
  npx vitrine eval --train yoochoose-clicks-100k_train_full.txt --test yoochoose-clicks-100k_test.txt
  npx vitrine eval --train train.jsonl --test test.jsonl --models pop,spop,iknn --json
  npx vitrine eval --tune --train yoochoose-clicks-100k_train_tr.txt \\
    --test yoochoose-clicks-100k_train_valid.txt --model-out vitrine-model.json`;

const OPTIONS = {
  train: { type: 'string' },
  test: { type: 'string' },
  format: { type: 'string' },
  cutoff: { type: 'string' },
  models: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  json: { type: 'boolean' },
  tune: { type: 'boolean' },
  'model-out': { type: 'string' },
  model: { type: 'string' },
} as const;

/** Where output goes; tests pass their own to capture it. Progress always goes to `err`. */
export interface EvalIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: EvalIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

export async function runEval(argv: string[], io: EvalIo = defaultIo): Promise<number> {
  const { values } = parse(argv);
  if (!values.train) throw badOption('--train', 'is required');
  if (!values.test) throw badOption('--test', 'is required');
  const format = sessionFormat(values.format);
  const cutoffs = cutoffsUpTo(integer('--cutoff', values.cutoff ?? '20', 1, 10_000));
  const models = modelNames(values.models);

  const invalid = new InvalidRows(values['skip-invalid'] ?? false, io.err);
  const train = readSessions(values.train, format, invalid);
  const test = readSessions(values.test, format, invalid);
  if (train.events === 0) throw new VitrineError('INPUT_UNREADABLE', `${values.train} holds no events`, { file: values.train });
  const { data, dropped } = toEvalData(train, test);
  io.err(
    `read ${data.train.length} training sessions (${data.itemIds.length} items), ${data.test.length} test sessions (dropped ${dropped.droppedSessions} sessions, ${dropped.droppedEvents} events)`,
  );

  if (values.tune) return tune(data, values['model-out'], values.json ?? false, io);

  const weights = values.model === undefined ? readModelFile(DEFAULT_MODEL_FILE, true) : readModelFile(values.model);
  if (models.includes('vitrine')) io.err(`vitrine: weights ${weights ? JSON.stringify(weights) : 'built-in defaults'}`);
  const evaluations: ModelEvaluation[] = [];
  const total = predictionCount(data.test);
  for (const name of models) {
    const started = performance.now();
    const model = await createModel(name, data, weights);
    io.err(`${name}: ready in ${seconds(started)} s, predicting ${total} times`);
    const evaluation = evaluateModel(model, data, cutoffs, {
      onProgress: (done, all) => {
        if (done < all) io.err(`${name}: ${Math.round((done / all) * 100)}%`);
      },
    });
    io.err(`${name}: done in ${seconds(started)} s`);
    evaluations.push({ ...evaluation, model: name });
  }
  const report = buildReport(data, dropped, cutoffs, evaluations);
  if (values.json) io.out(JSON.stringify(report));
  else for (const line of formatReport(report)) io.out(line);
  return 0;
}

async function tune(data: EvalData, modelOut: string | undefined, json: boolean, io: EvalIo): Promise<number> {
  const file = resolve(modelOut ?? DEFAULT_MODEL_FILE);
  const { tuneVitrine } = await loadVitrineModel();
  const weights = await tuneVitrine(data, io.err);
  mkdirSync(dirname(file), { recursive: true });
  writeModelFile(file, weights, { train: data.train.length, validation: data.test.length, items: data.itemIds.length });
  if (json) io.out(JSON.stringify({ modelOut: file, weights }));
  else io.out(`wrote tuned weights to ${file}`);
  return 0;
}

function createModel(
  name: EvalModelName,
  data: EvalData,
  weights: Record<string, number> | undefined,
): Promise<NextItemModel> | NextItemModel {
  const itemCount = data.itemIds.length;
  switch (name) {
    case 'vitrine':
      return loadVitrineModel().then(({ createVitrineModel }) => createVitrineModel(data, weights ? { modelWeights: weights } : {}));
    case 'pop':
      return createPop(data.train, itemCount);
    case 'spop':
      return createSpop(data.train, itemCount);
    case 'iknn':
      return createItemKnn(data.train, itemCount);
  }
}

/**
 * Vitrine's model brings in the worker engine and the wasm kernels: loaded only when asked for, so
 * the other commands and a baselines-only run do not pay for it.
 */
function loadVitrineModel() {
  return import('../eval/vitrine-model.ts');
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function parse(argv: string[]) {
  return parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
}

function sessionFormat(text: string | undefined): SessionFormat | undefined {
  if (text === undefined) return undefined;
  if (!(SESSION_FORMATS as readonly string[]).includes(text))
    throw badOption('--format', `must be one of ${SESSION_FORMATS.join(', ')}, got "${text}"`);
  return text as SessionFormat;
}

function modelNames(text: string | undefined): EvalModelName[] {
  if (text === undefined) return [...EVAL_MODELS];
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(EVAL_MODELS as readonly string[]).includes(name))
      throw badOption('--models', `unknown model "${name}" (choose from ${EVAL_MODELS.join(', ')})`);
  }
  if (names.length === 0) throw badOption('--models', 'names no model');
  return [...new Set(names)] as EvalModelName[];
}

export const evalCommand: Command = {
  path: ['eval'],
  summary: 'Offline next-item evaluation (HR@k, MRR@k) of Vitrine against POP, S-POP, Item-kNN',
  help,
  run: (argv) => runEval(argv),
};
