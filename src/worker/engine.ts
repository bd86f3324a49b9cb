/**
 * The engine's state: which loaded bundle answers queries, and how a new one replaces it.
 *
 * Invariants:
 * - `#current` changes in exactly one synchronous assignment, after the new bundle is completely
 *   loaded (decoded, validated, matrix copied into its own kernels instance). Queries are
 *   synchronous and read `#current` once, so no query ever mixes two bundles.
 * - During a reload, queries keep using the old bundle until the swap (they do not wait).
 *   With nothing loaded yet, they fail with `NOT_READY`.
 * - Loads (and background revalidations) run one at a time, in call order.
 * - A newer `load()` supersedes an older one still waiting or downloading, and `abortLoad()` (the
 *   page stopped waiting: deadline or abort) stops the latest: its download is aborted and it rejects
 *   with an `AbortError`, so a stalled download never holds the queue (RELIABILITY.md V13).
 * - A first visit (nothing cached) loads the bundle's head part first (`shop.head.vtb`, see
 *   docs/bundle-format.md) and resolves with it; the full bundle follows in the background and is
 *   swapped in like a revalidation. With Save-Data or a slow connection it waits for the visitor's
 *   first interaction; one larger than the load's `maxDownload` is never fetched.
 * - A returning visit (the full bundle cached) fetches the head part too, when the page names one:
 *   in before the cached copy has been read, and cut from it, it serves while the cached copy is
 *   decoded (after the page's first query) and swapped in the same way.
 */
import { decodeBundle } from '../shared/bundle/reader.ts';
import type { Bundle } from '../shared/bundle/types.ts';
import { isVitrineError, VitrineError } from '../shared/errors.ts';
import type { KernelImpl } from '../shared/kernels/types.ts';
import {
  normalizeOptions,
  normalizeRequest,
  normalizeRerank,
  type BundleStatus,
  type EngineState,
  type EngineStatus,
  type RecommendResult,
  type RerankResult,
} from '../shared/request.ts';
import type { HeadOf } from '../shared/bundle/types.ts';
import { deleteCached, fetchBundle, readCached, sameVersion, writeCached, type CachedBundle, type Validators } from './bundle-cache.ts';
import { classifyWasmError, kernelFactory, referenceFactory, type KernelFactory } from './kernel-loader.ts';
import { createLoadedBundle, statusOf, type LoadedBundle } from './loaded-bundle.ts';
import { loadPart } from './lazy-part.ts';
import { invalidRequest } from '../shared/validation.ts';
import * as ranking from './ranking.ts';
import type { VisitorTraits } from '../shared/visitor-traits.ts';
import { computeTraits } from './traits.ts';
import { NO_VISITOR, sessionStartOf, type VisitorInput } from './visitor.ts';

function errorSummary(error: unknown): { code: string; message: string } {
  if (isVitrineError(error)) return { code: error.code, message: error.message };
  return { code: 'WORKER_CRASHED', message: error instanceof Error ? error.message : String(error) };
}

/**
 * decodeBundle; a file older than version 4 (or with kind 12) needs the legacy reader, which few
 * shops' visitors ever download: loaded when the reader asks for it, then the file decoded again.
 */
async function decode(bytes: ArrayBuffer): Promise<Bundle> {
  try {
    return decodeBundle(bytes);
  } catch (error) {
    if (!isVitrineError(error) || !error.details.legacy) throw error;
    await loadPart('legacy bundle reader', () => import('../shared/bundle/legacy-reader.ts'));
    return decodeBundle(bytes);
  }
}

