/** `vitrine eval`: offline next-item evaluation of Vitrine's session model against baselines. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VitrineError } from '../../shared/errors.ts';
import type { Command } from '../command.ts';
import { badOption, delimiterOption, integer, parsingOptions } from '../options.ts';
import { InvalidRows } from '../bundle-builder/invalid-rows.ts';
import { DEFAULT_MODEL_FILE, NO_MODEL, readModelFile, writeModelFile, type FittedModel } from '../bundle-builder/model-file.ts';
import { createItemKnn, createPop, createSpop } from '../eval/baselines.ts';
import { cutoffsUpTo, evaluateModel, predictionCount, type ModelEvaluation } from '../eval/next-item-protocol.ts';
import { SESSION_FORMATS, readSessions, toEvalData, type SessionFormat } from '../eval/read.ts';
import { buildReport, formatReport } from '../eval/eval-report.ts';
import type { EvalData, NextItemModel } from '../eval/types.ts';

export const EVAL_MODELS = ['vitrine', 'pop', 'spop', 'iknn', 'sknn', 'stan', 'vstan'] as const;
/** Run by default: the session-kNN references (sknn, stan, vstan) on request, since they take a while. */
const DEFAULT_MODELS: readonly EvalModelName[] = ['vitrine', 'pop', 'spop', 'iknn'];
export type EvalModelName = (typeof EVAL_MODELS)[number];

const help = `Usage: vitrine eval --train FILE --test FILE [options]
       vitrine eval --tune --train FILE --valid FILE [--model-out FILE]

Next-item prediction over every prefix of every test session, the protocol of the session-rec
framework (Ludewig & Jannach): for a test session of n events and i = 1..n-1, the model sees
events 1..i and must rank event i+1 among all training items (items already in the session
count). Test events whose item never occurs in train are removed, then sessions shorter than 2;
the report says how many. Reports HR@k and MRR@k for k = 5, 10, 20, coverage and popularity bias
of the top-20 lists, and the median milliseconds per prediction.

Without --model, Vitrine's session model is fitted the way \`bundle build\` fits it, on the --train
file only (its last sessions by time validate; the test file is never looked at), and is reported
twice: "vitrine (defaults)" with the published constants and built-in weights, "vitrine (fitted)".

Options:
  --train FILE          training sessions (required)
  --test FILE           test sessions (required, except with --tune)
  --format F            session-rec | csv | jsonl (default: from the file: .jsonl or a leading {
                        is jsonl, a tab in the header is session-rec, else csv)
                          session-rec  tab-separated, header SessionId ItemId Time (unix seconds)
                          csv          header with session|session_id|SessionId, item|item_id|
                                       ItemId|product, time|timestamp|Time (s, ms or ISO 8601) or
                                       eventdate (+ timeframe, ms), as DIGINETICA's exports
                          jsonl        OTTO: {"session":1,"events":[{"aid":5,"ts":ms,"type":"clicks"}]}
  --delimiter C         field separator of csv files (default: sniffed from the header; e.g. ";" for DIGINETICA)
  --cutoff K            largest list length scored (default 20): k = 5, 10, 20 up to K, plus K;
                        coverage and popularity bias are measured at K
  --models LIST         comma-separated, from ${EVAL_MODELS.join(', ')} (default: ${DEFAULT_MODELS.join(', ')});
                        sknn, stan, vstan are session-rec's session-kNN models run by the engine's
                        own V-STAN code with each one's published defaults (approximations)
  --skip-invalid        report bad rows and go on (default: abort on the first bad row)
  --json                print one JSON object instead of the table
  --model FILE|none     the session model Vitrine is evaluated with: a file written by --tune, or
                        none for the built-in defaults (default: fitted on --train, see above)
  --tune                instead of evaluating, fit Vitrine's session model with --train as the
                        training part and --valid as the validation part of a split you made
                        (e.g. with \`vitrine split\`), and write it
  --valid FILE          the validation part for --tune (never the test file)
  --model-out FILE      where --tune writes the model (default ./${DEFAULT_MODEL_FILE}; give it to
                        \`vitrine bundle build --model\`)
  -h, --help            this text

Examples:
  npx vitrine eval --train yoochoose-clicks-100k_train_full.txt --test yoochoose-clicks-100k_test.txt
  npx vitrine eval --train train.jsonl --test test.jsonl --models pop,spop,iknn --json
  npx vitrine eval --tune --train yoochoose-clicks-100k_train_tr.txt \\
    --valid yoochoose-clicks-100k_train_valid.txt --model-out vitrine-model.json`;

