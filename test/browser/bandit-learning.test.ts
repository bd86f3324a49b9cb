/**
 * Learning across visitors in Chromium: the priors file fetched from the test server, cached in
 * Cache Storage, revalidated (304 keeps the cached copy, a new file replaces it), refused whole
 * when malformed, and deciding which arm Thompson sampling shows; the arm counter's batches
 * (exactly experiment, arm, segment, trials, successes, v and epsilon), sent only with consent and
 * an endpoint, dropped on revocation, and randomised response flipping at 1 / (1 + e^ε). The
 * counter's network here is a recording function (as consent-measurement.test.ts does); the real
 * POST over loopback, with interception, is in test/e2e/bandit-learning.spec.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { ArmCountBatch, PriorsFile } from '../../src/shared/bandit/counts.ts';
import { flipProbability } from '../../src/shared/bandit/counts.ts';
import { thompsonSlate } from '../../src/shared/bandit/thompson.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { ArmCounter } from '../../src/worker/bandit/arm-counts.ts';
import { PRIORS_CACHE, PriorsBook } from '../../src/worker/bandit/priors.ts';
import { BanditLearning } from '../../src/worker/learning.ts';
import { Measurement } from '../../src/worker/measurement.ts';

/** Served path, relative to the project root (the extension keeps Vite from transforming it). */
const FILE = `test/browser/served/priors-${Date.now()}-${Math.floor(Math.random() * 1e6)}.priors`;
const URL_ABSOLUTE = new URL(`/${FILE}`, document.baseURI).href;

function priorsFile(updatedAt: string, b: { alpha: number; beta: number }): PriorsFile {
  return { version: 1, updatedAt, experiments: { hero: { all: { a: { alpha: 10, beta: 90 }, b } } } };
}

/** Share of 2000 Thompson draws that show arm b, from the book's priors. */
function shareOfB(book: PriorsBook, segment = 'all'): number {
  const arms = ['a', 'b'].map((arm) => book.prior('hero', segment, arm));
  const next = mulberry32(3);
  let b = 0;
  for (let i = 0; i < 2000; i++) if (thompsonSlate(next, arms, 1)[0]!.arm === 1) b += 1;
  return b / 2000;
}

afterAll(async () => {
  await commands.removeFile(FILE).catch(() => undefined);
  await caches.delete(PRIORS_CACHE);
});