export class Engine {
  #current: LoadedBundle | null = null;
  #state: EngineState = 'idle';
  #lastError: { code: string; message: string } | null = null;
  #factory: KernelFactory | null = null;
  /** Tail of the load queue: each load/revalidation chains onto it. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Aborts the latest load (its download, or its wait for an older one) and its background revalidation. */
  #latest = new AbortController();
  readonly #getFactory: (signal: AbortSignal) => Promise<KernelFactory>;
  /** While a head part serves: the full bundle's size and why it is not here yet (`status().bundle.pending`). */
  #pending: BundleStatus['pending'];
  /** Settles when the full bundle after a head part is in, held back or failed (never rejects); null before any. */
  #rest: Promise<void> | null = null;
  /** Why the first visit that loaded `of` skipped the head part (shown while `of` serves). */
  #headSkipped: { of: LoadedBundle; why: BundleStatus['headSkipped'] } | undefined;
  /** Called by every query: a cached full bundle's decoding waits for the head part's first query (`#loadRest`). */
  #asked?: () => void;
  /** Resolves on the visitor's first interaction (`interacted()`): what Save-Data waits for. */
  #interacted!: () => void;
  readonly #interaction = new Promise<void>((resolve) => (this.#interacted = resolve));

  constructor(getFactory: (signal: AbortSignal) => Promise<KernelFactory> = kernelFactory) {
    this.#getFactory = getFactory;
  }

