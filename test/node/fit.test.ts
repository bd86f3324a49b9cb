import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeModelFile } from '../../src/cli/bundle-builder/model-file.ts';
import { runSplit } from '../../src/cli/commands/split.ts';
import {
  BLEND_PRIORS,
  fitOnTrain,
  MIN_VALIDATION_PREDICTIONS,
  pairedGain,
  searchModel,
  type FoldScorer,
  startingBlend,
  TARGET_VALIDATION_PREDICTIONS,
  validationFolds,
} from '../../src/cli/eval/fit.ts';
import { createSessionKnnBaseline } from '../../src/cli/eval/session-knn-baselines.ts';
import { splitByTime, type TimedSession } from '../../src/cli/eval/time-split.ts';
import type { EvalData, EvalSession } from '../../src/cli/eval/types.ts';
import { loadedModel, trainingBundle } from '../../src/cli/eval/vitrine-model.ts';
import { DEFAULT_SESSION_MODEL, decodeBundle, encodeBundle, inspectBundle } from '../../src/shared/bundle/index.ts';
import type { SessionModel } from '../../src/shared/bundle/types.ts';
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';
import { buildAndDecode, catalogFor, evalCli, rejection, tempDir, type Captured } from './cli-helpers.ts';

const DAY = 86_400;

function mean(values: Float64Array): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** `count` sessions of 3 views, one starting every `gap` seconds, over 5 items (every item seen early). */
function spacedSessions(count: number, gap: number): EvalSession[] {
  return Array.from({ length: count }, (_, s) => ({
    id: `s${s}`,
    items: [s % 5, (s + 1) % 5, (s + 2) % 5],
    times: [s * gap, s * gap + 10, s * gap + 20],
  }));
}

function session(id: string, items: string[], start: number): TimedSession<string> {
  return { id, items, times: items.map((_, i) => start + i * 60) };
}