describe('PriorsBook', () => {
  it('should fall back from the file to the bundle to flat priors, per experiment and segment', () => {
    const book = new PriorsBook();
    expect(book.prior('hero', 'all', 'a')).toEqual({ alpha: 1, beta: 1 });
    book.setBundlePriors({ hero: { a: { alpha: 3, beta: 7 } }, banner: { x: { alpha: 2, beta: 2 } } });
    expect(book.prior('hero', 'returning-mobile', 'a')).toEqual({ alpha: 3, beta: 7 });
    expect(book.prior('hero', 'all', 'unknown')).toEqual({ alpha: 1, beta: 1 });
    book.setBundlePriors({ hero: { a: { alpha: -1, beta: 1 } } });
    expect(book.prior('hero', 'all', 'a')).toEqual({ alpha: 1, beta: 1 });
    expect(book.status().lastError).toMatchObject({ code: 'PRIORS_INVALID', field: 'banditPriors.hero.a.alpha' });
    // The bundle reader leaves the section unchecked: a section that is not an object of experiments is refused here.
    book.setBundlePriors([{ alpha: 3, beta: 7 }]);
    expect(book.prior('hero', 'all', 'a')).toEqual({ alpha: 1, beta: 1 });
    expect(book.status().lastError).toMatchObject({ code: 'PRIORS_INVALID', field: 'banditPriors' });
  });

  it('should fetch the priors file, let it choose the arm, keep the cached copy on 304 and take a new file on change', async () => {
    await commands.writeFile(FILE, JSON.stringify(priorsFile('2026-01-01T00:00:00.000Z', { alpha: 60, beta: 40 })));
    const flat = new PriorsBook();
    flat.setBundlePriors({ hero: { b: { alpha: 1, beta: 30 } } });
    expect(shareOfB(flat)).toBeLessThan(0.2); // the bundle says b is poor

    const book = new PriorsBook();
    book.setBundlePriors({ hero: { b: { alpha: 1, beta: 30 } } });
    await book.setFileUrl(URL_ABSOLUTE);
    expect(book.status()).toMatchObject({
      url: URL_ABSOLUTE,
      source: 'network',
      updatedAt: '2026-01-01T00:00:00.000Z',
      experiments: 1,
      lastError: null,
    });
    // The file replaces the bundle's priors for the experiment it names: b (0.6) now beats a (0.1).
    expect(book.prior('hero', 'all', 'b')).toEqual({ alpha: 60, beta: 40 });
    expect(book.prior('hero', 'new-visitors', 'b')).toEqual({ alpha: 60, beta: 40 });
    expect(shareOfB(book)).toBeGreaterThan(0.95);
    expect(await (await caches.open(PRIORS_CACHE)).match(URL_ABSOLUTE)).toBeDefined();

    // Next page load, file unchanged: the cached copy applies and the revalidation answers 304.
    const again = new PriorsBook();
    await again.setFileUrl(URL_ABSOLUTE);
    expect(again.status()).toMatchObject({ source: 'cache', updatedAt: '2026-01-01T00:00:00.000Z', lastError: null });

    // The fold wrote a new file: the revalidation takes it.
    await commands.writeFile(FILE, JSON.stringify(priorsFile('2026-01-02T00:00:00.000Z', { alpha: 2, beta: 98 })));
    const later = new PriorsBook();
    await later.setFileUrl(URL_ABSOLUTE);
    expect(later.status()).toMatchObject({ source: 'network', updatedAt: '2026-01-02T00:00:00.000Z' });
    expect(shareOfB(later)).toBeLessThan(0.1);
  });

  it('should be ready once the file is in use: at once from the cache, else when the network answered', async () => {
    await caches.delete(PRIORS_CACHE);
    await commands.writeFile(FILE, JSON.stringify(priorsFile('2026-01-05T00:00:00.000Z', { alpha: 60, beta: 40 })));
    // A first visit: no copy in Cache Storage, ready after the network answered.
    const first = new PriorsBook();
    const fetched = first.setFileUrl(URL_ABSOLUTE);
    await first.ready();
    expect(first.status()).toMatchObject({ source: 'network', updatedAt: '2026-01-05T00:00:00.000Z' });
    expect(first.prior('hero', 'all', 'b')).toEqual({ alpha: 60, beta: 40 });
    await fetched;
    // The next page load: ready with the cached copy (its revalidation may still be under way).
    const next = new PriorsBook();
    const revalidated = next.setFileUrl(URL_ABSOLUTE);
    await next.ready();
    expect(next.prior('hero', 'all', 'b')).toEqual({ alpha: 60, beta: 40 });
    await revalidated;
    // No file, or a file that cannot be fetched: ready all the same (the choice goes on with what it has).
    const none = new PriorsBook();
    await none.setFileUrl(null);
    await none.ready();
    await commands.removeFile(FILE);
    await caches.delete(PRIORS_CACHE);
    const missing = new PriorsBook();
    void missing.setFileUrl(URL_ABSOLUTE);
    await missing.ready();
    expect(missing.status().lastError).toMatchObject({ code: 'PRIORS_FETCH_FAILED' });
  });

  it('should keep the previous priors when the file turns bad or goes missing, and say why', async () => {
    await commands.writeFile(FILE, JSON.stringify(priorsFile('2026-01-03T00:00:00.000Z', { alpha: 60, beta: 40 })));
    const book = new PriorsBook();
    await book.setFileUrl(URL_ABSOLUTE);
    const bad = priorsFile('2026-01-04T00:00:00.000Z', { alpha: 60, beta: 40 });
    bad.experiments.hero!.all!.b!.beta = Number.NaN; // JSON null
    await commands.writeFile(FILE, JSON.stringify(bad));
    await book.setFileUrl(URL_ABSOLUTE);
    expect(book.status()).toMatchObject({
      updatedAt: '2026-01-03T00:00:00.000Z',
      lastError: { code: 'PRIORS_INVALID', field: 'experiments.hero.all.b.beta' },
    });
    expect(book.prior('hero', 'all', 'b')).toEqual({ alpha: 60, beta: 40 });
    await commands.removeFile(FILE);
    await book.setFileUrl(URL_ABSOLUTE);
    expect(book.status()).toMatchObject({ updatedAt: '2026-01-03T00:00:00.000Z', lastError: { code: 'PRIORS_FETCH_FAILED' } });
    expect(book.prior('hero', 'all', 'b')).toEqual({ alpha: 60, beta: 40 });
    // No file at all (a fresh cache): flat priors, and the error.
    await caches.delete(PRIORS_CACHE);
    const fresh = new PriorsBook();
    await fresh.setFileUrl(URL_ABSOLUTE);
    expect(fresh.status()).toMatchObject({ source: null, updatedAt: null, lastError: { code: 'PRIORS_FETCH_FAILED' } });
    expect(fresh.prior('hero', 'all', 'b')).toEqual({ alpha: 1, beta: 1 });
  });
});

function counter({ allowed = { value: true }, endpoint = 'http://127.0.0.1/counts' as string | null, intervalMs = 60_000 } = {}) {
  const sent: { url: string; init: RequestInit }[] = [];
  const armCounter = new ArmCounter({
    allowed: () => allowed.value,
    endpoint: () => endpoint,
    intervalMs: () => intervalMs,
    fetch: async (url, init) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response(null, { status: 204 });
    },
  });
  const bodies = () => sent.map(({ init }) => JSON.parse(init.body as string) as ArmCountBatch);
  return { armCounter, sent, allowed, bodies };
}

