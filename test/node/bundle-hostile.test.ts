/**
 * A hostile catalog (issue 12): deep category paths, huge titles and finite-but-huge vectors, each
 * bounded in the builder and again in the reader, since a bundle may come from any writer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCategoryTree, decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import { MAX_CATEGORY_DEPTH } from '../../src/shared/bundle/format.ts';
import { expectVitrineError } from './bundle-helpers.ts';
import { build, buildAndDecode, rejection, tempDir } from './cli-helpers.ts';
import { deepCategoryBundle, hostileInput } from '../fixtures/hostile-bundle.ts';

/** Category levels of a hostile row: far past the limit, and slow to handle quadratically. */
const HOSTILE_DEPTH = 20_000;
const levels = (n: number) => Array.from({ length: n }, (_, d) => `Level ${d}`);

describe('deep category paths', () => {
  it(`should build a ${MAX_CATEGORY_DEPTH}-level path and refuse ${MAX_CATEGORY_DEPTH + 1} levels with BUNDLE_LIMIT_EXCEEDED naming the product`, () => {
    const ok = hostileInput(3, 4, (i) => (i === 1 ? { category: levels(MAX_CATEGORY_DEPTH) } : {}));
    const bundle = decodeBundle(encodeBundle(ok));
    expect(bundle.categories[bundle.products.categoryIndex[1]!]!.path).toEqual(levels(MAX_CATEGORY_DEPTH));

    const deep = hostileInput(3, 4, (i) => (i === 1 ? { category: levels(MAX_CATEGORY_DEPTH + 1) } : {}));
    const error = expectVitrineError(() => encodeBundle(deep), 'BUNDLE_LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({ productId: 'sku-1', limit: MAX_CATEGORY_DEPTH, depth: MAX_CATEGORY_DEPTH + 1 });
    expect(error.message).toContain('"sku-1"');
  });

  it(`should refuse a ${HOSTILE_DEPTH}-level path in the writer at once, not after a quadratic walk`, () => {
    const { products } = hostileInput(2, 4, (i) => (i ? { category: levels(HOSTILE_DEPTH) } : {}));
    const started = performance.now();
    const error = expectVitrineError(() => buildCategoryTree(products), 'BUNDLE_LIMIT_EXCEEDED');
    expect(error.details.productId).toBe('sku-1');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it(`should reject a crafted ${HOSTILE_DEPTH}-level chain in the reader with BUNDLE_LIMIT_EXCEEDED naming the product and the limit, fast`, () => {
    const bytes = deepCategoryBundle(HOSTILE_DEPTH);
    const started = performance.now();
    const error = expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_LIMIT_EXCEEDED');
    const elapsed = performance.now() - started;
    // The first product whose leaf is too deep: sku-32 sits at depth 33.
    expect(error.details).toMatchObject({ section: 'categories', productId: `sku-${MAX_CATEGORY_DEPTH}`, limit: MAX_CATEGORY_DEPTH });
    expect(error.details.index).toBe(MAX_CATEGORY_DEPTH);
    expect(elapsed).toBeLessThan(500);
  });

  it('should accept a crafted chain exactly at the limit, with every path in place', () => {
    const bundle = decodeBundle(deepCategoryBundle(MAX_CATEGORY_DEPTH));
    expect(bundle.categories.at(-1)!.path).toEqual(Array.from({ length: MAX_CATEGORY_DEPTH }, (_, d) => `c${d}`));
  });

  it(`should refuse a catalog row with a ${HOSTILE_DEPTH}-level category as INPUT_INVALID_ROW naming the product, or skip it with --skip-invalid`, async () => {
    const dir = tempDir();
    const catalog = join(dir, 'deep.jsonl');
    const rows = [
      { id: 'ok-1', title: 'Shirt', category: 'Clothing > Shirts' },
      { id: 'deep-1', title: 'Deep', category: levels(HOSTILE_DEPTH).join(' > ') },
      { id: 'ok-2', title: 'Socks', category: 'Clothing > Socks' },
    ];
    writeFileSync(catalog, rows.map((r) => JSON.stringify(r)).join('\n'));
    const started = performance.now();
    const error = await rejection(build(['--catalog', catalog, '--out', join(dir, 'x.vtb')]));
    expect(error).toMatchObject({ code: 'INPUT_INVALID_ROW', details: { line: 2, field: 'category' } });
    expect(error.message).toContain('"deep-1"');
    expect(error.message).toContain(`at most ${MAX_CATEGORY_DEPTH}`);
    const { bundle, run } = await buildAndDecode(['--catalog', catalog, '--skip-invalid', '--fit', 'none']);
    expect(bundle.products.indexOf('deep-1')).toBe(-1);
    expect(bundle.products.count).toBe(2);
    expect(run.err.join('\n')).toMatch(/deep\.jsonl:2 \[category\]/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
