/**
 * A hostile catalog (issue 12): deep category paths, huge titles and finite-but-huge vectors, each
 * bounded in the builder and again in the reader, since a bundle may come from any writer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCategoryTree, decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import { clampText, MAX_NAME_LENGTH, MAX_TITLE_LENGTH } from '../../src/shared/clamp-text.ts';
import { MAX_CATEGORY_DEPTH, MAX_VECTOR_NORM } from '../../src/shared/bundle/format.ts';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { createReferenceKernels } from '../../src/shared/kernels/reference.ts';
import type { Kernels } from '../../src/shared/kernels/types.ts';
import { normalizeRerank, PLACEMENTS, type ResultItem } from '../../src/shared/request.ts';
import { recommend, rerank } from '../../src/worker/ranking.ts';
import { loadedBundleOf, request, views, visitor } from './strategy-helpers.ts';
import { expectVitrineError } from './bundle-helpers.ts';
import { build, buildAndDecode, rejection, tempDir } from './cli-helpers.ts';
import { deepCategoryBundle, hostileInput, hugeVectorBundle } from '../fixtures/hostile-bundle.ts';

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

/** Every number in `value` (deeply) that is NaN or infinite, with its path. */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (typeof value === 'string') return /NaN|Infinity/.test(value) ? [`${path} = ${value}`] : [];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
  return [];
}

/** Unit-free rows of norm exactly `norm` with mixed signs: the worst the reader lets through. */
function rowsOfNorm(rows: number, dim: number, norm: number): Float32Array {
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7) % 5 < 2 ? -1 : 1) * Math.fround((norm / Math.sqrt(dim)) * 0.999);
  return data;
}