/** An events CSV of `count` sessions of 4 views each, one a minute apart, over `items` products. */
function eventsCsv(dir: string, count: number, items: number): { file: string; ids: string[] } {
  const lines = ['session,product,time,type'];
  for (let s = 0; s < count; s++) {
    for (let k = 0; k < 4; k++) lines.push(`s${s},p${(s * 7 + k * 3) % items},${1_700_000_000 + s * 60 + k},view`);
  }
  const file = join(dir, 'events.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, ids: Array.from({ length: items }, (_, i) => `p${i}`) };
}

async function split(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSplit(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('time split', () => {
  it('should put sessions ending in the last days into test, drop unseen test items and short sessions', () => {
    const end = 10 * DAY;
    const sessions = [
      session('old', ['a', 'b', 'c'], 0),
      session('one', ['a'], DAY),
      session('mid', ['b', 'c'], 5 * DAY),
      // Starts before the split time but ends after it: a test session (session-rec: by end time).
      session('late', ['a', 'x', 'b'], end - DAY - 30),
      session('short', ['c', 'y'], end - 100),
      session('last', ['c', 'a'], end),
    ];
    const result = splitByTime<string, TimedSession<string>>(sessions, { days: 1 });
    expect(result.train.map((s) => s.id)).toEqual(['old', 'mid']);
    expect(result.test.map((s) => [s.id, s.items])).toEqual([
      ['late', ['a', 'b']],
      ['last', ['c', 'a']],
    ]);
    expect(result.test[0]!.times).toEqual([end - DAY - 30, end - DAY + 90]);
    expect(result.dropped).toEqual({ trainSessions: 1, testEvents: 2, testSessions: 1 });
  });

  it('can take the last N sessions by end time instead of days', () => {
    const sessions = [session('s1', ['a', 'b'], 0), session('s2', ['a', 'b'], 100), session('s3', ['b', 'a'], 200)];
    const result = splitByTime<string, TimedSession<string>>(sessions, { sessions: 2 });
    expect(result.train.map((s) => s.id)).toEqual(['s1']);
    expect(result.test.map((s) => s.id)).toEqual(['s2', 's3']);
  });

  it('should split a log of millions of sessions by days (no argument-spread limit)', () => {
    const count = 2_000_000;
    const sessions: TimedSession<string>[] = Array.from({ length: count }, (_, i) => ({
      id: `s${i}`,
      items: ['a', 'b'],
      times: [i, i + 1],
    }));
    const result = splitByTime<string, TimedSession<string>>(sessions, { days: 1 });
    // The last day: sessions ending at or after (count) - 86,400 seconds.
    expect(result.test.length + result.dropped.testSessions).toBe(86_401);
    expect(result.train.length).toBe(count - 86_401);
  });

  it('should write train_full/test and train_tr/train_valid that vitrine eval reads, from a semicolon file', async () => {
    const dir = tempDir();
    const file = join(dir, 'views.csv');
    // DIGINETICA's train-item-views.csv: a day in eventdate, milliseconds within it in timeframe.
    const rows = ['sessionId;userId;itemId;timeframe;eventdate'];
    const day = (d: number) => `2016-05-${String(d).padStart(2, '0')}`;
    for (let s = 1; s <= 8; s++) for (const [k, item] of ['10', '20', '30'].entries()) rows.push(`${s};NA;${item};${k * 1000};${day(s)}`);
    rows.push(`9;NA;10;10000;${day(9)}`, `9;NA;99;11000;${day(9)}`, `9;NA;20;12000;${day(9)}`);
    rows.push(`10;NA;98;10000;${day(9)}`, `10;NA;10;11000;${day(9)}`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const out = join(dir, 'out');
    const run = await split(['--events', file, '--out', out, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out[0]!);
    expect(summary.full).toMatchObject({ trainSessions: 8, testSessions: 1, dropped: { testEvents: 2, testSessions: 1 } });
    const test = readFileSync(join(out, 'views_test.txt'), 'utf8').trim().split('\n');
    expect(test[0]).toBe('SessionId\tItemId\tTime');
    expect(test.slice(1).map((line) => line.split('\t').slice(0, 2))).toEqual([
      ['9', '10'],
      ['9', '20'],
    ]);
    // Within a day, timeframe orders the events (ms → fractions of seconds).
    const [, , t0] = test[1]!.split('\t');
    const [, , t1] = test[2]!.split('\t');
    expect(Number(t1) - Number(t0)).toBeCloseTo(2, 6);
    // Session 7 ends exactly one day before session 8: session-rec's split puts it in the later part.
    expect(summary.inner).toMatchObject({ trainSessions: 6, testSessions: 2 });

    const evaluated = await evalCli([
      '--train',
      join(out, 'views_train_full.txt'),
      '--test',
      join(out, 'views_test.txt'),
      '--models',
      'pop',
      '--json',
    ]);
    expect(JSON.parse(evaluated.out[0]!).test).toMatchObject({ sessions: 1, predictions: 1 });
    // The raw semicolon file reads directly too, with or without --delimiter.
    const direct = await evalCli(['--train', file, '--test', file, '--models', 'pop', '--json', '--delimiter', ';']);
    expect(JSON.parse(direct.out[0]!).train).toMatchObject({ sessions: 10, events: 29 });
  });
});

describe('fitting guard', () => {
  it('should keep the published defaults when the validation part is too small, and say so', async () => {
    const train: EvalSession[] = Array.from({ length: 40 }, (_, s) => ({
      id: `s${s}`,
      items: [s % 5, (s + 1) % 5, (s + 2) % 5],
      times: [s * 100, s * 100 + 10, s * 100 + 20],
    }));
    const result = await fitOnTrain(['a', 'b', 'c', 'd', 'e'], train);
    expect(result.fitted).toBe(false);
    expect(result.weights).toBeUndefined();
    expect(result.validationPredictions).toBeLessThan(MIN_VALIDATION_PREDICTIONS);
    expect(result.note).toMatch(/^published defaults kept: only \d+ validation predictions/);
    expect(result.sessionModel).toEqual({ ...DEFAULT_SESSION_MODEL, note: result.note });
  });

  it('should ship the defaults and the reason in the bundle when bundle build cannot fit', async () => {
    const dir = tempDir();
    const { file, ids } = eventsCsv(dir, 60, 30);
    const { bundle, bytes, run } = await buildAndDecode(['--catalog', catalogFor(ids, dir), '--events', file]);
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/session model: published defaults kept: only \d+ validation predictions/);
    expect(bundle.sessionModel?.note).toMatch(/^published defaults kept/);
    expect({ ...bundle.sessionModel, note: undefined }).toEqual({ ...DEFAULT_SESSION_MODEL, note: undefined });
    expect(bundle.modelWeights).toBeNull();
    expect(inspectBundle(bytes).summary?.sessionModel).toMatch(
      /^neighbours 500, sample 5000, recency 432000 seconds, .* — published defaults kept/,
    );
  });

  it('should fit nothing with --model none or --fit none', async () => {
    const dir = tempDir();
    const { file, ids } = eventsCsv(dir, 60, 30);
    for (const flags of [
      ['--model', 'none'],
      ['--fit', 'none'],
    ]) {
      const { bundle, run } = await buildAndDecode(['--catalog', catalogFor(ids, dir), '--events', file, ...flags]);
      expect(run.out.join('\n')).toContain(`session model: built-in defaults (${flags.join(' ')})`);
      expect(bundle.sessionModel).toBeNull();
      expect(bundle.modelWeights).toBeNull();
    }
  });

  const predictionsIn = (sessions: readonly EvalSession[]) => sessions.reduce((sum, s) => sum + s.items.length - 1, 0);
  const starts = (sessions: readonly EvalSession[]) => sessions.map((s) => s.times[0]!);

  it('should validate on two consecutive windows, each after its own training part', () => {
    // One session a minute: the last day holds all 3000; each window is at its 20% cap (600 sessions).
    const [recent, before] = validationFolds(spacedSessions(3000, 60));
    expect(recent!.test).toHaveLength(600);
    expect(recent!.train).toHaveLength(2400);
    expect(before!.test).toHaveLength(600);
    expect(before!.train).toHaveLength(1800);
    // Each validation part is later than its training part; the earlier one ends where the recent one starts.
    expect(Math.min(...starts(recent!.test))).toBeGreaterThan(Math.max(...starts(recent!.train)));
    expect(Math.min(...starts(before!.test))).toBeGreaterThan(Math.max(...starts(before!.train)));
    expect(Math.min(...starts(recent!.test))).toBeGreaterThan(Math.max(...starts(before!.test)));
  });

  it('should widen the windows of a sparse log until they hold enough predictions', () => {
    // One session an hour over 41 days: the last day is 24 sessions, clamped up to 10% = 100 (200
    // predictions per window); the windows widen to 25% = 250 sessions each (1000 predictions together).
    const folds = validationFolds(spacedSessions(1000, 3600));
    expect(folds.map((fold) => [fold.train.length, fold.test.length])).toEqual([
      [750, 250],
      [500, 250],
    ]);
    expect(predictionsIn(folds[0]!.test) + predictionsIn(folds[1]!.test)).toBe(TARGET_VALIDATION_PREDICTIONS);
  });

  it('should validate a large catalog on one window, widened up to half the log', () => {
    // One fold (what a catalog above `TWO_FOLDS_MAX_ITEMS` items gets): 10% = 100 sessions (200 predictions), widened
    // to 30%, 40%, then 50% = 500 sessions (1000 predictions).
    const [only, ...rest] = validationFolds(spacedSessions(1000, 3600), 1);
    expect(rest).toEqual([]);
    expect([only!.train.length, only!.test.length]).toEqual([500, 500]);
    expect(predictionsIn(only!.test)).toBe(TARGET_VALIDATION_PREDICTIONS);
  });

  it('should accept only a gain beyond the noise of the paired predictions', () => {
    const current = Float64Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 1.5 : 0));
    // Two predictions of 400 better: a mean gain, but within noise.
    const lucky = current.slice();
    lucky[1] = 2;
    lucky[2] = 2;
    expect(pairedGain(lucky, current)).toMatchObject({ significant: false });
    // Forty better and none worse: beyond two standard errors.
    const better = current.map((v, i) => (i % 10 === 1 ? 2 : v));
    expect(pairedGain(better, current).significant).toBe(true);
    expect(pairedGain(current, better).significant).toBe(false);
  });
});

describe('fitting on two time folds', () => {
  /** 1,000 predictions per fold: every other one a hit at rank 1 (score 2) under the defaults. */
  const baseline = () => Float64Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 2 : 0));
  /** λ_spw = 4 turns 150 misses into hits in the recent fold and 150 hits into misses in the earlier one. */
  const helpsRecentOnly: FoldScorer = (model) => {
    const recent = baseline();
    const earlier = baseline();
    if (model.spw === 4) {
      for (let k = 0; k < 150; k++) {
        recent[2 * k + 1] = 2;
        earlier[2 * k] = 0;
      }
    }
    return [recent, earlier];
  };

  it('should keep a change that helps the latest window alone', () => {
    const lines: string[] = [];
    const recentOnly = searchModel(
      (model, weights) => helpsRecentOnly(model, weights).slice(0, 1),
      2000,
      (line) => lines.push(line),
    );
    expect(recentOnly.model.spw).toBe(4);
    expect(recentOnly.after - recentOnly.before).toBeCloseTo(0.3, 6);
    expect(lines).toContainEqual(expect.stringMatching(/^fit: spw \{"spw":4\} \+0\.3000/));
  });

  it('should refuse a change whose gain in one window is a loss in the other', () => {
    const lines: string[] = [];
    const both = searchModel(helpsRecentOnly, 2000, (line) => lines.push(line));
    expect(both.model).toEqual(DEFAULT_SESSION_MODEL);
    expect(both.after).toBe(both.before);
    expect(lines).toEqual([]);
    // Every constant and weight was still tried: the refusal is the pooled test's, not a skipped search.
    expect(both.evaluations).toBeGreaterThan(30);
  });

  it('should report the predictions of both folds and name them in the note', async () => {
    // 500 sessions of 3 views, one an hour: the last day (24 sessions) is clamped up to 10% = 50 per
    // window, 200 predictions in both: too few, so the windows widen to 25% = 125 sessions each.
    const train = spacedSessions(500, 3600);
    const result = await fitOnTrain(['a', 'b', 'c', 'd', 'e'], train);
    expect(result.fitted).toBe(true);
    expect(result.validationPredictions).toBe(MIN_VALIDATION_PREDICTIONS);
    expect(result.note).toMatch(/^fitted on 375 and 250 sessions, validated on the next 125 and 125 \(500 of 500 predictions\)/);
  });
});

