/**
 * Arm-level counts for learning across visitors: per (experiment, arm, segment), how many viewable
 * impressions (trials) and successes this device saw since its last report. Nothing else: no
 * product id, event, time, page or identifier. Collected only while the shop configured the
 * measurement endpoint AND the visitor grants `measurement`; in the default on-device mode this
 * counts nothing and sends nothing. A revocation drops what was not sent, at once (`discard()`).
 *
 * One window (the measurement interval) = one POST of an `ArmCountBatch`. The worker sends it with
 * `fetch(…, { keepalive: true })` as measurement does (`sendBeacon` does not exist in workers): the
 * page flushes both when it is hidden, and keepalive lets that request outlive the page. The body
 * is `text/plain` JSON, like a beacon's: a simple request, so no CORS preflight for an endpoint
 * on another origin, and no cookie or referrer (`credentials: 'omit'`, `no-referrer`).
 *
 * Randomised response (local differential privacy): with `epsilon`, every trial's success bit is
 * flipped with probability 1 / (1 + e^epsilon) at send time, with a cryptographic random source,
 * and the batch carries `epsilon` so the fold can debias. Weighted successes count as whole ones then
 * (rounded, at most one per trial): a bit is all randomised response can carry.
 */
import type { ArmCount, ArmCountBatch } from '../../shared/bandit/counts.ts';
import { flipProbability } from '../../shared/bandit/counts.ts';
import { isName } from '../../shared/bandit/priors-file.ts';
import type { ArmCountsStatus } from '../../shared/bandit/learning-status.ts';
import { VitrineError } from '../../shared/errors.ts';
import { StatisticsPost } from '../statistics-post.ts';

/** Distinct (experiment, arm, segment) tallies after which a window is sent early, so a batch stays small. */
export const MAX_COUNTS_PER_BATCH = 500;
/** Largest epsilon a shop may set: beyond it the flip probability (< 1e-9) protects nothing. */
export const MAX_EPSILON = 20;

export interface ArmCounterOptions {
  /** Whether the visitor granted `measurement` right now. */
  allowed: () => boolean;
  /** The measurement endpoint (null: none configured, then nothing is counted) and its window length in ms. */
  endpoint: () => string | null;
  intervalMs: () => number;
  /** The network; the browser tests record it, the Playwright ones use the real one. */
  fetch?: typeof fetch;
  /** Uniform [0, 1) for randomised response. Default: `crypto.getRandomValues` (not predictable by the receiver). */
  random?: () => number;
}

/** Checks the shop's epsilon: null (off) or a number in (0, 20]. */
export function validateEpsilon(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_EPSILON)
    throw new VitrineError('INVALID_REQUEST', `epsilon: must be a number > 0 and <= ${MAX_EPSILON}`, { field: 'epsilon' });
  return value;
}

function cryptoRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

export class ArmCounter {
  readonly #options: Required<Pick<ArmCounterOptions, 'fetch' | 'random'>> & ArmCounterOptions;
  #epsilon: number | null = null;
  #refused = false;
  /** Where batches go when not to the measurement endpoint (`banditCountsEndpoint`). */
  #countsEndpoint: string | null = null;
  /** `experiment \0 arm \0 segment` → the tally (names never hold NUL: they are checked). */
  #counts = new Map<string, ArmCount>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #post: StatisticsPost;

  constructor(options: ArmCounterOptions) {
    this.#options = { fetch: (...args) => fetch(...args), random: cryptoRandom, ...options };
    // text/plain: a simple request, so a receiver on another origin needs no preflight.
    this.#post = new StatisticsPost(this.#options.fetch, 'text/plain;charset=UTF-8');
  }

  /**
   * Sets randomised response (null: off). Counts collected under another setting are dropped unsent.
   * A refused value (not a number in (0, 20]) stops all counting until a valid one is set: a typo
   * must not send counts without the protection the shop asked for.
   */
  setEpsilon(epsilon: unknown): void {
    this.refuse();
    const next = validateEpsilon(epsilon);
    this.#refused = false;
    if (next !== this.#epsilon) this.discard();
    this.#epsilon = next;
  }

  /** Stops counting (and drops what is unsent) until the next valid `setEpsilon`: the shop's configuration was refused. */
  refuse(): void {
    this.#refused = true;
    this.discard();
  }

  /** Sends batches to `url` (absolute http(s), checked by the caller) instead of the measurement endpoint; null: to that one. */
  setCountsEndpoint(url: string | null): void {
    if (url !== this.#countsEndpoint) this.discard();
    this.#countsEndpoint = url;
  }

  get active(): boolean {
    return !this.#refused && this.#options.endpoint() !== null && this.#options.allowed();
  }

  /** One viewable impression of `arm` (the engine counts it once per session). */
  recordTrial(experiment: string, arm: string, segment: string): void {
    const count = this.#tally(experiment, arm, segment);
    if (count) count.trials += 1;
  }

  /** A success of `arm` with the shop's weight (the engine counts it once per trial); successes never exceed trials. */
  recordSuccess(experiment: string, arm: string, segment: string, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(weight)) return;
    const count = this.#tally(experiment, arm, segment);
    if (count) count.successes = Math.min(count.trials, count.successes + weight);
  }

  #tally(experiment: string, arm: string, segment: string): ArmCount | null {
    // Names the receiver would refuse are not counted (the engine checks the shop's names first).
    if (!this.active || !isName(experiment) || !isName(arm) || !isName(segment)) return null;
    const key = `${experiment}\0${arm}\0${segment}`;
    let count = this.#counts.get(key);
    if (!count) {
      if (this.#counts.size >= MAX_COUNTS_PER_BATCH) void this.flush();
      if (this.#counts.size === 0) this.#timer = setTimeout(() => void this.flush(), this.#options.intervalMs());
      count = { experiment, arm, segment, trials: 0, successes: 0 };
      this.#counts.set(key, count);
    }
    return count;
  }

  /** Forgets the unsent counts (measurement revoked, endpoint or epsilon changed). */
  discard(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#counts.clear();
  }

  /** The counts as they leave the device: with epsilon, each trial's success bit flipped. */
  #batch(): ArmCountBatch {
    const epsilon = this.#epsilon;
    const counts = [...this.#counts.values()].filter((count) => count.trials > 0);
    if (epsilon === null) return { v: 1, counts };
    const q = flipProbability(epsilon);
    const random = this.#options.random;
    return {
      v: 1,
      epsilon,
      counts: counts.map((count) => {
        const ones = Math.min(count.trials, Math.round(count.successes));
        let reported = 0;
        for (let trial = 0; trial < count.trials; trial++) if (trial < ones !== random() < q) reported += 1;
        return { ...count, successes: reported };
      }),
    };
  }

  /** Sends the open window now, if there is one and measurement is still active. */
  async flush(): Promise<void> {
    const endpoint = this.#countsEndpoint ?? this.#options.endpoint();
    if (!this.active || endpoint === null) return this.discard();
    const batch = this.#batch();
    this.discard();
    if (batch.counts.length === 0) return;
    await this.#post.send(endpoint, batch);
  }

  status(): ArmCountsStatus {
    let pending = 0;
    for (const count of this.#counts.values()) pending += count.trials;
    return {
      active: this.active,
      endpoint: this.active ? (this.#countsEndpoint ?? this.#options.endpoint()) : null,
      epsilon: this.#epsilon,
      pending,
      sent: this.#post.sent,
      failed: this.#post.failed,
      lastError: this.#post.lastError,
    };
  }
}
