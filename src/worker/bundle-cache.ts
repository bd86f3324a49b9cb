/**
 * Bundle bytes by URL: the network once, then Cache Storage. The cached response keeps the
 * server's validators (ETag, Last-Modified) and the decoded content hash, so a later load can
 * start from the cached copy at once and revalidate in the background.
 *
 * Cache Storage is an optimisation: where it is missing (opaque origins, non-http URLs such as
 * `blob:`) or fails (quota, private mode), loads simply go to the network.
 */
import { VitrineError } from '../shared/errors.ts';

/** Cache Storage bucket; bump the suffix if the stored entry's shape changes. */
export const CACHE_NAME = 'vitrine-bundles-v1';
/** Header of a cached entry holding the decoded bundle's content hash. */
export const CONTENT_HASH_HEADER = 'x-vitrine-content-hash';

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface CachedBundle {
  /** The body, being read (a large one takes a while: its head part may serve meanwhile). */
  bytes: Promise<ArrayBuffer>;
  contentHash: string | null;
  validators: Validators;
}

async function openCache(url: string): Promise<Cache | null> {
  if (typeof caches === 'undefined' || !/^https?:/.test(url)) return null;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // storage refused: behave as if there were no cache
  }
}

export function validatorsOf(response: Response): Validators {
  return { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
}

export async function readCached(url: string): Promise<CachedBundle | null> {
  const cache = await openCache(url);
  const response = await cache?.match(url).catch(() => undefined);
  if (!response) return null;
  return {
    bytes: response.arrayBuffer(),
    contentHash: response.headers.get(CONTENT_HASH_HEADER),
    validators: validatorsOf(response),
  };
}

/** Stores a validated bundle (the caller decoded it first: corrupt bytes are never cached). */
export async function writeCached(url: string, bytes: ArrayBuffer, contentHash: string, validators: Validators): Promise<void> {
  const cache = await openCache(url);
  if (!cache) return;
  const headers = new Headers({ 'content-type': 'application/octet-stream', [CONTENT_HASH_HEADER]: contentHash });
  if (validators.etag) headers.set('etag', validators.etag);
  if (validators.lastModified) headers.set('last-modified', validators.lastModified);
  // The Response copies `bytes`, so the engine may keep using (or transfer) its own buffer.
  await cache.put(url, new Response(bytes, { headers })).catch(() => undefined);
}

export async function deleteCached(url: string): Promise<void> {
  const cache = await openCache(url);
  await cache?.delete(url).catch(() => undefined);
}

export interface Fetched {
  bytes: ArrayBuffer;
  validators: Validators;
}

/** True when both name the same version of the file: the same ETag and Last-Modified, at least one of them present. */
export function sameVersion(a: Validators, b: Validators): boolean {
  return (a.etag ?? a.lastModified) !== null && a.etag === b.etag && a.lastModified === b.lastModified;
}

/**
 * Vitrine's own fetches carry nothing about the visitor: no cookies (not even the shop's own
 * same-origin ones) and no referrer (which would name the page being viewed).
 */
export const ANONYMOUS_FETCH: RequestInit = { credentials: 'omit', referrerPolicy: 'no-referrer' };

/**
 * GETs the bundle until `signal` aborts it (then it rejects with the signal's reason). `revalidate`
 * asks the server, not a cached copy, for the current version: in `no-cache` mode the browser's
 * HTTP cache sends its own conditional request (and turns a 304 into its stored 200). No header of
 * ours, so the request stays CORS-simple: a CDN that sends only `Access-Control-Allow-Origin`
 * answers it, with no preflight (If-None-Match set by hand needs one, and such CDNs refuse it).
 */
export async function fetchBundle(url: string, signal: AbortSignal, revalidate = false): Promise<Fetched> {
  const init: RequestInit = { ...ANONYMOUS_FETCH, signal, cache: revalidate ? 'no-cache' : 'default' };
  let response: Response;
  try {
    // The signal also aborts reading the body: a download that stalls after its headers stops too.
    response = await fetch(url, init);
  } catch (error) {
    signal.throwIfAborted();
    // On another origin, name CORS when that is the cause (its own chunk: only such failures load it).
    const cors =
      new URL(url).origin !== self.origin &&
      (await import('./cors-check.ts').then(
        (part) => part.corsError(url, init),
        () => null,
      ));
    throw cors || new VitrineError('BUNDLE_FETCH_FAILED', `could not fetch ${url}: ${String(error)}`, { url });
  }
  if (!response.ok) {
    throw new VitrineError('BUNDLE_FETCH_FAILED', `${url} answered HTTP ${response.status}`, { url, status: response.status });
  }
  return { bytes: await response.arrayBuffer(), validators: validatorsOf(response) };
}