describe('starting blend', () => {
  const builtIn = { similarity: 0.3, sessionKnn: 1, covisitation: 0.6, successors: 0.2, revisit: 0.2, popularity: 0.05 };
  /** 1,000 validation predictions: `hits` of them scoring 1 (a hit at rank 1), the rest 0. */
  const scores = (hits: number) => Float64Array.from({ length: 1000 }, (_, i) => (i < hits ? 1 : 0));

  it('should start from a sequence-only blend that validates better, even by less than the noise of one change', () => {
    // Session-kNN alone is 3 hits of 1,000 ahead of the built-in weights: too little to keep as a
    // change (two standard errors), enough to choose between two equally plausible starting points.
    const hitsOf = (weights: Record<string, number | undefined>) => (weights.successors === 0 ? 503 : weights.similarity === 0 ? 501 : 500);
    expect(pairedGain(scores(503), scores(500)).significant).toBe(false);
    const lines: string[] = [];
    const start = startingBlend(
      { weights: builtIn, scores: scores(500) },
      (weights) => scores(hitsOf(weights)),
      (line) => lines.push(line),
    );
    expect(start.weights).toEqual({ similarity: 0, sessionKnn: 1, covisitation: 0, successors: 0, revisit: 0, popularity: 0 });
    expect(start.weights).toEqual(BLEND_PRIORS.find(([name]) => name === 'session-kNN alone')![1]);
    expect(mean(start.scores)).toBeCloseTo(0.503, 6);
    expect(lines.at(-1)).toMatch(/^fit: weights from session-kNN alone \(0\.5030 against 0\.5010\)/);
  });

  it('should keep the built-in weights when no sequence-only blend validates better (ties included)', () => {
    const start = startingBlend({ weights: builtIn, scores: scores(500) }, (weights) => scores(weights.successors === 0 ? 480 : 500));
    expect(start.weights).toBe(builtIn);
  });
});