describe('B5: finite but huge embeddings (3e38)', () => {
  it('should reject a row whose norm overflows with BUNDLE_LIMIT_EXCEEDED naming the product', () => {
    const error = expectVitrineError(() => decodeBundle(hugeVectorBundle(8, 3e38, 5)), 'BUNDLE_LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({ section: 'embeddings', field: 'norm', index: 5, productId: 'sku-5', limit: MAX_VECTOR_NORM });
    expect(error.message).toContain('"sku-5"');
  });

  it('should reject an int8 row whose scale makes its norm overflow', () => {
    const input = hostileInput(4, 4);
    const data = new Int8Array(16).fill(100);
    const bytes = encodeBundle({
      ...input,
      meta: { ...input.meta, dtype: 'i8' },
      embeddings: { dtype: 'i8', rows: 4, dim: 4, data, scales: Float32Array.of(0.01, 3e38, 0.01, 0.01) },
    });
    expect(expectVitrineError(() => decodeBundle(bytes), 'BUNDLE_LIMIT_EXCEEDED').details.productId).toBe('sku-1');
  });

  it('should accept rows up to the bound', () => {
    const input = hostileInput(6, 8);
    const bundle = decodeBundle(
      encodeBundle({ ...input, embeddings: { dtype: 'f32', rows: 6, dim: 8, data: rowsOfNorm(6, 8, MAX_VECTOR_NORM) } }),
    );
    expect(bundle.embeddings.rows).toBe(6);
  });
});

describe('B5: kernels on the largest vectors the reader accepts', () => {
  const impls: Array<[string, () => Promise<Kernels>]> = [
    ['js', async () => createReferenceKernels()],
    ['wasm', () => loadNodeKernels('wasm', 'debug')],
    ['wasm-simd', () => loadNodeKernels('wasm-simd', 'debug')],
  ];
  it.each(impls)('should keep every score, combination and MMR pick finite (%s)', async (_name, load) => {
    for (const dim of [5, 64]) {
      const kernels = await load();
      const rows = 40;
      kernels.setMatrix({ dtype: 'f32', rows, dim, data: rowsOfNorm(rows, dim, MAX_VECTOR_NORM) });
      const query = new Float32Array(dim).fill(1 / Math.sqrt(dim)); // a unit session vector
      const scores = Array.from(kernels.scoreQuery(query, 0));
      expect(scores.filter((s) => !Number.isFinite(s))).toEqual([]);
      kernels.slot(1).set(kernels.slot(0));
      const combined = Array.from(kernels.combine([1, 1], 2));
      expect(combined.filter((s) => !Number.isFinite(s))).toEqual([]);
      const top = kernels.topK(2, 10);
      expect(top.indices.length).toBe(10);
      expect(Array.from(top.scores).every(Number.isFinite)).toBe(true);
      const picked = kernels.mmr(Int32Array.from(top.indices), Float32Array.from(top.scores), 5, 0.7);
      expect(picked.length).toBe(5);
    }
  });
});

describe('B5: no NaN or Infinity in results, whatever overflows', () => {
  it('should give finite scores, components and contributions for every placement and rerank, even from 3e38 vectors past the reader', async () => {
    const rows = 30;
    const input = hostileInput(rows, 8, (i) => ({ category: ['Home', `c${i % 3}`], salePrice: i % 2 ? 5 : null }));
    const bundle = decodeBundle(
      encodeBundle({
        ...input,
        covisitation: chain(rows, 0.5),
        // Finite, as the format requires, but big enough to overflow float32 sums.
        modelWeights: { similarity: 3e38, covisitation: -3e38, popularity: 3e38, trending: 3e38, copurchase: 3e38 },
      }),
    );
    // The reader refuses such rows (above); written past it, they stand for any overflow in a slot.
    const data = bundle.embeddings.data as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(i / 8) % 2 ? -3e38 : 3e38;
    const loaded = await loadedBundleOf(bundle);
    // One viewed product: its unit session vector is finite, its dot products with 3e38 rows are not.
    const who = visitor(views(['sku-2']));
    const items: ResultItem[] = [];
    for (const placement of PLACEMENTS) items.push(...recommend(loaded, request({ placement, product: 'sku-1', limit: 6 }), who).items);
    items.push(...rerank(loaded, ['sku-4', 'sku-5', 'sku-6'], normalizeRerank(['sku-4'], {}, {}).options, who).items);
    expect(items.length).toBeGreaterThan(0);
    expect(nonFinite(items)).toEqual([]);
  });
});

/** Row i linked to row i + 1 with `weight`. */
function chain(rows: number, weight: number) {
  const offsets = Uint32Array.from({ length: rows + 1 }, (_, i) => Math.min(i, rows - 1));
  return { offsets, neighbors: Uint32Array.from({ length: rows - 1 }, (_, i) => i + 1), weights: new Float32Array(rows - 1).fill(weight) };
}

describe('B7: huge titles, brands and category names', () => {
  it('should cut text with an ellipsis, never between the halves of a surrogate pair', () => {
    expect(clampText('short', 10)).toBe('short');
    expect(clampText('abcdef', 3)).toBe('abc…');
    expect(clampText('ab😀cd', 3)).toBe('ab…');
    expect(clampText('ab😀cd', 4)).toBe('ab😀…');
  });

  it('should cut a 1 MB title, brand and category level at build time, warning with the row and product', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'huge.jsonl');
    const huge = 'x'.repeat(1_000_000);
    const rows = [
      { id: 'ok-1', title: 'Shirt', category: 'Clothing > Shirts', brand: 'Acme' },
      { id: 'huge-1', title: huge, category: `Clothing > ${huge}`, brand: huge },
    ];
    writeFileSync(catalog, rows.map((r) => JSON.stringify(r)).join('\n'));
    const { bundle, run } = await buildAndDecode(['--catalog', catalog, '--fit', 'none']);
    const row = bundle.products.indexOf('huge-1');
    expect(bundle.products.title(row)).toBe(`${'x'.repeat(MAX_TITLE_LENGTH)}…`);
    expect(bundle.products.brand(row)).toHaveLength(MAX_NAME_LENGTH + 1);
    expect(bundle.categories[bundle.products.categoryIndex[row]!]!.path).toEqual(['Clothing', `${'x'.repeat(MAX_NAME_LENGTH)}…`]);
    expect(bundle.products.title(bundle.products.indexOf('ok-1'))).toBe('Shirt');
    const warnings = run.err.join('\n');
    expect(warnings).toMatch(/huge\.jsonl:2 \[title\]: product "huge-1": title of 1000000 characters cut to 300/);
    expect(warnings).toMatch(/huge\.jsonl:2 \[brand\]/);
    expect(warnings).toMatch(/huge\.jsonl:2 \[category\]/);
    expect(warnings).not.toMatch(/:1 \[/);
  });
});
