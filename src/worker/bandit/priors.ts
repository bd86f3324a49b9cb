/**
 * Where each arm's Beta prior comes from, most specific first: the priors file
 * (`data-bandit-priors`, folded from many visitors' arm counts by `vitrine bandit fold`), then the
 * bundle's `banditPriors` section (segment `'all'` only), then flat Beta(1, 1). The file replaces
 * the bundle's priors per experiment: an experiment the file names takes none of the bundle's.
 *
 * The file is fetched like the bundle: the Cache Storage copy applies at once and is revalidated
 * through the browser's HTTP cache (its own conditional request: ETag / Last-Modified). A file
 * that cannot be fetched or fails validation changes nothing: the previous priors (or the
 * bundle's, or flat ones) stay in use and `status().lastError` says why.
 */
import { isVitrineError, VitrineError } from '../../shared/errors.ts';
import { ALL_VISITORS, type ArmPrior, type PriorsFile } from '../../shared/bandit/counts.ts';
import { parsePriorsFile, validateArms } from '../../shared/bandit/priors-file.ts';
import type { PriorsStatus } from '../../shared/bandit/learning-status.ts';
import { ANONYMOUS_FETCH, sameVersion, validatorsOf } from '../bundle-cache.ts';

/** Cache Storage bucket of priors files (apart from bundles: a different entry shape). */
export const PRIORS_CACHE = 'vitrine-priors-v1';

const FLAT: ArmPrior = { alpha: 1, beta: 1 };

type Arms = Record<string, ArmPrior>;

async function openCache(url: string): Promise<Cache | null> {
  if (typeof caches === 'undefined' || !/^https?:/.test(url)) return null;
  return caches.open(PRIORS_CACHE).catch(() => null); // storage refused: network only
}

function failure(error: unknown): PriorsStatus['lastError'] {
  if (isVitrineError(error))
    return { code: error.code, message: error.message, ...(error.details.field && { field: error.details.field }) };
  return { code: 'PRIORS_FETCH_FAILED', message: String(error) };
}

export class PriorsBook {
  #bundle = new Map<string, Arms>();
  #file: PriorsFile | null = null;
  #url: string | null = null;
  #source: PriorsStatus['source'] = null;
  #lastError: PriorsStatus['lastError'] = null;
  /** Bumped by every `setFileUrl`: a slow answer for an older URL is dropped. */
  #generation = 0;

  /** The loaded bundle's `banditPriors` (segment `'all'`); null when it has none. A malformed experiment is skipped and reported. */
  setBundlePriors(priors: unknown): void {
    this.#bundle.clear();
    if (priors === null || priors === undefined) return;
    if (typeof priors != 'object' || Array.isArray(priors)) {
      this.#lastError = failure(
        new VitrineError('PRIORS_INVALID', 'banditPriors: must be an object of experiments', { field: 'banditPriors' }),
      );
      return;
    }
    for (const [experiment, arms] of Object.entries(priors)) {
      try {
        this.#bundle.set(experiment, validateArms(arms, `banditPriors.${experiment}`));
      } catch (error) {
        this.#lastError = failure(error);
      }
    }
  }

  /** The prior of `arm` in `experiment` for visitors of `segment` (an unknown segment falls back to `'all'`). */
  prior(experiment: string, segment: string, arm: string): ArmPrior {
    const fromFile = this.#file?.experiments[experiment];
    const arms = fromFile ? (fromFile[segment] ?? fromFile[ALL_VISITORS]) : this.#bundle.get(experiment);
    const found = arms && Object.hasOwn(arms, arm) ? arms[arm]! : FLAT;
    return { alpha: found.alpha, beta: found.beta };
  }

  /** Settles once the file set last is usable: its cached copy applied, or the network answered (or failed). */
  #ready: Promise<void> = Promise.resolve();

  /**
   * Resolves once the priors file set last is in use: at once from Cache Storage when it holds a
   * copy (the revalidation goes on), else when the network answered or failed. A choice made after
   * it uses the shop's priors, not flat ones that happened to come first.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Uses the priors file at `url` (absolute http(s)), or none with `null`; resolves once fetched or failed (see status). */
  async setFileUrl(url: string | null): Promise<void> {
    let settle!: () => void;
    this.#ready = new Promise<void>((done) => (settle = done));
    try {
      await this.#useFile(url, settle);
    } finally {
      settle();
    }
  }

  async #useFile(url: string | null, inUse: () => void): Promise<void> {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    if (url !== this.#url) {
      this.#file = null;
      this.#source = null;
    }
    this.#url = url;
    this.#lastError = null;
    if (url === null) return;
    // The same file again (a repeated configuration): the copy in memory stays in use meanwhile.
    if (this.#file) inUse();
    const cache = await openCache(url);
    let cached = await cache?.match(url).catch(() => undefined);
    if (cached && current() && !this.#file) {
      try {
        this.#file = parsePriorsFile(await cached.clone().text());
        this.#source = 'cache';
        inUse();
      } catch {
        // A cached copy that no longer validates is dropped, and not kept for an unchanged file.
        await cache?.delete(url).catch(() => undefined);
        cached = undefined;
      }
    }
    try {
      // `no-cache`: the browser's HTTP cache asks the server itself (its own If-None-Match; a 304
      // comes back as its stored 200). No header of ours, so no CORS preflight: a CDN that sends
      // only Access-Control-Allow-Origin answers.
      const response = await fetch(url, { ...ANONYMOUS_FETCH, cache: 'no-cache' }).catch((error: unknown) => {
        throw new VitrineError('PRIORS_FETCH_FAILED', `could not fetch ${url}: ${String(error)}`, { url });
      });
      if (!current()) return;
      if (!response.ok)
        throw new VitrineError('PRIORS_FETCH_FAILED', `${url} answered HTTP ${response.status}`, { url, status: response.status });
      if (cached && this.#file && sameVersion(validatorsOf(cached), validatorsOf(response))) return;
      const text = await response.text();
      const file = parsePriorsFile(text);
      if (!current()) return;
      this.#file = file;
      this.#source = 'network';
      inUse();
      const stored = new Headers({ 'content-type': 'application/json' });
      for (const name of ['etag', 'last-modified']) if (response.headers.has(name)) stored.set(name, response.headers.get(name)!);
      await cache?.put(url, new Response(text, { headers: stored })).catch(() => undefined);
    } catch (error) {
      if (current()) this.#lastError = failure(error);
    }
  }

  status(): PriorsStatus {
    return {
      url: this.#url,
      updatedAt: this.#file?.updatedAt ?? null,
      source: this.#source,
      experiments: this.#file ? Object.keys(this.#file.experiments).length : 0,
      lastError: this.#lastError,
    };
  }
}
