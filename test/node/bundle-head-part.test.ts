/**
 * The head part (issue 16): cut from the build input before encoding, a valid bundle of the same
 * format naming its full bundle, holding the lists a new visitor's widgets show first.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticBundleInput } from '../../bench/cases/synthetic-bundle.ts';
import { headBundleInput, headRows } from '../../src/cli/bundle-builder/head-part.ts';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import { headName } from '../../src/shared/bundle/head-name.ts';
import { build, FLIPKART, FLIPKART_FIELDS, tempDir } from './cli-helpers.ts';

describe('head part', () => {
  const input = syntheticBundleInput(3_000, 8);
  const full = decodeBundle(encodeBundle(input));

  it('should hold the most popular and trending products and every category, within the limit', () => {
    const rows = headRows(input, 300);
    expect(rows.length).toBe(300);
    const chosen = new Set(rows);
    const top = (score: Float32Array) => [...score.keys()].sort((a, b) => score[b]! - score[a]!).slice(0, 20);
    for (const row of top(input.popularity.global)) expect(chosen.has(row)).toBe(true);
    for (const row of top(input.popularity.trending)) expect(chosen.has(row)).toBe(true);
    // Each category's bestseller is in (as long as the limit leaves room for one per category).
    const { offsets, neighbors } = input.popularity.perCategory;
    const categories = offsets.length - 1;
    if (categories <= 300 - 144)
      for (let c = 0; c < categories; c++) if (offsets[c + 1]! > offsets[c]!) expect(chosen.has(neighbors[offsets[c]!]!)).toBe(true);
  });

  it('should decode as a bundle naming its full bundle, with the same ids, vectors and edges among its products', () => {
    const headInput = headBundleInput(input, { contentHash: full.contentHash, bytes: full.byteLength }, 300);
    const head = decodeBundle(encodeBundle(headInput));
    expect(head.products.count).toBe(300);
    expect(head.meta.head).toEqual({ contentHash: full.contentHash, bytes: full.byteLength, products: 3_000 });
    const dim = 8;
    for (let i = 0; i < head.products.count; i += 37) {
      const id = head.products.id(i);
      const row = full.products.indexOf(id);
      expect(row).toBeGreaterThanOrEqual(0);
      expect(head.products.title(i)).toBe(full.products.title(row));
      expect(head.popularity.global[i]).toBe(full.popularity.global[row]);
      expect(head.embeddings.data.slice(i * dim, (i + 1) * dim)).toEqual(full.embeddings.data.slice(row * dim, (row + 1) * dim));
      // Its co-visitation neighbours: the full row's, in the same order, minus those outside the head.
      const { offsets, neighbors } = full.covisitation;
      const expected = [...neighbors.subarray(offsets[row]!, offsets[row + 1]!)]
        .map((n) => full.products.id(n))
        .filter((n) => head.products.indexOf(n) >= 0);
      const got = [...head.covisitation.neighbors.subarray(head.covisitation.offsets[i]!, head.covisitation.offsets[i + 1]!)].map((n) =>
        head.products.id(n),
      );
      expect(got).toEqual(expected);
    }
    // Category bestseller lists keep their order, restricted to the head.
    const path = head.categories[0]!.path.join('/');
    const fullCategory = full.categories.findIndex((c) => c.path.join('/') === path);
    const list = (b: typeof head, c: number) =>
      [...b.popularity.perCategory.neighbors.subarray(b.popularity.perCategory.offsets[c]!, b.popularity.perCategory.offsets[c + 1]!)].map(
        (r) => b.products.id(r),
      );
    expect(list(head, 0)).toEqual(list(full, fullCategory).filter((id) => head.products.indexOf(id) >= 0));
    expect(head.sessions).toBeNull();
  });

  it('should be named next to the bundle', () => {
    expect(headName('/cdn/shop.vtb')).toBe('/cdn/shop.head.vtb');
    expect(headName('shop.bin')).toBe('shop.bin.head.vtb');
  });
});

describe('bundle build writes the head part', () => {
  it('should write shop.head.vtb naming shop.vtb, and remove a stale one when the catalog fits the head', async () => {
    const dir = tempDir();
    const out = join(dir, 'shop.vtb');
    const args = ['--catalog', FLIPKART, ...FLIPKART_FIELDS, '--skip-invalid', '--currency', 'INR'];
    const run = await build([...args, '--out', out, '--head-products', '200', '--json']);
    const summary = JSON.parse(run.out.at(-1)!) as { head: { out: string; products: number; bytes: number } };
    const full = decodeBundle(new Uint8Array(readFileSync(out)));
    const head = decodeBundle(new Uint8Array(readFileSync(join(dir, 'shop.head.vtb'))));
    expect(summary.head).toEqual({ out: join(dir, 'shop.head.vtb'), products: 200, bytes: head.byteLength });
    expect(head.meta.head).toEqual({ contentHash: full.contentHash, bytes: full.byteLength, products: full.products.count });

    writeFileSync(join(dir, 'shop.head.vtb'), 'stale');
    await build([...args, '--out', out, '--head-products', String(full.products.count)]);
    expect(existsSync(join(dir, 'shop.head.vtb'))).toBe(false);
  });
});
