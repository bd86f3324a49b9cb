/**
 * B11: a bundle checked against the hash the shop declares (`load(url, { integrity })`, SRI syntax).
 * A tampered file (one byte changed and the CRC re-sealed, so it decodes cleanly) fails with
 * BUNDLE_INTEGRITY_MISMATCH from the network, the cache or a buffer, and nothing from it is used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { fileChecksum } from '../../src/shared/bundle/reader.ts';
import { CACHE_NAME } from '../../src/worker/bundle-cache.ts';
import { vitrineRejection as rejection } from '../fixtures/rejection.ts';
import { enginesClosedAfterEach, makeEngineBundle } from './engine-fixture.ts';

const engine = enginesClosedAfterEach();
const FILE = `test/browser/served/integrity-${Date.now()}-${Math.floor(Math.random() * 1e6)}.vtb`;
const URL_PATH = `/${FILE}`;

function base64(bytes: ArrayBuffer | Uint8Array): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function sri(bytes: ArrayBuffer, algorithm: 'SHA-256' | 'SHA-384' = 'SHA-384'): Promise<string> {
  return `${algorithm.replace('-', '').toLowerCase()}-${base64(await crypto.subtle.digest(algorithm, bytes))}`;
}

/** The same bundle with one title byte changed and the CRC re-sealed: valid, but not the file the shop hashed. */
function tampered(bytes: ArrayBuffer): ArrayBuffer {
  const copy = new Uint8Array(bytes.slice(0));
  const at = new TextDecoder('latin1').decode(copy).indexOf('Product 7');
  copy[at + 'Product '.length] = '9'.charCodeAt(0);
  new DataView(copy.buffer).setUint32(20, fileChecksum(copy), true);
  return copy.buffer;
}

const original = makeEngineBundle({ rows: 40, seed: 5 }).bytes;
let integrity = '';

beforeAll(async () => {
  await caches.delete(CACHE_NAME);
  integrity = await sri(original);
});
afterAll(async () => {
  await commands.removeFile(FILE).catch(() => undefined);
  await caches.delete(CACHE_NAME);
});

describe('B11: bundle integrity (INTEGRITY_MISMATCH)', () => {
  it('should load a URL whose bytes match the declared sha384 or sha256 hash', async () => {
    await commands.writeFile(FILE, base64(original), 'base64');
    const vitrine = engine();
    const status = await vitrine.load(URL_PATH, { integrity });
    expect(status.state).toBe('ready');
    expect((await vitrine.load(URL_PATH, { integrity: await sri(original, 'SHA-256') })).state).toBe('ready');
    await caches.delete(CACHE_NAME);
  });

  it('should refuse a tampered file from the network with BUNDLE_INTEGRITY_MISMATCH, cache nothing, and keep the previous bundle', async () => {
    const vitrine = engine();
    const good = await vitrine.load(makeEngineBundle({ rows: 20, seed: 9 }).bytes);
    await commands.writeFile(FILE, base64(tampered(original)), 'base64');
    const error = await rejection(vitrine.load(URL_PATH, { integrity }));
    expect(error.code).toBe('BUNDLE_INTEGRITY_MISMATCH');
    expect(error.details.expected).toBe(integrity);
    expect(error.details.actual).toMatch(/^sha384-/);
    const status = await vitrine.status();
    expect(status.bundle?.contentHash).toBe(good.bundle!.contentHash);
    expect(await (await caches.open(CACHE_NAME)).match(new URL(URL_PATH, document.baseURI).href)).toBeUndefined();
    const titles = (await vitrine.recommend({ placement: 'trending', inStockOnly: false, limit: 20 })).items.map((i) => i.title);
    expect(titles.some((t) => t.startsWith('Product 9'))).toBe(true); // the previous bundle's own titles
  });

  it('should check a cached copy too: a tampered cache entry is dropped and the genuine file fetched', async () => {
    await commands.writeFile(FILE, base64(original), 'base64');
    const absolute = new URL(URL_PATH, document.baseURI).href;
    // Someone (an extension, a shared device) replaced the cached copy.
    await (await caches.open(CACHE_NAME)).put(absolute, new Response(tampered(original)));
    const vitrine = engine();
    const status = await vitrine.load(URL_PATH, { integrity });
    expect(status.bundle?.source).toBe('network');
    const reference = engine();
    expect(status.bundle?.contentHash).toBe((await reference.load(original.slice(0))).bundle!.contentHash);
    await caches.delete(CACHE_NAME);
  });

  it('should check bytes given directly, and refuse a malformed integrity with INVALID_REQUEST', async () => {
    const vitrine = engine();
    expect((await rejection(vitrine.load(tampered(original), { integrity }))).code).toBe('BUNDLE_INTEGRITY_MISMATCH');
    expect((await vitrine.status()).bundle).toBeNull();
    const error = await rejection(vitrine.load(original.slice(0), { integrity: 'md5-abc' }));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'integrity' } });
  });
});
