/**
 * Learning across visitors, the server side: the reference receiver over real HTTP (strict
 * checks, one JSONL line per count, nothing about the request kept) and `bandit fold` (forgetting,
 * no double counting, debiasing, errors naming the line). A variant that stops working loses its
 * Thompson-sampling traffic after a few folds.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReceivedCount } from '../../src/shared/bandit/counts.ts';
import { parsePriorsFile } from '../../src/shared/bandit/priors-file.ts';
import { thompsonSlate } from '../../src/shared/bandit/thompson.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { foldCounts, readCounts } from '../../src/cli/bandit/fold.ts';
import { receiveBatch, startReceiver } from '../../src/cli/bandit/receiver.ts';
import { runBanditFold } from '../../src/cli/commands/bandit-fold.ts';

const dir = mkdtempSync(join(tmpdir(), 'vitrine-bandit-'));
const DAY = 86_400_000;

describe('bandit receiver', async () => {
  const out = join(dir, 'counts.jsonl');
  const server = await startReceiver(out, 0, '127.0.0.1', '/counts');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/counts`;
  afterAll(() => new Promise((done) => server.close(done)));
  const post = (body: string, type = 'text/plain;charset=UTF-8') =>
    fetch(url, { method: 'POST', headers: { 'content-type': type, cookie: 'id=visitor-42', 'user-agent': 'UA-secret' }, body });

  it('should append one line per count with the arrival time, and nothing from the request', async () => {
    const batch = {
      v: 1,
      counts: [
        { experiment: 'hero', arm: 'a', segment: 'all', trials: 3, successes: 1 },
        { experiment: 'hero', arm: 'b', segment: 'all', trials: 2, successes: 0 },
      ],
    };
    expect((await post(JSON.stringify(batch))).status).toBe(204);
    expect((await post(JSON.stringify({ ...batch, epsilon: 1 }), 'application/json')).status).toBe(204);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ReceivedCount);
    expect(lines).toHaveLength(4);
    expect(Object.keys(lines[0]!).sort()).toEqual(['arm', 'experiment', 'receivedAt', 'segment', 'successes', 'trials']);
    expect(lines[2]).toMatchObject({ experiment: 'hero', arm: 'a', trials: 3, successes: 1, epsilon: 1 });
    expect(Math.abs(Date.parse(lines[0]!.receivedAt) - Date.now())).toBeLessThan(5000);
    const text = readFileSync(out, 'utf8');
    for (const leaked of ['127.0.0.1', 'visitor-42', 'UA-secret']) expect(text).not.toContain(leaked);
  });

  it('should refuse anything else with 400 (or 413 past the size cap, 405 for GET) and append nothing', async () => {
    const before = readFileSync(out, 'utf8');
    const count = { experiment: 'hero', arm: 'a', segment: 'all', trials: 1, successes: 0 };
    const bad = [
      'not json',
      JSON.stringify({ counts: { view: 3 }, windowStart: 1, windowEnd: 2 }), // a measurement batch
      JSON.stringify({ v: 1, counts: [] }),
      JSON.stringify({ v: 2, counts: [count] }),
      JSON.stringify({ v: 1, counts: [{ ...count, product: 'sku-1' }] }),
      JSON.stringify({ v: 1, counts: [count], visitor: 'x' }),
      JSON.stringify({ v: 1, counts: [{ ...count, successes: 2 }] }),
      JSON.stringify({ v: 1, counts: [{ ...count, trials: 0.5 }] }),
      JSON.stringify({ v: 1, counts: [{ ...count, arm: '' }] }),
      JSON.stringify({ v: 1, counts: [{ ...count, successes: 0.5 }], epsilon: 1 }),
      JSON.stringify({ v: 1, counts: [count], epsilon: -1 }),
    ];
    for (const body of bad) expect((await post(body)).status, body).toBe(400);
    expect((await post(JSON.stringify({ v: 1, counts: [count] }), 'application/x-www-form-urlencoded')).status).toBe(400);
    const answer = await post(JSON.stringify({ v: 1, counts: [{ ...count, product: 'sku-1' }] }));
    expect(await answer.text()).toMatch(/counts\[0\]\.product: is not allowed/);
    expect((await post('x'.repeat(70_000))).status).toBe(413);
    expect((await fetch(url)).status).toBe(405);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });
});

function line(arm: string, trials: number, successes: number, receivedAt: number, epsilon?: number): ReceivedCount {
  return {
    experiment: 'hero',
    arm,
    segment: 'all',
    trials,
    successes,
    receivedAt: new Date(receivedAt).toISOString(),
    ...(epsilon && { epsilon }),
  };
}

describe('bandit fold', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');

  it('should add counts to flat priors, decay old evidence by its age and never add a line twice', () => {
    const first = foldCounts(null, [line('a', 10, 4, t0 - DAY)], { halfLifeDays: 1, now: t0 });
    // One day old at a one-day half-life: half its weight.
    expect(first.priors.experiments.hero!.all!.a).toEqual({ alpha: 1 + 2, beta: 1 + 3 });
    const counts = [line('a', 10, 4, t0 - DAY), line('a', 8, 8, t0 + DAY)];
    const second = foldCounts(first.priors, counts, { halfLifeDays: 1, now: t0 + DAY });
    expect(second.summary).toEqual({ added: 1, alreadyFolded: 1, future: 0 });
    // Previous evidence (2, 3) halves; the new line counts fully.
    expect(second.priors.experiments.hero!.all!.a).toEqual({ alpha: 1 + 1 + 8, beta: 1 + 1.5 });
    expect(second.priors.updatedAt).toBe(new Date(t0 + DAY).toISOString());
    // Without a half-life nothing is forgotten.
    expect(foldCounts(first.priors, [], { halfLifeDays: Infinity, now: t0 + 100 * DAY }).priors.experiments.hero!.all!.a).toEqual({
      alpha: 3,
      beta: 4,
    });
  });

  it('should fold a line that arrives in the same second as a fold, after it, exactly once (receiver and fold together)', () => {
    // A fold runs at t0 + 500 ms while batches keep arriving: one came just before it, one just after.
    const file = join(dir, 'same-second.jsonl');
    const batch = (arm: string) => JSON.stringify({ v: 1, counts: [{ experiment: 'hero', arm, segment: 'all', trials: 1, successes: 1 }] });
    expect(receiveBatch('POST', 'text/plain', batch('a'), file, new Date(t0 + 200)).status).toBe(204);
    const first = foldCounts(null, readCounts([file]), { halfLifeDays: Infinity, now: t0 + 500 });
    expect(receiveBatch('POST', 'text/plain', batch('b'), file, new Date(t0 + 800)).status).toBe(204);
    const second = foldCounts(first.priors, readCounts([file]), { halfLifeDays: Infinity, now: t0 + 60_000 });
    // Each arrival counted once over the two folds, none lost.
    expect(second.priors.experiments.hero!.all).toEqual({ a: { alpha: 2, beta: 1 }, b: { alpha: 2, beta: 1 } });
    expect(first.summary.added + second.summary.added).toBe(2);
  });

  it('should debias successes of lines sent with randomised response', () => {
    // epsilon = ln 3: flip probability 1/4. 1000 trials with 300 true successes show 300·3/4 + 700/4 = 400.
    const { priors } = foldCounts(null, [line('a', 1000, 400, t0, Math.log(3))], { halfLifeDays: Infinity, now: t0 });
    expect(priors.experiments.hero!.all!.a!.alpha).toBeCloseTo(301, 6);
    expect(priors.experiments.hero!.all!.a!.beta).toBeCloseTo(701, 6);
  });

  it('should move traffic away from a variant that stops working, fold after fold', () => {
    // Days 1-10 variant a converts at 10%, b at 5%; from day 11 a at 1%.
    const rate = (arm: string, day: number) => (arm === 'a' ? (day <= 10 ? 0.1 : 0.01) : 0.05);
    const share = (priors: ReturnType<typeof foldCounts>['priors']) => {
      const arms = ['a', 'b'].map((arm) => priors.experiments.hero!.all![arm]!);
      const next = mulberry32(7);
      let a = 0;
      for (let i = 0; i < 4000; i++) if (thompsonSlate(next, arms, 1)[0]!.arm === 0) a += 1;
      return a / 4000;
    };
    let priors = null as ReturnType<typeof foldCounts>['priors'] | null;
    const shares: number[] = [];
    for (let day = 1; day <= 20; day++) {
      const at = t0 + day * DAY;
      const counts = ['a', 'b'].map((arm) => line(arm, 1000, Math.round(1000 * rate(arm, day)), at - 1000));
      priors = foldCounts(priors, counts, { halfLifeDays: 2, now: at }).priors;
      shares.push(share(priors));
    }
    expect(shares[9]).toBeGreaterThan(0.95); // a wins while it works
    expect(shares[19]).toBeLessThan(0.05); // and loses its traffic after it stopped
    // Without forgetting, ten days of a's old successes keep it ahead for longer.
    let stale = null as ReturnType<typeof foldCounts>['priors'] | null;
    for (let day = 1; day <= 13; day++) {
      const at = t0 + day * DAY;
      stale = foldCounts(
        stale,
        ['a', 'b'].map((arm) => line(arm, 1000, Math.round(1000 * rate(arm, day)), at - 1000)),
        { halfLifeDays: Infinity, now: at },
      ).priors;
    }
    expect(share(stale!)).toBeGreaterThan(shares[12]!);
  });

  it('should write the priors file from the command, start flat without one, and name a bad line', async () => {
    const counts = join(dir, 'fold-counts.jsonl');
    const priorsPath = join(dir, 'priors.json');
    writeFileSync(counts, `${JSON.stringify(line('a', 4, 1, t0))}\n\n${JSON.stringify(line('b', 4, 3, t0))}\n`);
    expect(existsSync(priorsPath)).toBe(false);
    const printed: string[] = [];
    await runBanditFold(
      ['--counts', counts, '--priors', priorsPath, '--out', priorsPath, '--half-life', '7', '--now', new Date(t0).toISOString(), '--json'],
      (l) => printed.push(l),
    );
    const written = parsePriorsFile(readFileSync(priorsPath, 'utf8'));
    expect(written.experiments.hero!.all).toEqual({ a: { alpha: 2, beta: 4 }, b: { alpha: 4, beta: 2 } });
    expect(JSON.parse(printed[0]!)).toMatchObject({ added: 2, alreadyFolded: 0, experiments: 1 });
    // Same file again, later: nothing added twice.
    await runBanditFold(
      ['--counts', counts, '--priors', priorsPath, '--out', priorsPath, '--now', new Date(t0 + DAY).toISOString(), '--json'],
      (l) => printed.push(l),
    );
    expect(JSON.parse(printed[1]!)).toMatchObject({ added: 0, alreadyFolded: 2 });
    expect(parsePriorsFile(readFileSync(priorsPath, 'utf8')).experiments.hero!.all!.a).toEqual({ alpha: 2, beta: 4 });

    writeFileSync(counts, `${JSON.stringify(line('a', 4, 1, t0))}\n${JSON.stringify({ ...line('a', 4, 1, t0), successes: 9 })}\n`);
    expect(() => readCounts([counts])).toThrow(/fold-counts\.jsonl:2: line\.successes/);
    writeFileSync(
      priorsPath,
      JSON.stringify({ version: 1, updatedAt: new Date(t0).toISOString(), experiments: { hero: { all: { a: { alpha: 0, beta: 1 } } } } }),
    );
    await expect(runBanditFold(['--counts', counts, '--priors', priorsPath, '--out', priorsPath])).rejects.toThrow(
      /experiments\.hero\.all\.a\.alpha/,
    );
  });
});