describe('session model per bundle', () => {
  /** Sessions (a, x) long ago, many of them; one (a, y), the most recent. */
  function data(): EvalData {
    const train: EvalSession[] = [];
    for (let s = 0; s < 30; s++) train.push({ id: `x${s}`, items: [0, 1], times: [s * 60, s * 60 + 10] });
    train.push({ id: 'y', items: [0, 2], times: [10 * DAY, 10 * DAY + 10] });
    return { itemIds: ['a', 'x', 'y'], train, test: [] };
  }
  const sessionKnnOnly = { sessionKnn: 1, similarity: 0, covisitation: 0, revisit: 0, popularity: 0 };

  async function ranking(model: SessionModel | undefined): Promise<string[]> {
    const loaded = await trainingBundle(data(), undefined, model);
    const predictor = loadedModel(loaded, data().itemIds, sessionKnnOnly);
    return Array.from(predictor.predict([0], [20 * DAY], 3), (i) => data().itemIds[i]!);
  }

  it('should rank with the constants of the bundle it scores, defaults for a bundle without them', async () => {
    // Without the idf boost of the rare y: 500 neighbours let x's 30 sessions outvote y's one; a
    // single neighbour lets only the most recent session (y) count.
    const many = await ranking({ ...DEFAULT_SESSION_MODEL, idf: 0 });
    const one = await ranking({ ...DEFAULT_SESSION_MODEL, idf: 0, neighbours: 1 });
    expect(many.indexOf('x')).toBeLessThan(many.indexOf('y'));
    expect(one.indexOf('y')).toBeLessThan(one.indexOf('x'));
    expect(await ranking(undefined)).toEqual(await ranking({ ...DEFAULT_SESSION_MODEL }));
  });

  it('can run session-rec style SKNN and VSTAN references with the same kNN code', () => {
    const rank = (name: 'sknn' | 'vstan') =>
      Array.from(createSessionKnnBaseline(name, data()).predict([0], [20 * DAY], 3), (i) => data().itemIds[i]);
    // SKNN counts neighbours alike however old: x's 30 sessions win; VSTAN's recency and idf favour y.
    const sknn = rank('sknn');
    const vstan = rank('vstan');
    expect(sknn.indexOf('x')).toBeLessThan(sknn.indexOf('y'));
    expect(vstan.indexOf('y')).toBeLessThan(vstan.indexOf('x'));
  });

  it('should round-trip fitted constants through the bundle and a model file', async () => {
    const fitted: SessionModel = {
      version: 1,
      neighbours: 200,
      sample: 2500,
      recencyUnit: 'sessions',
      recencyScale: 1234,
      spw: 2,
      inh: 4,
      ipw: 0.5,
      idf: 1,
      note: 'fitted on a test',
    };
    const input = makeFixtureInput();
    input.sessionModel = fitted;
    expect(decodeBundle(encodeBundle(input)).sessionModel).toEqual(fitted);

    const dir = tempDir();
    const modelFile = join(dir, 'model.json');
    writeModelFile(modelFile, { weights: { sessionKnn: 1, popularity: 0.2 }, sessionModel: fitted });
    const { file, ids } = eventsCsv(dir, 60, 30);
    const { bundle, run } = await buildAndDecode(['--catalog', catalogFor(ids, dir), '--events', file, '--model', modelFile]);
    expect(run.out.join('\n')).toContain(`session model: model file ${modelFile}`);
    expect(bundle.sessionModel).toEqual(fitted);
    expect(bundle.modelWeights).toEqual({ sessionKnn: 1, popularity: 0.2 });
  });

  it('should reject a bundle whose session model is out of range', () => {
    const input = makeFixtureInput();
    input.sessionModel = { ...DEFAULT_SESSION_MODEL, neighbours: 0 };
    expect(() => decodeBundle(encodeBundle(input))).toThrow(/sessionModel: neighbours must be an integer/);
  });
});

