import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { fileChecksum } from '../../src/shared/bundle/reader.ts';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { FORMAT_VERSION } from '../../src/shared/bundle/format.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { enginesClosedAfterEach, makeEngineBundle } from './engine-fixture.ts';
import { vitrineRejection as rejection } from '../fixtures/rejection.ts';

const engine = enginesClosedAfterEach();

describe('engine load (through the real worker)', () => {
  it('should answer NOT_READY before any bundle is loaded', async () => {
    const vitrine = engine();
    const error = await rejection(vitrine.recommend({ placement: 'trending' }));
    expect(error.code).toBe('NOT_READY');
    expect((await vitrine.status()).state).toBe('idle');
  });

  it("should load a version-1 bundle (a returning visitor's cached copy) and answer from its graphs", async () => {
    const { input, bytes } = makeEngineBundle({ rows: 50, dim: 8, layout: 'blocks' });
    const v1 = new Uint8Array(bytes);
    const header = new DataView(bytes);
    header.setUint16(8, 1, true);
    header.setUint32(20, fileChecksum(v1), true);
    const vitrine = engine();
    const status = await vitrine.load(bytes);
    expect(status.bundle).toMatchObject({ products: 50, formatVersion: 1 });
    const row = Array.from({ length: 50 }, (_, r) => r).find((r) => input.covisitation.offsets[r + 1]! > input.covisitation.offsets[r]!)!;
    const result = await vitrine.recommend({ placement: 'similar', product: input.products[row]!.id, limit: 10 });
    expect(result.items.length).toBeGreaterThan(0);
  });

  it('should load a version-3 bundle (fixed layout, through the legacy reader chunk) and answer as its version-4 twin does', async () => {
    const lists: string[][] = [];
    for (const layout of ['blocks', 'columns'] as const) {
      const { input, bytes } = makeEngineBundle({ rows: 60, dim: 8, graphs: 'packed', layout });
      const vitrine = engine();
      const status = await vitrine.load(bytes);
      expect(status.bundle).toMatchObject({ products: 60, formatVersion: layout === 'blocks' ? 3 : FORMAT_VERSION });
      const result = await vitrine.recommend({ placement: 'similar', product: input.products[5]!.id, limit: 8 });
      lists.push(result.items.map((item) => `${item.productId} ${item.title} ${item.price}`));
    }
    expect(lists[0]!.length).toBeGreaterThan(0);
    expect(lists[0]).toEqual(lists[1]);
  });

  it('should load a product-quantised bundle (format 3) as int8 rows and rank `similar` as the int8 bundle of the same rows does', async () => {
    const rows = 120;
    const dim = 8;
    const subspaces = 4;
    const width = dim / subspaces;
    const { input } = makeEngineBundle({ rows, dim, graphs: 'packed' });
    const f32 = input.embeddings as { data: Float32Array };
    // One centroid per row (rows <= 256): centroid r of run m is row r's run m, so the rows decode to themselves, in int8.
    const codebook = new Float32Array(256 * dim);
    for (let m = 0; m < subspaces; m++)
      for (let r = 0; r < rows; r++) codebook.set(f32.data.subarray(r * dim + m * width, r * dim + (m + 1) * width), (m * 256 + r) * width);
    const codes = Uint8Array.from({ length: rows * subspaces }, (_, i) => Math.floor(i / subspaces));
    const meta = { ...input.meta, dtype: 'i8' as const };
    const pq = encodeBundle({ ...input, meta, embeddings: { dtype: 'pq', rows, dim, subspaces, codebook, codes } });
    const i8 = encodeBundle({ ...input, meta, embeddings: quantizeInt8({ dtype: 'f32', rows, dim, data: f32.data }) });
    const lists: string[][] = [];
    for (const bytes of [pq, i8]) {
      const vitrine = engine();
      const status = await vitrine.load(bytes.buffer as ArrayBuffer);
      expect(status.bundle).toMatchObject({ products: rows, dim, dtype: 'i8', formatVersion: FORMAT_VERSION });
      const result = await vitrine.recommend({ placement: 'similar', product: input.products[7]!.id, limit: 8 });
      lists.push(result.items.map((item) => item.productId));
    }
    expect(lists[0]!.length).toBeGreaterThan(0);
    expect(lists[0]).toEqual(lists[1]);
  });

  it('W13: should answer NOT_READY (state loading) to queries made while the first bundle loads', async () => {
    const vitrine = engine();
    const loading = vitrine.load(makeEngineBundle({ rows: 2000, dim: 32 }).bytes);
    const early = await rejection(vitrine.recommend({ placement: 'trending' }));
    expect(early.code).toBe('NOT_READY');
    expect(early.details.state).toBe('loading');
    await loading;
    expect((await vitrine.recommend({ placement: 'trending' })).items.length).toBeGreaterThan(0);
  });

  it('W12: should transfer the ArrayBuffer (detached on the page) and report the bundle', async () => {
    const { input, bytes } = makeEngineBundle({ rows: 50, dim: 8, graphs: 'packed' });
    const size = bytes.byteLength;
    const status = await engine().load(bytes);
    expect(bytes.byteLength).toBe(0); // transferred, not copied
    expect(size).toBeGreaterThan(0);
    expect(status.state).toBe('ready');
    expect(status.bundle).toMatchObject({ url: null, source: 'buffer', products: 50, dim: 8, dtype: 'f32', formatVersion: FORMAT_VERSION });
    expect(status.bundle!.contentHash).toMatch(/^[0-9a-f]{8}$/);
    expect(status.bundle!.loadMs).toBeGreaterThan(0);
    expect(status.lastError).toBeNull();
    // Chromium has WASM SIMD: the fast kernels must be the ones in use.
    expect(status.kernels).toBe('wasm-simd');
    expect(status.kernelsFallback).toBeNull();
    expect(input.products).toHaveLength(50);
  });

  it('should reject a corrupted bundle with its bundle code and details across the boundary', async () => {
    const { bytes } = makeEngineBundle({ rows: 30 });
    const corrupt = new Uint8Array(bytes);
    corrupt[corrupt.length - 5]! ^= 0xff; // a payload byte: only the checksum notices
    const vitrine = engine();
    const error = await rejection(vitrine.load(corrupt.buffer));
    expect(error.code).toBe('BUNDLE_CHECKSUM_MISMATCH');
    expect(error.details).toHaveProperty('offset');
    const status = await vitrine.status();
    expect(status.state).toBe('error');
    expect(status.lastError?.code).toBe('BUNDLE_CHECKSUM_MISMATCH');
  });

  it('B1: should reject a truncated bundle with BUNDLE_TRUNCATED (or a section range error)', async () => {
    const { bytes } = makeEngineBundle({ rows: 30 });
    const error = await rejection(engine().load(bytes.slice(0, Math.floor(bytes.byteLength / 2))));
    expect(error.code).toMatch(/^BUNDLE_(TRUNCATED|SECTION_OUT_OF_RANGE)$/);
  });

  it('B1: should keep serving the previous bundle when a reload fails', async () => {
    const vitrine = engine();
    const good = await vitrine.load(makeEngineBundle({ rows: 20 }).bytes);
    await rejection(vitrine.load(new Uint8Array([1, 2, 3, 4]).buffer));
    const status = await vitrine.status();
    expect(status.state).toBe('ready');
    expect(status.bundle?.contentHash).toBe(good.bundle!.contentHash);
    expect(status.lastError?.code).toBe('BUNDLE_TRUNCATED');
    const result = await vitrine.recommend({ placement: 'trending', inStockOnly: false });
    expect(result.bundleVersion).toBe(good.bundle!.contentHash);
  });

  it('B10: should fail a URL that does not answer with BUNDLE_FETCH_FAILED and the status', async () => {
    const error = await rejection(engine().load(`/test/browser/no-such-bundle-${Date.now()}.vtb`));
    expect(error.code).toBe('BUNDLE_FETCH_FAILED');
    expect(error.details.status).toBe(404);
  });

  it('B10: should refuse an HTML page served with 200 as BUNDLE_BAD_MAGIC and keep the previous bundle', async () => {
    const file = `test/browser/served/not-a-bundle-${Date.now()}.html`;
    await commands.writeFile(file, '<!doctype html><title>Page not found</title><p>Sorry.</p>');
    try {
      const vitrine = engine();
      const good = await vitrine.load(makeEngineBundle({ rows: 20 }).bytes);
      const error = await rejection(vitrine.load(`/${file}`));
      expect(error.code).toBe('BUNDLE_BAD_MAGIC');
      expect((await vitrine.status()).bundle?.contentHash).toBe(good.bundle!.contentHash);
    } finally {
      await commands.removeFile(file).catch(() => undefined);
    }
  });

  it('should accept an AbortSignal next to the options (not sent to the worker) and honour it', async () => {
    const vitrine = engine();
    await vitrine.load(makeEngineBundle({ rows: 20 }).bytes);
    const controller = new AbortController();
    const result = await vitrine.similar('sku-1', { limit: 2, signal: controller.signal, timeoutMs: 5_000 });
    expect(result.items).toHaveLength(2);
    controller.abort();
    await expect(vitrine.recommend({ placement: 'trending' }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('should name the offending field in INVALID_REQUEST and the id in UNKNOWN_PRODUCT', async () => {
    const vitrine = engine();
    await vitrine.load(makeEngineBundle({ rows: 20 }).bytes);
    const cases: Array<[Promise<unknown>, string]> = [
      [vitrine.recommend({ placement: 'nope' } as never), 'placement'],
      [vitrine.recommend({ placement: 'similar' }), 'product'],
      [vitrine.recommend({ placement: 'trending', limit: 0 }), 'limit'],
      [vitrine.recommend({ placement: 'trending', limit: 2.5 }), 'limit'],
      [vitrine.recommend({ placement: 'trending', exclude: 'sku-1' } as never), 'exclude'],
      [vitrine.recommend({ placement: 'for_you', context: { recent: ['sku-1', 7] } } as never), 'context.recent[1]'],
      [vitrine.similar('sku-1', { inStockOnly: 'yes' } as never), 'options.inStockOnly'],
      [vitrine.rerank('sku-1' as never), 'productIds'],
    ];
    for (const [call, field] of cases) {
      const error = await rejection(call);
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.details.field).toBe(field);
    }
    const unknown = await rejection(vitrine.similar('sku-missing'));
    expect(unknown.code).toBe('UNKNOWN_PRODUCT');
    expect(unknown.details.productId).toBe('sku-missing');
  });
});