describe('ArmCounter', () => {
  it('should send exactly the arm counts, once per window, and nothing about the visitor', async () => {
    const { armCounter, sent, bodies } = counter({ intervalMs: 100 });
    for (let i = 0; i < 3; i++) armCounter.recordTrial('hero', 'a', 'all');
    armCounter.recordSuccess('hero', 'a', 'all', 1);
    armCounter.recordTrial('hero', 'b', 'returning');
    armCounter.recordSuccess('hero', 'b', 'returning', 5); // never more successes than trials
    expect(armCounter.status()).toMatchObject({ active: true, pending: 4 });
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]!.url).toBe('http://127.0.0.1/counts');
    expect(sent[0]!.init).toMatchObject({ method: 'POST', credentials: 'omit', referrerPolicy: 'no-referrer', keepalive: true });
    const [batch] = bodies();
    expect(Object.keys(batch!).sort()).toEqual(['counts', 'v']);
    expect(batch!.counts).toEqual([
      { experiment: 'hero', arm: 'a', segment: 'all', trials: 3, successes: 1 },
      { experiment: 'hero', arm: 'b', segment: 'returning', trials: 1, successes: 1 },
    ]);
    for (const count of batch!.counts) expect(Object.keys(count).sort()).toEqual(['arm', 'experiment', 'segment', 'successes', 'trials']);
    expect(armCounter.status()).toMatchObject({ pending: 0, sent: 1 });
  });

  it('should count and send nothing without measurement consent or without an endpoint', async () => {
    const noConsent = counter({ allowed: { value: false } });
    const noEndpoint = counter({ endpoint: null });
    for (const { armCounter } of [noConsent, noEndpoint]) {
      armCounter.recordTrial('hero', 'a', 'all');
      armCounter.recordSuccess('hero', 'a', 'all', 1);
      expect(armCounter.status()).toMatchObject({ active: false, pending: 0 });
      await armCounter.flush();
    }
    expect([...noConsent.sent, ...noEndpoint.sent]).toEqual([]);
  });

  it('should drop unsent counts when measurement is revoked, and refuse to count after a bad epsilon', async () => {
    const { armCounter, sent, allowed } = counter();
    armCounter.recordTrial('hero', 'a', 'all');
    armCounter.discard(); // what the worker does when measurement is revoked
    allowed.value = false;
    await armCounter.flush();
    expect(sent).toEqual([]);
    allowed.value = true;
    expect(() => armCounter.setEpsilon(Number.NaN)).toThrow(/epsilon/);
    armCounter.recordTrial('hero', 'a', 'all');
    await armCounter.flush();
    expect(sent).toEqual([]);
    expect(armCounter.status().active).toBe(false);
  });

  it('should flip success bits with probability 1 / (1 + e^ε) and carry ε', async () => {
    const epsilon = 1;
    const q = flipProbability(epsilon); // 0.2689
    const { armCounter, bodies } = counter();
    armCounter.setEpsilon(epsilon);
    // 20,000 trials without success and 20,000 with: each reported success is a flip (or a kept bit).
    for (let i = 0; i < 20_000; i++) {
      armCounter.recordTrial('hero', 'never', 'all');
      armCounter.recordTrial('hero', 'always', 'all');
      armCounter.recordSuccess('hero', 'always', 'all', 1);
    }
    await armCounter.flush();
    const [batch] = bodies();
    expect(batch!.epsilon).toBe(epsilon);
    const never = batch!.counts.find((c) => c.arm === 'never')!;
    const always = batch!.counts.find((c) => c.arm === 'always')!;
    // Binomial(20000, q): standard deviation ~63; 5 of them is far beyond chance.
    const sd = Math.sqrt(20_000 * q * (1 - q));
    expect(Math.abs(never.successes - 20_000 * q)).toBeLessThan(5 * sd);
    expect(Math.abs(20_000 - always.successes - 20_000 * q)).toBeLessThan(5 * sd);
    expect(never.successes).toBeGreaterThan(0);
  });

  it('should stop counting when any part of the configuration is refused (fail closed)', async () => {
    const measurement = new Measurement({ allowed: () => true });
    measurement.configure({ endpoint: 'http://127.0.0.1/stats' });
    const learning = new BanditLearning({ allows: () => true }, () => measurement);
    await learning.configure({ epsilon: 1, countsEndpoint: '/counts', base: 'http://127.0.0.1/shop/' });
    expect(learning.status().counts).toMatchObject({ active: true, epsilon: 1, endpoint: 'http://127.0.0.1/counts' });
    // A bad priors URL refuses the whole configuration: no counts with an epsilon the shop did not ask for.
    await expect(learning.configure({ priors: 'javascript:alert(1)', epsilon: 2 })).rejects.toThrow(/priors/);
    expect(learning.status().counts.active).toBe(false);
    await expect(learning.configure({ epsilon: 99 })).rejects.toThrow(/epsilon/);
    expect(learning.status().counts.active).toBe(false);
    await learning.configure({ epsilon: 2 });
    expect(learning.status().counts).toMatchObject({ active: true, epsilon: 2 });
  });
});
