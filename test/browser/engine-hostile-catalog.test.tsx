/**
 * A hostile catalog through the real worker and widgets (issue 12): a bundle whose category path
 * has thousands of levels, and one whose vectors are finite but huge, are refused with typed codes,
 * quickly, and the page keeps working; the most extreme bundle the reader accepts renders no NaN.
 */
import { h } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { MAX_CATEGORY_DEPTH, MAX_VECTOR_NORM } from '../../src/shared/bundle/format.ts';
import type { ResultItem } from '../../src/shared/request.ts';
import { mountWidget, RecommendationsView } from '../../widgets/index.ts';
import { deepCategoryBundle, hostileInput, hugeVectorBundle } from '../fixtures/hostile-bundle.ts';
import { vitrineRejection as rejection } from '../fixtures/rejection.ts';
import { enginesClosedAfterEach, makeEngineBundle } from './engine-fixture.ts';

const engine = enginesClosedAfterEach();
let host: HTMLElement;
let unmount = () => {};
beforeEach(() => {
  host = document.createElement('div');
  host.innerHTML = '<p>Browse our categories</p>';
  document.body.append(host);
});
afterEach(() => {
  unmount();
  host.remove();
});

/** Every number in `value` (deeply) that is NaN or infinite. */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
  return [];
}

describe('a hostile catalog through the real engine', () => {
  it(`should refuse a 20,000-level category path with BUNDLE_LIMIT_EXCEEDED within a second, and keep working`, async () => {
    const vitrine = engine();
    const good = await vitrine.load(makeEngineBundle({ rows: 20 }).bytes);
    const bytes = deepCategoryBundle(20_000);
    const started = performance.now();
    const error = await rejection(vitrine.load(bytes));
    // Before the bound the worker spent minutes and gigabytes building paths, then the tab crashed.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe('BUNDLE_LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({ section: 'categories', limit: MAX_CATEGORY_DEPTH, productId: `sku-${MAX_CATEGORY_DEPTH}` });
    const status = await vitrine.status();
    expect(status.bundle?.contentHash).toBe(good.bundle!.contentHash);
    expect((await vitrine.recommend({ placement: 'trending', inStockOnly: false })).items.length).toBeGreaterThan(0);
  });

  it('B5: should refuse finite 3e38 vectors with BUNDLE_LIMIT_EXCEEDED naming the product, and show the fallback without NaN', async () => {
    const vitrine = engine();
    const error = await rejection(vitrine.load(hugeVectorBundle(12, 3e38, 4)));
    expect(error.code).toBe('BUNDLE_LIMIT_EXCEEDED');
    expect(error.details).toMatchObject({ section: 'embeddings', field: 'norm', productId: 'sku-4' });
    unmount = mountWidget(host, <RecommendationsView vitrine={vitrine} placement="similar" product="sku-1" />);
    const root = host.shadowRoot!;
    await vi.waitFor(() => expect(root.querySelector('slot')).not.toBeNull());
    expect(`${root.textContent}${host.textContent}`).not.toMatch(/NaN|Infinity/);
  });

  it('B5: should render the most extreme bundle the reader accepts with finite scores and no NaN or Infinity in any text', async () => {
    const rows = 24;
    const dim = 8;
    const input = hostileInput(rows, dim, (i) => ({ category: ['Home', `c${i % 3}`], salePrice: i % 2 ? 5 : null }));
    const data = new Float32Array(rows * dim);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7) % 5 < 2 ? -1 : 1) * Math.fround((MAX_VECTOR_NORM / Math.sqrt(dim)) * 0.999);
    const max = 3.4e38;
    const bytes = encodeBundle({
      ...input,
      popularity: { ...input.popularity, global: new Float32Array(rows).fill(max), trending: new Float32Array(rows).fill(max) },
      embeddings: { dtype: 'f32', rows, dim, data },
      modelWeights: { similarity: 3e38, popularity: 3e38, trending: -3e38, covisitation: 3e38, copurchase: 3e38 },
    });
    const vitrine = engine();
    await vitrine.load(bytes.slice().buffer);
    await vitrine.track({ type: 'view', product: 'sku-2' });
    const items: ResultItem[] = [];
    for (const placement of ['similar', 'for_you', 'trending'] as const)
      items.push(...(await vitrine.recommend({ placement, product: 'sku-1', inStockOnly: false })).items);
    expect(items.length).toBeGreaterThan(0);
    expect(nonFinite(items)).toEqual([]);

    unmount = mountWidget(host, <RecommendationsView vitrine={vitrine} placement="similar" product="sku-1" />);
    const root = host.shadowRoot!;
    await vi.waitFor(() => expect(root.querySelectorAll('[data-vitrine-item]').length).toBeGreaterThan(0));
    // Every "Why?" popover is in the DOM (hidden until opened): its text counts too.
    expect(root.querySelectorAll('.pop').length).toBeGreaterThan(0);
    expect(root.textContent).not.toMatch(/NaN|Infinity/);
  });
});

describe('B12: a new bundle without products the profile still holds, with another embedding dimension', () => {
  it('should keep those profile items but never render them, and recommend without crashing (session vectors rebuilt from ids, not stored vectors)', async () => {
    const vitrine = engine();
    await vitrine.consent.set({ personalization: true });
    await vitrine.load(makeEngineBundle({ rows: 60, dim: 12, seed: 3 }).bytes);
    const gone = ['sku-50', 'sku-51', 'sku-52', 'sku-55', 'sku-59'];
    for (const product of gone) await vitrine.track({ type: 'view', product });
    await vitrine.track({ type: 'add_to_cart', product: 'sku-55' });
    await vitrine.track({ type: 'view', product: 'sku-3' });
    // v2 drops products 40..59 and changes the vectors from 12 to 8 dimensions.
    const v2 = await vitrine.load(makeEngineBundle({ rows: 40, dim: 8, seed: 4 }).bytes);
    expect(v2.bundle).toMatchObject({ products: 40, dim: 8 });

    const shown: string[] = [];
    for (const placement of ['similar', 'also_bought', 'goes_with', 'now_reduced', 'for_you', 'trending'] as const) {
      const result = await vitrine.recommend({ placement, product: 'sku-3', cart: ['sku-55', 'sku-3'], inStockOnly: false });
      shown.push(...result.items.map((item) => item.productId));
      expect(nonFinite(result.items)).toEqual([]);
    }
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((id) => gone.includes(id))).toEqual([]);
    // Kept: they may come back in a later bundle.
    const exported = await vitrine.profile.export();
    const kept = new Set(exported.events.map((e) => e.product));
    for (const product of gone) expect(kept.has(product), product).toBe(true);
    expect(exported.events.find((e) => e.product === 'sku-59')!.productTitle).toBeNull();

    unmount = mountWidget(host, <RecommendationsView vitrine={vitrine} placement="for_you" />);
    const root = host.shadowRoot!;
    await vi.waitFor(() => expect(root.querySelectorAll('[data-vitrine-item]').length).toBeGreaterThan(0));
    const rendered = [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')].map((el) => el.dataset.vitrineItem!);
    expect(rendered.filter((id) => gone.includes(id))).toEqual([]);
    await vitrine.profile.delete();
  });
});