  /**
   * Loads a bundle from a URL (absolute: the page resolves it) or from bytes transferred in. With
   * `integrity` (SRI syntax, `sha384-…`), every copy is checked before use (`integrity.ts`). `head`:
   * the absolute URL of the bundle's head part, which a first visit loads first.
   */
  load(source: string | ArrayBuffer, integrity?: string, maxDownload?: number, head?: string): Promise<EngineStatus> {
    if (typeof source !== 'string' && !(source instanceof ArrayBuffer)) {
      return Promise.reject(invalidRequest('source', 'must be a URL string or an ArrayBuffer'));
    }
    if (maxDownload != null && !(maxDownload >= 0)) return Promise.reject(invalidRequest('maxDownload', 'must be a number of bytes >= 0'));
    this.abortLoad();
    const { signal } = (this.#latest = new AbortController());
    return this.#enqueue(async () => {
      signal.throwIfAborted();
      this.#state = 'loading';
      try {
        if (typeof source === 'string') await this.#loadUrl(source, signal, integrity, maxDownload, head);
        else await this.#swapIn(source, null, 'buffer', signal, integrity);
        this.#lastError = null;
      } catch (error) {
        // Cancelled, not failed: lastError keeps what it said.
        if (!signal.aborted) this.#lastError = errorSummary(error);
        throw error;
      } finally {
        this.#state = this.#current ? 'ready' : this.#lastError ? 'error' : 'idle';
      }
      return this.status();
    });
  }

  /** Stops the latest load: it rejects with an `AbortError`, and a URL's download is aborted. */
  abortLoad(): void {
    this.#latest.abort();
  }

  /** The visitor did something (an event other than a view or an impression): a download held for Save-Data may start. */
  interacted(): void {
    this.#interacted();
  }

  /**
   * Runs a query; one naming a product the serving head part lacks (`UNKNOWN_PRODUCT`) waits for
   * the full bundle when it is downloading or being read from the cache, then runs again on it.
   */
  async complete<T>(run: () => T): Promise<T> {
    this.#asked?.();
    try {
      return run();
    } catch (error) {
      const reason = this.#pending?.reason;
      if ((reason !== 'downloading' && reason !== 'cache') || !isVitrineError(error) || error.code !== 'UNKNOWN_PRODUCT') throw error;
      await this.#rest;
      return run();
    }
  }

  /** `visitor`: the visitor's events and affinities (the worker passes the profile's; tests their own). */
  similar(productId: unknown, options: unknown, visitor: VisitorInput = NO_VISITOR): RecommendResult {
    return this.#query((loaded) => {
      if (typeof productId !== 'string' || productId === '') {
        throw invalidRequest('productId', 'must be a non-empty string');
      }
      return ranking.similar(loaded, productId, normalizeOptions(options, 'options.'), visitor);
    });
  }

  recommend(request: unknown, visitor: VisitorInput = NO_VISITOR): RecommendResult {
    return this.#query((loaded) => ranking.recommend(loaded, normalizeRequest(request), visitor));
  }

  rerank(productIds: unknown, context: unknown, options?: unknown, visitor: VisitorInput = NO_VISITOR): RerankResult {
    return this.#query((loaded) => {
      const normalized = normalizeRerank(productIds, context, options);
      return ranking.rerank(loaded, normalized.ids, normalized.options, visitor);
    });
  }

  /**
   * Runs a query on the serving bundle. A kernel trap (WebAssembly `RuntimeError`, or an
   * AssemblyScript `abort`) fails this query with `KERNEL_TRAP`; the bundle is set up again on a
   * fresh kernels instance at once, since the trapped one's memory cannot be trusted.
   */
  #query<T>(run: (loaded: LoadedBundle) => T): T {
    const loaded = this.#ready();
    try {
      return run(loaded);
    } catch (error) {
      const trap = (error as Error)?.name == 'RuntimeError' || (isVitrineError(error) && error.code == 'KERNEL_TRAP');
      const renew = loaded.kernels.renew;
      if (!trap || !renew) throw error;
      if (this.#current === loaded) {
        this.#current = createLoadedBundle(loaded.bundle, renew(), loaded);
        void this.#current.warm(() => this.#current?.bundle === loaded.bundle);
      }
      throw isVitrineError(error) ? error : new VitrineError('KERNEL_TRAP', `the scoring kernels failed: ${(error as Error).message}`);
    }
  }

  /** Intent and buyer type of the visitor, with the evidence (needs a bundle for prices and brands). */
  traits(visitor: VisitorInput): VisitorTraits {
    const loaded = this.#ready();
    return computeTraits(loaded.indexes, visitor.events.slice(sessionStartOf(visitor.events, visitor.now)), visitor.events);
  }

  /** The bundle now answering queries, or null (the profile store reads titles and features from it). */
  get bundle(): Bundle | null {
    return this.#current?.bundle ?? null;
  }

  status(): EngineStatus {
    const current = this.#current;
    return {
      state: this.#state,
      bundle: current && {
        ...statusOf(current),
        pending: current.head ? this.#pending : undefined,
        headSkipped: this.#headSkipped?.of === current ? this.#headSkipped.why : undefined,
      },
      kernels: (this.#current?.kernels.impl ?? this.#factory?.impl ?? null) as KernelImpl | null,
      kernelsFallback: this.#factory?.fallback ? errorSummary(this.#factory.fallback) : null,
      lastError: this.#lastError,
    };
  }

  #ready(): LoadedBundle {
    const loaded = this.#current;
    if (!loaded) throw new VitrineError('NOT_READY', `no bundle loaded yet (engine is ${this.#state})`, { state: this.#state });
    return loaded;
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Cache first (then revalidate in the background), else the network. */
  async #loadUrl(url: string, signal: AbortSignal, integrity?: string, maxDownload?: number, headUrl?: string): Promise<void> {
    this.#pending = undefined;
    const cached = await readCached(url);
    const current = this.#current;
    if (cached && current?.url === url && cached.contentHash === current.bundle.contentHash && !integrity) {
      // Already serving this exact bundle: only ask the server whether it changed. (With a
      // declared hash the cached copy is checked against it below, whatever was served before.)
      void this.#revalidate(url, cached.validators, current.bundle.contentHash, signal, integrity);
      return;
    }
    // The head part first when the page names one, unless it declared the full bundle's hash (the head
    // cannot be checked against it). Named, not guessed: a guess at a shop without head part would
    // cost a 404, and a console error, on every first visit.
    const head = headUrl && integrity === undefined ? this.#fetchHead(headUrl, signal, cached?.contentHash) : undefined;
    if (cached) {
      // A returning visitor: the head part cut from the cached bundle races the cached bundle's read,
      // and serves while that is decoded (seconds for a large one); a small one, or a slow network, wins.
      const early =
        head &&
        (await Promise.race([
          head,
          cached.bytes.then(
            () => undefined,
            () => undefined,
          ),
        ]));
      if (early instanceof ArrayBuffer) {
        return this.#loadRest(url, early, signal, maxDownload, cached);
      }
      try {
        const loaded = await this.#swapIn(await cached.bytes, url, 'cache', signal, integrity);
        void this.#revalidate(url, cached.validators, loaded.bundle.contentHash, signal, integrity);
        return;
      } catch (error) {
        // A cached copy that no longer decodes (e.g. written by an older reader) is dropped.
        if (!isVitrineError(error) || !error.code.startsWith('BUNDLE_')) throw error;
        await deleteCached(url);
      }
    }
    const headBytes = await head;
    if (headBytes instanceof ArrayBuffer) {
      return this.#loadRest(url, headBytes, signal, maxDownload);
    }
    const loaded = await this.#loadFull(url, signal, integrity);
    if (headBytes) this.#headSkipped = { of: loaded, why: headBytes };
  }

  async #loadFull(url: string, signal: AbortSignal, integrity?: string): Promise<LoadedBundle> {
    const fetched = await fetchBundle(url, signal);
    const bytes = fetched.bytes;
    // Decode before caching: corrupt bytes must never reach the cache.
    const loaded = await this.#swapIn(bytes, url, 'network', signal, integrity);
    await writeCached(url, bytes, loaded.bundle.contentHash, fetched.validators);
    return loaded;
  }

  /**
   * Fetches `headUrl` (not cached by us: the HTTP cache keeps it) and checks that it is a head part;
   * its bytes, or undefined when it belongs to another bundle than `of` (the cached one's content
   * hash, when there is one). A missing or unusable one is no failure: the full bundle loads
   * instead, and the error returned here (`status().bundle.headSkipped`) says why.
   */
  async #fetchHead(headUrl: string, signal: AbortSignal, of?: string | null): Promise<ArrayBuffer | BundleStatus['headSkipped']> {
    // The kernels download alongside the head part, not after it (the factory is kept: the swap reuses it).
    if (!this.#factory) this.#getFactory(signal).catch(() => undefined);
    try {
      const { bytes } = await fetchBundle(headUrl, signal);
      const full = (await decode(bytes)).meta.head;
      if (!full) throw new VitrineError('BUNDLE_SECTION_MALFORMED', `${headUrl} is a bundle, not a head part (meta.head missing)`);
      return of === undefined || full.contentHash === of ? bytes : undefined;
    } catch (error) {
      signal.throwIfAborted();
      return errorSummary(error);
    }
  }

  /**
   * Swaps the head part in, then the full bundle in the background (through the load queue, if the
   * head part still serves): a returning visitor's `cached` copy, read and decoded after the page's
   * first query, then revalidated; else, or when the cached copy no longer decodes (it is dropped),
   * the download (its own chunk: `rest-download.ts`).
   */
  async #loadRest(url: string, headBytes: ArrayBuffer, signal: AbortSignal, maxDownload?: number, cached?: CachedBundle): Promise<void> {
    const head = await this.#swapIn(headBytes, url, 'network', signal);
    const pending: NonNullable<BundleStatus['pending']> = (this.#pending = {
      bytes: (head.bundle.meta.head as HeadOf).bytes,
      reason: cached ? 'cache' : 'downloading',
    });
    // Decoding a large bundle holds the worker for seconds: the page's first widgets ask the head part
    // first (a moment after the first query, or after 2 s without any).
    const asked = new Promise((resolve) => {
      this.#asked = () => void setTimeout(resolve, 50);
      setTimeout(resolve, 2e3);
    });
    const swap = (bytes: ArrayBuffer, source: BundleStatus['source']) =>
      this.#enqueue(async () => (this.#current === head ? this.#swapIn(bytes, url, source, signal) : null));
    const download = () => {
      pending.reason = 'downloading';
      return loadPart('background download', () => import('./rest-download.ts')).then((part) =>
        part.downloadRest({ url, signal, maxDownload, pending, interaction: this.#interaction, swap: (bytes) => swap(bytes, 'network') }),
      );
    };
    this.#rest = (
      cached
        ? Promise.all([cached.bytes, asked])
            .then(([bytes]) => swap(bytes, 'cache'))
            .then(
              (loaded) => void (loaded && this.#revalidate(url, cached.validators, loaded.bundle.contentHash, signal)),
              async (error: unknown) => {
                if (!isVitrineError(error) || !error.code.startsWith('BUNDLE_')) throw error;
                await deleteCached(url);
                return download();
              },
            )
        : download()
    ).catch((error: unknown) => {
      if (signal.aborted) return;
      this.#pending = { ...pending, reason: 'failed' };
      this.#lastError = errorSummary(error);
      console.warn('Vitrine: the head part keeps serving:', this.#lastError.message);
    });
  }

  /**
   * Asks the server whether the cached bundle changed; swaps a changed one in (through the load
   * queue, so it is ordered with explicit loads) unless another bundle was loaded meanwhile.
   * Failures are recorded in `lastError` and warned on the console; the cached version keeps serving.
   */
  #revalidate(url: string, validators: Validators, contentHash: string, signal: AbortSignal, integrity?: string): Promise<void> {
    const work = async (): Promise<void> => {
      const fetched = await fetchBundle(url, signal, true);
      if (sameVersion(fetched.validators, validators)) return; // the server's 304, or the same file again
      const bytes = fetched.bytes;
      const serving = await this.#enqueue(async () => {
        const current = this.#current;
        if (current?.url !== url || current.bundle.contentHash !== contentHash) return null;
        return this.#swapIn(bytes, url, 'network', signal, integrity, contentHash);
      });
      // Also when unchanged: the entry gets the server's new validators.
      if (serving) await writeCached(url, bytes, serving.bundle.contentHash, fetched.validators);
    };
    return work().catch((error: unknown) => {
      if (signal.aborted) return;
      this.#lastError = errorSummary(error);
      // No caller waits for a revalidation: say it where the shop's developer looks.
      console.warn('Vitrine: the cached bundle keeps serving:', this.#lastError.message);
    });
  }

  /**
   * Decodes, loads the bundle completely, then swaps it in with one assignment. With
   * `unlessHash`, a bundle whose content hash equals it is not swapped (nothing changed). An abort
   * before the swap leaves the serving bundle as it was.
   */
  async #swapIn(
    bytes: ArrayBuffer,
    url: string | null,
    source: BundleStatus['source'],
    signal: AbortSignal,
    integrity?: string,
    unlessHash?: string,
  ): Promise<LoadedBundle> {
    const startedAt = performance.now();
    if (integrity !== undefined) await (await loadPart('integrity check', () => import('./integrity.ts'))).checkIntegrity(bytes, integrity);
    const bundle = await decode(bytes);
    if (unlessHash !== undefined && bundle.contentHash === unlessHash) return this.#current!;
    this.#factory ??= await this.#getFactory(signal);
    let kernels;
    try {
      kernels = await this.#factory.create();
    } catch (error) {
      // Instantiation can be refused even after compiling worked (CSP, memory): use the reference.
      this.#factory = referenceFactory(classifyWasmError(error, this.#factory.impl));
      kernels = await this.#factory.create();
    }
    signal.throwIfAborted();
    const loaded = createLoadedBundle(bundle, kernels, { url, source, startedAt });
    this.#current = loaded;
    // Build the bundle's indexes right after the load, one per task between messages, instead of
    // inside the first request that needs them (hundreds of ms on 100k products).
    void loaded.warm(() => this.#current === loaded);
    return loaded;
  }
}
