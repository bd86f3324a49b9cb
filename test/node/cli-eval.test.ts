import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InvalidRows } from '../../src/cli/bundle-builder/invalid-rows.ts';
import { createItemKnn, createPop, createSpop, itemNeighbours } from '../../src/cli/eval/baselines.ts';
import { cutoffsUpTo, evaluateModel } from '../../src/cli/eval/next-item-protocol.ts';
import { readSessions, toEvalData, type SessionLog } from '../../src/cli/eval/read.ts';
import type { EvalData, ModelResult, NextItemModel } from '../../src/cli/eval/types.ts';
import { DATA, OTTO, evalCli, rejection, tempDir } from './cli-helpers.ts';

// The fitting itself is tested in fit.test.ts: stand in for it, so these tests check only what the
// command does with its result (where the model goes, what is printed).
vi.mock('../../src/cli/eval/fit.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/cli/eval/fit.ts')>()),
  fitOnSplit: vi.fn(async (validation: EvalData, { log }: { log: (line: string) => void }) => {
    log(`tuning on ${validation.train.length} sessions`);
    return { weights: { sessions: validation.train.length, validation: validation.test.length } };
  }),
}));

const YOOCHOOSE = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_`;

function strict(): InvalidRows {
  return new InvalidRows(false, () => {});
}

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Item indices of a hand-made data set, by id. */
function indexer(data: EvalData): (id: string) => number {
  return (id) => data.itemIds.indexOf(id);
}

/** Hand-made sessions: `{ s1: 'a b a' }` → sessions of items with times 1, 2, 3… */
function sessions(spec: Record<string, string>): SessionLog {
  const list = Object.entries(spec).map(([id, items]) => {
    const ids = items.split(' ');
    return { id, items: ids, times: ids.map((_, i) => i + 1) };
  });
  return { sessions: list, events: list.reduce((n, s) => n + s.items.length, 0) };
}

describe('eval on yoochoose rsc15 (session-rec split train_full → test)', () => {
  it('should reproduce session-rec published POP, S-POP and Item-kNN HR@20 / MRR@20, as one JSON object on stdout', async () => {
    const run = await evalCli([
      '--train',
      `${YOOCHOOSE}train_full.txt`,
      '--test',
      `${YOOCHOOSE}test.txt`,
      '--models',
      'pop,spop,iknn',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const report = JSON.parse(run.out[0]!);
    expect(Object.keys(report)).toEqual(['protocol', 'train', 'test', 'results']);
    expect(report.protocol).toMatchObject({ description: 'session-rec next-item, every prefix', cutoffs: [5, 10, 20], candidates: 2933 });
    // Counts from the data set's SOURCE.txt; every test item occurs in train, so nothing is dropped
    // and each session of n events gives n - 1 predictions: 13,568 - 3,416.
    expect(report.train).toEqual({ sessions: 17794, events: 70278, items: 2933 });
    expect(report.test).toEqual({ sessions: 3416, events: 13568, predictions: 13568 - 3416, droppedSessions: 0, droppedEvents: 0 });

    const keys: Array<keyof ModelResult> = [
      'model',
      'HR@5',
      'MRR@5',
      'HR@10',
      'MRR@10',
      'HR@20',
      'MRR@20',
      'coverage@20',
      'popularity_bias@20',
      'ms_per_prediction',
    ];
    const results = report.results as ModelResult[];
    expect(results.map((r) => r.model)).toEqual(['pop', 'spop', 'iknn']);
    for (const r of results) expect(Object.keys(r)).toEqual(keys);
    const [pop, spop, iknn] = results as [ModelResult, ModelResult, ModelResult];

    // Published session-rec numbers on this split. Tolerance 0.003: they are rounded to 3 decimals
    // (±0.0005), and session-rec leaves ties to numpy's unstable sort where we take the lower
    // index; breaking every tie the other way round moves our numbers by at most 0.0005. 0.003
    // still fails a wrong protocol: counting Item-kNN co-occurrence over sessions as sets gives
    // HR@20 0.408 / MRR@20 0.187, predicting from the first item instead of the last far more.
    const TOLERANCE = 0.003;
    const near = (value: number, published: number) => expect(Math.abs(value - published)).toBeLessThanOrEqual(TOLERANCE);
    near(pop['HR@20'], 0.089);
    near(pop['MRR@20'], 0.026);
    near(spop['HR@20'], 0.381);
    near(spop['MRR@20'], 0.264);
    near(iknn['HR@20'], 0.399);
    near(iknn['MRR@20'], 0.181);

    for (const r of results) {
      // A hit within 5 is a hit within 10 and 20; MRR grows by at most 1/6 per extra hit.
      expect(r['HR@5']).toBeLessThanOrEqual(r['HR@10']);
      expect(r['HR@10']).toBeLessThanOrEqual(r['HR@20']);
      expect(r['MRR@5']).toBeLessThanOrEqual(r['MRR@20']);
      expect(r['MRR@20']).toBeLessThanOrEqual(r['HR@20']);
      expect(r.ms_per_prediction).toBeGreaterThanOrEqual(0);
    }
    // POP shows the same 20 items to everyone: coverage 20 / 2933 and the most popular items.
    expect(pop['coverage@20']).toBeCloseTo(20 / 2933, 6);
    expect(pop['popularity_bias@20']).toBeGreaterThan(spop['popularity_bias@20']);
    expect(spop['popularity_bias@20']).toBeGreaterThan(iknn['popularity_bias@20']);
    expect(iknn['coverage@20']).toBeGreaterThan(spop['coverage@20']);
    // Progress went to stderr, so stdout stayed one object.
    expect(run.err.some((line) => line.startsWith('iknn: done'))).toBe(true);
  });

  it('should print an aligned table with the summary and one row per model by default', async () => {
    const run = await evalCli(['--train', `${YOOCHOOSE}train_full.txt`, '--test', `${YOOCHOOSE}test.txt`, '--models', 'pop']);
    expect(run.code).toBe(0);
    const text = run.out.join('\n');
    expect(text).toMatch(/session-rec next-item, every prefix: 10152 predictions in 3416 test sessions/);
    expect(text).toMatch(/dropped 0 sessions and 0 events/);
    const header = run.out.find((line) => line.startsWith('model'))!;
    const row = run.out.find((line) => line.startsWith('pop'))!;
    expect(header.split(/\s+/)).toEqual([
      'model',
      'HR@5',
      'MRR@5',
      'HR@10',
      'MRR@10',
      'HR@20',
      'MRR@20',
      'coverage@20',
      'popularity_bias@20',
      'ms_per_prediction',
    ]);
    // Right-aligned columns: every value ends where its header ends.
    expect(row.length).toBe(header.length);
    // Four decimals; the HR@20 cell is POP's published 0.089 (within the tolerance explained above).
    const hr20 = row.split(/\s+/)[5]!;
    expect(hr20).toMatch(/^0\.\d{4}$/);
    expect(Math.abs(Number(hr20) - 0.089)).toBeLessThanOrEqual(0.003);
  });
});

describe('eval metrics on a hand-made set', () => {
  // Train counts: a 3, b 2, c 1, d 1 (most popular a → normalised popularity a 1, b 2/3, c and d 1/3).
  const { data } = toEvalData(sessions({ s1: 'a b a', s2: 'b c', s3: 'a d' }), sessions({ t1: 'a b c', t2: 'd a' }));
  const id = indexer(data);

  it('should score HR@k and MRR@k from the rank of the next item, with no hit beyond a short list', () => {
    const calls: Array<{ prefix: number[]; times: number[]; k: number }> = [];
    const lists: Record<string, string[]> = {
      a: ['c', 'b'], // t1 after a, target b: rank 2
      b: ['a', 'a'], // t1 after a b, target c: absent (a short list, with a repeat)
      d: ['b', 'c', 'a'], // t2 after d, target a: rank 3
    };
    const model: NextItemModel = {
      name: 'fixed',
      predict(prefix, times, k) {
        calls.push({ prefix: [...prefix], times: [...times], k });
        return lists[data.itemIds[prefix[prefix.length - 1]!]!]!.map(id);
      },
    };
    const result = evaluateModel(model, data, [1, 3]);
    expect(calls).toEqual([
      { prefix: [id('a')], times: [1], k: 3 },
      { prefix: [id('a'), id('b')], times: [1, 2], k: 3 },
      { prefix: [id('d')], times: [1], k: 3 },
    ]);
    expect(result.predictions).toBe(3);
    expect(result.hitRate).toEqual([0, 2 / 3]);
    expect(result.mrr[0]).toBe(0);
    expect(result.mrr[1]).toBeCloseTo((1 / 2 + 1 / 3) / 3, 12);
    // Lists hold a, b and c, never d.
    expect(result.coverage).toBe(3 / 4);
    // Mean over lists of the mean popularity of its distinct items: {c,b} 1/2, {a} 1, {b,c,a} 2/3.
    expect(result.popularityBias).toBeCloseTo((1 / 2 + 1 + 2 / 3) / 3, 12);
  });

  it('should rank POP by training count, breaking ties by the lower item index', () => {
    const pop = createPop(data.train, data.itemIds.length);
    // c and d both have 1 click; c came first in train.
    expect(Array.from(pop.predict([id('d')], [1], 10))).toEqual(['a', 'b', 'c', 'd'].map(id));
    expect(Array.from(pop.predict([id('d')], [1], 2))).toEqual(['a', 'b'].map(id));
  });

  it('should rank S-POP by count in the session, then global popularity, then fill with popular items', () => {
    const spop = createSpop(data.train, data.itemIds.length);
    // d twice, c and a once each (a more popular than c), then b, the only item left.
    expect(Array.from(spop.predict(['c', 'd', 'a', 'd'].map(id), [1, 2, 3, 4], 10))).toEqual(['d', 'a', 'c', 'b'].map(id));
    expect(Array.from(spop.predict([id('d')], [1], 2))).toEqual(['d', 'a'].map(id));
  });

  it('should count Item-kNN co-occurrence per event of the item, as session-rec does, and normalise by event supports', () => {
    // a is clicked twice in s1 beside b; λ = 0 and α = 0.5 make the formula plain cosine:
    // s(a,b) = 2 / √(3·1) (two events of a saw b), s(a,c) = 1 / √(3·2), s(b,a) = 1 / √(1·3).
    const { data: small } = toEvalData(sessions({ s1: 'a a b', s2: 'a c', s3: 'c d' }), sessions({}));
    const at = indexer(small);
    const { offsets, items, scores } = itemNeighbours(small.train, small.itemIds.length, { lambda: 0 });
    const of = (item: string) => ({
      items: Array.from(items.subarray(offsets[at(item)]!, offsets[at(item) + 1]!)),
      scores: Array.from(scores.subarray(offsets[at(item)]!, offsets[at(item) + 1]!)),
    });
    expect(of('a').items).toEqual([at('b'), at('c')]);
    expect(of('a').scores[0]).toBeCloseTo(2 / Math.sqrt(3), 12);
    expect(of('a').scores[1]).toBeCloseTo(1 / Math.sqrt(6), 12);
    expect(of('b').items).toEqual([at('a')]);
    expect(of('b').scores[0]).toBeCloseTo(1 / Math.sqrt(3), 12);

    // The prediction uses the last item only, never lists it, and stops where its neighbours end.
    const iknn = createItemKnn(small.train, small.itemIds.length, { lambda: 0 });
    expect(Array.from(iknn.predict([at('c'), at('b')], [1, 2], 20))).toEqual([at('a')]);
    expect(Array.from(iknn.predict([at('a')], [1], 1))).toEqual([at('b')]);
  });

  it('should keep the default cutoffs up to --cutoff and add the cutoff itself', () => {
    expect(cutoffsUpTo(20)).toEqual([5, 10, 20]);
    expect(cutoffsUpTo(10)).toEqual([5, 10]);
    expect(cutoffsUpTo(3)).toEqual([3]);
    expect(cutoffsUpTo(50)).toEqual([5, 10, 20, 50]);
  });
});

describe('eval command end to end on small CSV files', () => {
  it('should drop unknown test items, then short sessions, and score POP and S-POP as computed by hand', async () => {
    const dir = tempDir();
    // y is the most clicked training item (3), then x (2), z (1). Columns in another order,
    // alias names, times in seconds, milliseconds and ISO 8601, and rows out of time order.
    const train = write(
      dir,
      'train.csv',
      [
        'timestamp,product,session_id',
        '1700000002,y,s1',
        '1700000001000,x,s1',
        '2023-11-14T22:13:23Z,y,s1',
        '1700000010,z,s2',
        '1700000011,y,s2',
        '1700000012,x,s3',
        '',
      ].join('\n'),
    );
    // t1: x, q, y → q is unknown → x y (1 prediction: y after x). t2: q x → x alone → dropped.
    const test = write(dir, 'test.csv', ['session,item,time', 't1,q,101', 't1,x,100', 't1,y,102', 't2,q,200', 't2,x,201', ''].join('\n'));
    const run = await evalCli(['--train', train, '--test', test, '--models', 'pop,spop', '--json', '--cutoff', '10']);
    const report = JSON.parse(run.out[0]!);
    expect(report.train).toEqual({ sessions: 3, events: 6, items: 3 });
    expect(report.test).toEqual({ sessions: 1, events: 2, predictions: 1, droppedSessions: 1, droppedEvents: 3 });
    expect(report.protocol.cutoffs).toEqual([5, 10]);
    // POP: [y, x, z], target y at rank 1. S-POP after x: [x, y, z], target y at rank 2.
    // Both lists hold all 3 items; mean popularity (y 1, x 2/3, z 1/3) = 2/3.
    expect(report.results).toEqual([
      {
        model: 'pop',
        'HR@5': 1,
        'MRR@5': 1,
        'HR@10': 1,
        'MRR@10': 1,
        'coverage@10': 1,
        'popularity_bias@10': 0.666667,
        ms_per_prediction: expect.any(Number),
      },
      {
        model: 'spop',
        'HR@5': 1,
        'MRR@5': 0.5,
        'HR@10': 1,
        'MRR@10': 0.5,
        'coverage@10': 1,
        'popularity_bias@10': 0.666667,
        ms_per_prediction: expect.any(Number),
      },
    ]);
  });

  it('should write the tuned weights to --model-out with a line saying where, keeping progress on stderr', async () => {
    const file = join(tempDir(), 'nested', 'weights.json');
    const run = await evalCli([
      '--tune',
      '--train',
      `${YOOCHOOSE}train_tr.txt`,
      '--valid',
      `${YOOCHOOSE}train_valid.txt`,
      '--model-out',
      file,
      '--json',
    ]);
    expect(run.code).toBe(0);
    // train_tr holds 13,629 sessions (SOURCE.txt); train_valid 4,084 before restricting to train_tr's items.
    const model = JSON.parse(readFileSync(file, 'utf8'));
    expect(model).toMatchObject({ format: 'vitrine-model', version: 1 });
    const weights = model.weights;
    expect(weights.sessions).toBe(13629);
    expect(weights.validation).toBeGreaterThan(0);
    expect(weights.validation).toBeLessThanOrEqual(4084);
    expect(run.out).toHaveLength(1);
    expect(JSON.parse(run.out[0]!)).toEqual({ modelOut: file, weights });
    expect(model.sessionModel).toBeUndefined();
    expect(run.err).toContain('tuning on 13629 sessions');

    const plain = await evalCli([
      '--tune',
      '--train',
      `${YOOCHOOSE}train_tr.txt`,
      '--valid',
      `${YOOCHOOSE}train_valid.txt`,
      '--model-out',
      file,
    ]);
    expect(plain.out).toEqual([`wrote the tuned session model to ${file}`]);
  });
});

describe('eval readers', () => {
  it('should read session-rec files: tab-separated, seconds, sessions in first-appearance order', () => {
    const log = readSessions(`${YOOCHOOSE}train_full.txt`, undefined, strict());
    // SOURCE.txt: 70,278 rows in 17,794 sessions; the file starts with session 3's two clicks.
    expect(log.events).toBe(70278);
    expect(log.sessions).toHaveLength(17794);
    expect(log.sessions[0]).toMatchObject({ id: '3', items: ['214716935', '214832672'], times: [1396437466.94, 1396438212.318] });
    expect(log.sessions.every((s) => s.times.every((t, i) => i === 0 || s.times[i - 1]! <= t))).toBe(true);
  });

  it('should read OTTO jsonl sessions with every event type, times in seconds', () => {
    const log = readSessions(OTTO, undefined, strict());
    // SOURCE.txt: 20 sessions, 862 events (clicks, carts and orders), 510 distinct aids.
    expect(log.sessions).toHaveLength(20);
    expect(log.events).toBe(862);
    expect(new Set(log.sessions.flatMap((s) => s.items)).size).toBe(510);
    expect(log.sessions[0]!.id).toBe('0');
    expect(log.sessions[0]!.items[0]).toBe('1517085');
    expect(log.sessions[0]!.times[0]).toBeCloseTo(1659304800.025, 6);
    expect(log.sessions.every((s) => s.times.every((t, i) => i === 0 || s.times[i - 1]! <= t))).toBe(true);
    // Forcing the format reads the same.
    expect(readSessions(OTTO, 'jsonl', strict())).toEqual(log);
  });

  it('should read csv times in seconds, milliseconds and ISO 8601 alike, ordering a session stably by time', () => {
    const dir = tempDir();
    const file = write(
      dir,
      'events.csv',
      'SessionId,ItemId,Time\n1,late,2023-11-14T22:13:30Z\n1,first,1700000000\n1,second,1700000000000\n2,only,1700000005.5\n',
    );
    const log = readSessions(file, 'csv', strict());
    // 1700000000 s = 2023-11-14T22:13:20Z; "first" and "second" tie and keep file order.
    expect(log.sessions).toEqual([
      { id: '1', items: ['first', 'second', 'late'], times: [1700000000, 1700000000, 1700000010] },
      { id: '2', items: ['only'], times: [1700000005.5] },
    ]);
  });

  it('should train on OTTO sessions and evaluate without dropping when test equals train', async () => {
    const run = await evalCli(['--train', OTTO, '--test', OTTO, '--models', 'spop', '--json']);
    const report = JSON.parse(run.out[0]!);
    expect(report.train).toEqual({ sessions: 20, events: 862, items: 510 });
    expect(report.test.droppedSessions).toBe(0);
    expect(report.test.predictions).toBe(862 - 20);
  });
});

describe('eval bad input', () => {
  it.each([
    ['session-rec', 'SessionId\tItemId\tTime\n1\t10\t1396437466.94\n1\t11\tyesterday\n', 3, 'time'],
    ['csv', 'session,item,time\n1,10,100\n2,,101\n', 3, 'item'],
    ['csv', 'session,item,time\n1,10,100\n,11,101\n', 3, 'session'],
    ['csv', 'session,item,time\n1,10\n', 2, '(columns)'],
    ['csv', 'session,item,when\n1,10,100\n', 1, 'time'],
    [
      'jsonl',
      '{"session":1,"events":[{"aid":5,"ts":1659304800025}]}\n{"session":2,"events":[{"aid":5,"ts":1},{"aid":6,"ts":"soon"}]}\n',
      2,
      'events[1].ts',
    ],
    ['jsonl', '{"session":1,"events":[{"aid":5,"ts":1659304800025}]}\n\n{"session":2,"events":[{"ts":1}]}\n', 3, 'events[0].aid'],
    ['jsonl', '{"session":1,"events":[]}\n{"session":2,\n', 2, '(json)'],
    ['jsonl', '{"events":[]}\n', 1, 'session'],
  ])('should abort a %s file with INPUT_INVALID_ROW at line %d, field %s', async (format, text, line, field) => {
    const dir = tempDir();
    const file = write(dir, `bad.${format === 'jsonl' ? 'jsonl' : 'txt'}`, text);
    const error = await rejection(evalCli(['--train', file, '--test', file, '--format', format]));
    expect(error).toMatchObject({ code: 'INPUT_INVALID_ROW', details: { file, line, field } });
  });

  it('should skip and report bad rows with --skip-invalid', async () => {
    const dir = tempDir();
    const file = write(dir, 'events.csv', 'session,item,time\n1,a,1\n1,b,x\n1,b,2\n2,a,3\n2,b,4\n');
    const run = await evalCli(['--train', file, '--test', file, '--models', 'pop', '--json', '--skip-invalid']);
    expect(run.err.join('\n')).toMatch(/events\.csv:3 \[time\]/);
    expect(JSON.parse(run.out[0]!).train).toEqual({ sessions: 2, events: 4, items: 2 });
  });

  it('should report an unreadable file as INPUT_UNREADABLE', async () => {
    const missing = join(tempDir(), 'missing.txt');
    const error = await rejection(evalCli(['--train', missing, '--test', missing]));
    expect(error).toMatchObject({ code: 'INPUT_UNREADABLE', details: { file: missing } });
  });

  it.each([
    [['--test', 'x'], '--train'],
    [['--train', 'x', '--test', 'x', '--models', 'pop,gru4rec'], '--models'],
    [['--train', 'x', '--test', 'x', '--cutoff', '0'], '--cutoff'],
    [['--train', 'x', '--test', 'x', '--format', 'parquet'], '--format'],
    [['--train', 'x', '--test', 'x', '--bogus'], 'arguments'],
  ])('should reject %j with INPUT_BAD_OPTION naming %s', async (argv, field) => {
    const error = await rejection(evalCli(argv));
    expect(error).toMatchObject({ code: 'INPUT_BAD_OPTION', details: { field } });
  });
});