describe('vitrine eval model options', () => {
  const dir = tempDir();
  const { file } = eventsCsv(dir, 30, 20);

  it('should refuse --tune with --test, naming --valid', async () => {
    const error = await rejection(evalCli(['--tune', '--train', file, '--test', file]));
    expect(error).toMatchObject({ code: 'INPUT_BAD_OPTION', details: { field: '--test' } });
    expect(error.message).toContain('--valid');
    expect(await rejection(evalCli(['--tune', '--train', file]))).toMatchObject({ details: { field: '--valid' } });
    expect(await rejection(evalCli(['--train', file, '--test', file, '--valid', file]))).toMatchObject({ details: { field: '--valid' } });
  });

  it('should evaluate the built-in defaults once with --model none, and say so', async () => {
    const run = await evalCli(['--train', file, '--test', file, '--models', 'vitrine', '--model', 'none', '--json']);
    const report = JSON.parse(run.out[0]!);
    expect(report.results.map((row: { model: string }) => row.model)).toEqual(['vitrine']);
    expect(report.vitrineModels).toEqual([{ row: 'vitrine', source: 'built-in defaults (--model none)' }]);
  });

  it('should report defaults and fitted rows without --model, fitted on --train only', async () => {
    const run = await evalCli(['--train', file, '--test', file, '--models', 'vitrine', '--json']);
    const report = JSON.parse(run.out[0]!);
    expect(report.results.map((row: { model: string }) => row.model)).toEqual(['vitrine (defaults)', 'vitrine (fitted)']);
    expect(report.vitrineModels[1].source).toContain(`fitted on the last sessions of ${file}: published defaults kept`);
  });
});