const OPTIONS = {
  train: { type: 'string' },
  test: { type: 'string' },
  valid: { type: 'string' },
  format: { type: 'string' },
  delimiter: { type: 'string' },
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

/** One way of running Vitrine's model: a report row name, its model, and where it came from. */
interface VitrineVariant {
  row: string;
  model: FittedModel | undefined;
  source: string;
}

export async function runEval(argv: string[], io: EvalIo = defaultIo): Promise<number> {
  const { values } = parse(argv);
  if (!values.train) throw badOption('--train', 'is required');
  if (values.tune && values.test !== undefined)
    throw badOption(
      '--test',
      'is not read by --tune: pass the validation part as --valid FILE (renamed so the test file is never fitted on)',
    );
  if (values.tune && !values.valid) throw badOption('--valid', 'is required with --tune (the validation part of a train split)');
  if (!values.tune && values.valid !== undefined) throw badOption('--valid', 'is only read by --tune');
  if (!values.tune && !values.test) throw badOption('--test', 'is required');
  const format = sessionFormat(values.format);
  const delimiter = delimiterOption(values.delimiter);
  const cutoffs = cutoffsUpTo(integer('--cutoff', values.cutoff ?? '20', 1, 10_000));
  const models = modelNames(values.models);

  const invalid = new InvalidRows(values['skip-invalid'] ?? false, io.err);
  const train = readSessions(values.train, format, invalid, delimiter, io.err);
  const testFile = (values.tune ? values.valid : values.test)!;
  const test = readSessions(testFile, format, invalid, delimiter, io.err);
  if (train.events === 0) throw new VitrineError('INPUT_UNREADABLE', `${values.train} holds no events`, { file: values.train });
  const { data, dropped } = toEvalData(train, test);
  const part = values.tune ? 'validation' : 'test';
  io.err(
    `read ${data.train.length} training sessions (${data.itemIds.length} items), ${data.test.length} ${part} sessions (dropped ${dropped.droppedSessions} sessions, ${dropped.droppedEvents} events)`,
  );

  if (values.tune) return tune(data, values['model-out'], values.json ?? false, io);

  const variants = models.includes('vitrine') ? await vitrineVariants(values.model, values.train, data, io) : [];
  const evaluations: ModelEvaluation[] = [];
  const total = predictionCount(data.test);
  for (const name of models) {
    for (const variant of name === 'vitrine' ? variants : [undefined]) {
      const row = variant?.row ?? name;
      const started = performance.now();
      const model = await createModel(name, data, variant?.model);
      io.err(`${row}: ready in ${seconds(started)} s, predicting ${total} times`);
      const evaluation = evaluateModel(model, data, cutoffs, {
        onProgress: (done, all) => {
          if (done < all) io.err(`${row}: ${Math.round((done / all) * 100)}%`);
        },
      });
      io.err(`${row}: done in ${seconds(started)} s`);
      evaluations.push({ ...evaluation, model: row });
    }
  }
  const report = buildReport(data, dropped, cutoffs, evaluations);
  const vitrineModels = variants.map(({ row, source, model }) => ({ row, source, ...(model ?? {}) }));
  if (values.json) io.out(JSON.stringify(variants.length > 0 ? { ...report, vitrineModels } : report));
  else {
    for (const line of formatReport(report)) io.out(line);
    if (variants.length > 0) io.out('');
    for (const variant of variants) io.out(`${variant.row}: ${variant.source}`);
  }
  return 0;
}

/**
 * The session models Vitrine is evaluated with: the file's (`--model FILE`), the built-in defaults
 * (`--model none`), or both the defaults and one fitted on the training file alone.
 */
async function vitrineVariants(option: string | undefined, trainFile: string, data: EvalData, io: EvalIo): Promise<VitrineVariant[]> {
  if (option === NO_MODEL) return [{ row: 'vitrine', model: undefined, source: 'built-in defaults (--model none)' }];
  if (option !== undefined) return [{ row: 'vitrine', model: readModelFile(option), source: `model file ${resolve(option)}` }];
  const { fitOnTrain } = await import('../eval/fit.ts');
  io.err(`vitrine: fitting the session model on ${trainFile} alone`);
  const fit = await fitOnTrain(data.itemIds, data.train, { log: io.err });
  io.err(`vitrine: ${fit.note} (${fit.seconds.toFixed(1)} s)`);
  const defaults: VitrineVariant = {
    row: 'vitrine (defaults)',
    model: undefined,
    source: 'published constants and built-in weights (--model none)',
  };
  const fitted: VitrineVariant = {
    row: 'vitrine (fitted)',
    model: fit.weights ? { weights: fit.weights, sessionModel: fit.sessionModel } : { weights: {}, sessionModel: fit.sessionModel },
    source: `fitted on the last sessions of ${resolve(trainFile)}: ${fit.note}`,
  };
  return [defaults, fitted];
}

async function tune(data: EvalData, modelOut: string | undefined, json: boolean, io: EvalIo): Promise<number> {
  const file = resolve(modelOut ?? DEFAULT_MODEL_FILE);
  const { fitOnSplit } = await import('../eval/fit.ts');
  const fit = await fitOnSplit(data, { log: io.err });
  const fitted: FittedModel = { weights: fit.weights ?? {}, sessionModel: fit.sessionModel };
  mkdirSync(dirname(file), { recursive: true });
  writeModelFile(file, fitted, { train: data.train.length, validation: data.test.length, items: data.itemIds.length });
  if (json) io.out(JSON.stringify({ modelOut: file, ...fitted }));
  else io.out(`wrote the tuned session model to ${file}`);
  return 0;
}

function createModel(name: EvalModelName, data: EvalData, fitted: FittedModel | undefined): Promise<NextItemModel> | NextItemModel {
  const itemCount = data.itemIds.length;
  switch (name) {
    case 'vitrine':
      return loadVitrineModel().then(({ createVitrineModel }) =>
        createVitrineModel(data, { modelWeights: fitted?.weights, sessionModel: fitted?.sessionModel }),
      );
    case 'pop':
      return createPop(data.train, itemCount);
    case 'spop':
      return createSpop(data.train, itemCount);
    case 'iknn':
      return createItemKnn(data.train, itemCount);
    case 'sknn':
    case 'stan':
    case 'vstan':
      return import('../eval/session-knn-baselines.ts').then(({ createSessionKnnBaseline }) => createSessionKnnBaseline(name, data));
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
  if (text === undefined) return [...DEFAULT_MODELS];
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
  summary:
    'Offline next-item evaluation (HR@k, MRR@k): Vitrine, defaults and fitted on --train, against POP, S-POP, Item-kNN, SKNN, STAN, VSTAN',
  help,
  run: (argv) => runEval(argv),
};
