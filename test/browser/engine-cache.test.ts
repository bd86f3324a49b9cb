/**
 * URL loads against files served by the test server (written through vitest's `commands`), so
 * the test controls what the network has: remove the file to prove a load needed no network,
 * replace it to prove background revalidation swaps the new version in.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { createVitrine, type Vitrine } from '../../src/index.ts';
import { CACHE_NAME, CONTENT_HASH_HEADER } from '../../src/worker/bundle-cache.ts';
import { makeEngineBundle } from './engine-fixture.ts';

/** Served path, relative to the project root; `*.vtb` is gitignored. */
const FILE = `test/browser/served/cache-${Date.now()}-${Math.floor(Math.random() * 1e6)}.vtb`;
const URL_PATH = `/${FILE}`;
const ABSOLUTE = new URL(URL_PATH, document.baseURI).href;

function base64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function serve(bytes: ArrayBuffer): Promise<void> {
  await commands.writeFile(FILE, base64(bytes), 'base64');
}

async function cachedHash(): Promise<string | null> {
  const response = await (await caches.open(CACHE_NAME)).match(ABSOLUTE);
  return response?.headers.get(CONTENT_HASH_HEADER) ?? null;
}

const engines: Vitrine[] = [];
function engine(): Vitrine {
  const vitrine = createVitrine();
  engines.push(vitrine);
  return vitrine;
}

let hashA = '';
let hashB = '';

beforeAll(async () => {
  await caches.delete(CACHE_NAME);
  // Hashes computed independently by loading the bytes directly.
  for (const [seed, set] of [
    [31, (h: string) => (hashA = h)],
    [32, (h: string) => (hashB = h)],
  ] as const) {
    const probe = createVitrine();
    set((await probe.load(makeEngineBundle({ rows: 60, seed }).bytes)).bundle!.contentHash);
    probe.close();
  }
  expect(hashA).not.toBe(hashB);
});

afterAll(async () => {
  for (const vitrine of engines) vitrine.close();
  await commands.removeFile(FILE).catch(() => undefined);
  await caches.delete(CACHE_NAME);
});

describe('engine bundle cache', () => {
  it('should fetch a URL once, resolving it against the page, and store it with its content hash', async () => {
    await serve(makeEngineBundle({ rows: 60, seed: 31 }).bytes);
    const vitrine = engine();
    const status = await vitrine.load(URL_PATH);
    expect(status.bundle).toMatchObject({ url: ABSOLUTE, source: 'network', contentHash: hashA });
    expect(await cachedHash()).toBe(hashA);
    // Loading the bundle it already serves keeps that version (same load measurement: not decoded again).
    const again = await vitrine.load(URL_PATH);
    expect(again.bundle).toEqual(status.bundle);
  });

  it('should load from the cache without the network (the file is gone) and keep serving when revalidation fails', async () => {
    await commands.removeFile(FILE);
    const vitrine = engine();
    const status = await vitrine.load(URL_PATH);
    expect(status.bundle).toMatchObject({ source: 'cache', contentHash: hashA });
    const result = await vitrine.recommend({ placement: 'trending', limit: 3 });
    expect(result.bundleVersion).toBe(hashA);
    // The background revalidation got a 404: recorded, but the cached version stays.
    await vi.waitFor(async () => expect((await vitrine.status()).lastError?.code).toBe('BUNDLE_FETCH_FAILED'), { timeout: 5000 });
    expect((await vitrine.status()).bundle?.contentHash).toBe(hashA);
  });

  it('should swap in a changed bundle found by background revalidation, and update the cache', async () => {
    await serve(makeEngineBundle({ rows: 60, seed: 32 }).bytes);
    const vitrine = engine();
    const first = await vitrine.load(URL_PATH);
    expect(first.bundle).toMatchObject({ source: 'cache', contentHash: hashA });
    await vi.waitFor(async () => expect((await vitrine.status()).bundle?.contentHash).toBe(hashB), { timeout: 5000 });
    const status = await vitrine.status();
    expect(status.bundle?.source).toBe('network');
    expect(status.state).toBe('ready');
    expect((await vitrine.recommend({ placement: 'trending' })).bundleVersion).toBe(hashB);
    await vi.waitFor(async () => expect(await cachedHash()).toBe(hashB), { timeout: 5000 });
  });

  it('should keep the cached bundle when the server says it is unchanged', async () => {
    const vitrine = engine();
    const status = await vitrine.load(URL_PATH);
    expect(status.bundle).toMatchObject({ source: 'cache', contentHash: hashB });
    // Give revalidation time to finish; nothing may change and nothing may fail.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await vitrine.status();
    expect(after.bundle).toMatchObject({ source: 'cache', contentHash: hashB });
    expect(after.lastError).toBeNull();
  });

  it('should drop a corrupted cache entry and fetch the bundle again', async () => {
    const cache = await caches.open(CACHE_NAME);
    await cache.put(ABSOLUTE, new Response(new Uint8Array([1, 2, 3]), { headers: { [CONTENT_HASH_HEADER]: 'deadbeef' } }));
    const status = await engine().load(URL_PATH);
    expect(status.bundle).toMatchObject({ source: 'network', contentHash: hashB });
    expect(await cachedHash()).toBe(hashB);
  });
});
