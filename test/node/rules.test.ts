import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/shared/bundle/types.ts';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { isVitrineError, type VitrineError } from '../../src/shared/errors.ts';
import {
  DEFAULT_RULE_WEIGHT,
  MAX_RULE_CAP,
  MAX_RULE_FILTERS,
  MAX_RULE_STRING,
  MAX_RULE_VALUES,
  normalizeRules,
} from '../../src/shared/rules.ts';
import { ruleBoostScores } from '../../src/worker/components/rule-boost.ts';
import { pickDiverse } from '../../src/worker/diversity.ts';
import { createLoadedBundle, type LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { applyRuleFilters, isRepeatPurchase, productMatcher } from '../../src/worker/product-filters.ts';
import { DUMMYJSON, FLIPKART, FLIPKART_FIELDS, buildAndDecode, tempDir } from './cli-helpers.ts';

function rejectedField(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(isVitrineError(error)).toBe(true);
    expect((error as VitrineError).code).toBe('INVALID_REQUEST');
    return { field: (error as VitrineError).details.field as string, message: (error as VitrineError).message };
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('normalizeRules', () => {
  it('should fill the documented defaults when no rules are given', () => {
    expect(normalizeRules(undefined)).toEqual({
      include: null,
      exclude: [],
      boost: [],
      bury: [],
      maxPerBrand: null,
      maxPerCategory: null,
      diversity: 1,
      excludePurchased: true,
      repeatCategories: [],
      size: null,
    });
  });

  it('should keep given rules, trim strings and give boosts the default weight', () => {
    const rules = normalizeRules({
      include: { category: [' Clothing > Women '], price: { max: 80 } },
      exclude: [{ brand: ['Acme'] }, { attribute: { material: ['fur', ' leather'] } }],
      boost: [{ brand: ['Nordic'] }, { category: ['sale'], weight: 2 }],
      bury: [{ price: { min: 0, max: 5 }, weight: 0.1 }],
      maxPerBrand: 2,
      maxPerCategory: 3,
      diversity: 0.7,
      excludePurchased: false,
      repeatCategories: ['Groceries'],
      size: ' M ',
    });
    expect(rules).toEqual({
      include: { category: ['Clothing > Women'], price: { max: 80 } },
      exclude: [{ brand: ['Acme'] }, { attribute: { material: ['fur', 'leather'] } }],
      boost: [
        { brand: ['Nordic'], weight: DEFAULT_RULE_WEIGHT },
        { category: ['sale'], weight: 2 },
      ],
      bury: [{ price: { min: 0, max: 5 }, weight: 0.1 }],
      maxPerBrand: 2,
      maxPerCategory: 3,
      diversity: 0.7,
      excludePurchased: false,
      repeatCategories: ['Groceries'],
      size: 'M',
    });
  });

  it('should accept every limit exactly at its bound', () => {
    const values = Array.from({ length: MAX_RULE_VALUES }, (_, i) => `v${i}`.padEnd(MAX_RULE_STRING, 'x'));
    const filters = Array.from({ length: MAX_RULE_FILTERS }, () => ({ brand: values, weight: 10 }));
    const rules = normalizeRules({ boost: filters, maxPerBrand: 1, maxPerCategory: MAX_RULE_CAP, diversity: 0 });
    expect(rules.boost).toHaveLength(MAX_RULE_FILTERS);
    expect(rules.boost[0]!.brand).toHaveLength(MAX_RULE_VALUES);
    expect(rules.diversity).toBe(0);
  });

  const many = <T>(n: number, item: T): T[] => Array.from({ length: n }, () => item);

  it.each([
    [null, 'rules'],
    [['beauty'], 'rules'],
    [{ maxPerBrnad: 2 }, 'rules.maxPerBrnad'],
    [{ include: [] }, 'rules.include'],
    [{ include: {} }, 'rules.include'],
    [{ include: { category: 'beauty' } }, 'rules.include.category'],
    [{ include: { category: [] } }, 'rules.include.category'],
    [{ include: { category: ['beauty', '  '] } }, 'rules.include.category[1]'],
    [{ include: { brand: ['x'.repeat(MAX_RULE_STRING + 1)] } }, 'rules.include.brand[0]'],
    [{ include: { brand: many(MAX_RULE_VALUES + 1, 'a') } }, 'rules.include.brand'],
    [{ include: { brand: ['a'], weight: 1 } }, 'rules.include.weight'],
    [{ exclude: { brand: ['a'] } }, 'rules.exclude'],
    [{ exclude: many(MAX_RULE_FILTERS + 1, { brand: ['a'] }) }, 'rules.exclude'],
    [{ exclude: [{ price: { min: -1 } }] }, 'rules.exclude[0].price.min'],
    [{ exclude: [{ price: { min: '5' } }] }, 'rules.exclude[0].price.min'],
    [{ exclude: [{ price: { max: Number.POSITIVE_INFINITY } }] }, 'rules.exclude[0].price.max'],
    [{ exclude: [{ brand: ['a'] }, { price: { min: 20, max: 10 } }] }, 'rules.exclude[1].price.min'],
    [{ exclude: [{ price: {} }] }, 'rules.exclude[0].price'],
    [{ exclude: [{ price: { minimum: 5 } }] }, 'rules.exclude[0].price.minimum'],
    [{ boost: [{ brand: ['a'] }, { brand: ['b'], weight: 0 }] }, 'rules.boost[1].weight'],
    [{ boost: [{ brand: ['a'], weight: Number.NaN }] }, 'rules.boost[0].weight'],
    [{ bury: [{ brand: ['a'], weight: 10.5 }] }, 'rules.bury[0].weight'],
    [{ bury: [{ weight: 1 }] }, 'rules.bury[0]'],
    [{ boost: [{ attribute: { material: 'wool' } }] }, 'rules.boost[0].attribute.material'],
    [{ boost: [{ attribute: { 'pattern type': [5] } }] }, 'rules.boost[0].attribute["pattern type"][0]'],
    [{ boost: [{ attribute: {} }] }, 'rules.boost[0].attribute'],
    [{ maxPerBrand: 0 }, 'rules.maxPerBrand'],
    [{ maxPerBrand: MAX_RULE_CAP + 1 }, 'rules.maxPerBrand'],
    [{ maxPerBrand: 1.5 }, 'rules.maxPerBrand'],
    [{ maxPerCategory: '2' }, 'rules.maxPerCategory'],
    [{ diversity: -0.1 }, 'rules.diversity'],
    [{ diversity: 1.1 }, 'rules.diversity'],
    [{ diversity: Number.NaN }, 'rules.diversity'],
    [{ excludePurchased: 'no' }, 'rules.excludePurchased'],
    [{ repeatCategories: 'groceries' }, 'rules.repeatCategories'],
    [{ size: '' }, 'rules.size'],
    [{ size: 42 }, 'rules.size'],
  ])('should reject %j naming %s', (rules, field) => {
    expect(rejectedField(() => normalizeRules(rules)).field).toBe(field);
  });

  it('should reject a typo naming it and listing the known keys instead of ignoring it', () => {
    const typo = rejectedField(() => normalizeRules({ maxPerBrnad: 2 }));
    expect(typo.field).toBe('rules.maxPerBrnad');
    expect(typo.message).toContain('unknown key "maxPerBrnad"; known: include, exclude, boost, bury, maxPerBrand');
    expect(rejectedField(() => normalizeRules({ boost: [{ brnd: ['a'] }] })).message).toContain(
      'known: category, brand, attribute, price, weight',
    );
  });

  it('should prefix field names with where the rules came from', () => {
    expect(rejectedField(() => normalizeRules({ boost: [{ brand: ['a'], weight: -1 }] }, 'options.rules')).field).toBe(
      'options.rules.boost[0].weight',
    );
  });
});

/** The DummyJSON source records, read independently of the CLI. */
interface DummyProduct {
  id: number;
  category: string;
  brand?: string;
  price: number;
  discountPercentage: number;
  tags: string[];
}

/** Current price as the CLI derives it: the sale price in whole cents when it is a real reduction. */
function currentPrice(p: DummyProduct): number {
  const sale = Math.round(p.price * (100 - p.discountPercentage)) / 100;
  return sale < p.price ? sale : p.price;
}

function allowedIds(loaded: LoadedBundle, mask: Uint8Array): Set<string> {
  const ids = new Set<string>();
  for (let row = 0; row < loaded.bundle.products.count; row++) {
    if ((mask[row >> 3]! & (1 << (row & 7))) !== 0) ids.add(loaded.bundle.products.id(row));
  }
  return ids;
}

/** The allow mask left after applying `rules` to every product. */
function filtered(loaded: LoadedBundle, rules: unknown): Set<string> {
  const mask = loaded.allMask.slice();
  applyRuleFilters(loaded.indexes, normalizeRules(rules), mask);
  return allowedIds(loaded, mask);
}

function idsWhere(source: DummyProduct[], keep: (p: DummyProduct) => boolean): Set<string> {
  return new Set(source.filter(keep).map((p) => String(p.id)));
}

/** Dequantised row `row` of the bundle's matrix. */
function rowVector(bundle: Bundle, row: number): Float32Array {
  const m = bundle.embeddings;
  const out = new Float32Array(m.dim);
  for (let j = 0; j < m.dim; j++) out[j] = m.data[row * m.dim + j]! * (m.dtype === 'i8' ? m.scales[row]! : 1);
  return out;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j]! * b[j]!;
    aa += a[j]! * a[j]!;
    bb += b[j]! * b[j]!;
  }
  return ab / Math.sqrt(aa * bb);
}

function meanPairwiseCosine(bundle: Bundle, rows: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      sum += cosine(rowVector(bundle, rows[i]!), rowVector(bundle, rows[j]!));
      pairs++;
    }
  }
  return sum / pairs;
}

describe('rules on the DummyJSON catalog', () => {
  let source: DummyProduct[];
  let loaded: LoadedBundle;

  beforeAll(async () => {
    source = JSON.parse(readFileSync(DUMMYJSON, 'utf8')) as DummyProduct[];
    const { bundle } = await buildAndDecode(['--catalog', DUMMYJSON]);
    loaded = createLoadedBundle(bundle, await loadNodeKernels());
  });

  it('should allow only beauty products when the rules include category beauty (any case)', () => {
    const expected = idsWhere(source, (p) => p.category === 'beauty');
    expect(expected.size).toBeGreaterThan(0);
    expect(filtered(loaded, { include: { category: ['BEAUTY'] } })).toEqual(expected);
  });

  it('should match nothing for an unknown category or brand', () => {
    expect(filtered(loaded, { include: { category: ['no-such-category'] } }).size).toBe(0);
    expect(filtered(loaded, { exclude: [{ brand: ['No Such Brand'] }] }).size).toBe(source.length);
  });

  it('should leave out every product of an excluded brand and keep products without a brand', () => {
    const allowed = filtered(loaded, { exclude: [{ brand: ['apple'] }] });
    expect(allowed).toEqual(idsWhere(source, (p) => p.brand !== 'Apple'));
    expect(allowed.size).toBeLessThan(source.length);
    expect([...idsWhere(source, (p) => p.brand === undefined)].every((id) => allowed.has(id))).toBe(true);
  });

  it('should filter by the current price, which is the sale price when reduced', () => {
    // A range ending below a reduced product's list price but covering its sale price.
    const reduced = source.find((p) => currentPrice(p) < p.price * 0.9)!;
    const min = currentPrice(reduced);
    const max = (currentPrice(reduced) + reduced.price) / 2;
    const allowed = filtered(loaded, { include: { price: { min, max } } });
    expect(allowed).toEqual(idsWhere(source, (p) => currentPrice(p) >= min && currentPrice(p) <= max));
    expect(allowed.has(String(reduced.id))).toBe(true);
  });

  it('should count a price exactly on a bound as inside the range', () => {
    const product = source.find((p) => currentPrice(p) < p.price)!;
    const price = currentPrice(product);
    expect(filtered(loaded, { include: { price: { min: price, max: price } } }).has(String(product.id))).toBe(true);
  });

  it('should AND the fields of one filter and OR the values of one field', () => {
    const allowed = filtered(loaded, { include: { category: ['beauty', 'fragrances'], price: { max: 20 } } });
    expect(allowed).toEqual(idsWhere(source, (p) => ['beauty', 'fragrances'].includes(p.category) && currentPrice(p) <= 20));
    expect(allowed.size).toBeGreaterThan(0);
  });

  it('should match one item of a list attribute such as tags, with case-insensitive names and values', () => {
    const allowed = filtered(loaded, { include: { attribute: { TAGS: ['Mascara', 'nail polish'] } } });
    expect(allowed).toEqual(idsWhere(source, (p) => p.tags.includes('mascara') || p.tags.includes('nail polish')));
    expect(allowed.size).toBeGreaterThan(1);
  });

  it('should give the same answer from productMatcher as from the filter it compiles', () => {
    const matches = productMatcher(loaded.indexes, { brand: ['Apple'], price: { min: 500 } });
    const { products } = loaded.bundle;
    const expected = idsWhere(source, (p) => p.brand === 'Apple' && currentPrice(p) >= 500);
    const got = new Set<string>();
    for (let row = 0; row < products.count; row++) if (matches(row)) got.add(products.id(row));
    expect(got).toEqual(expected);
    expect(got.size).toBeGreaterThan(0);
  });

  it('should add boost weights and subtract bury weights of every matching rule', () => {
    const rules = normalizeRules({
      boost: [
        { category: ['beauty'], weight: 0.5 },
        { brand: ['Essence'], weight: 0.2 },
      ],
      bury: [{ price: { min: 100 }, weight: 0.4 }],
    });
    const scores = new Float32Array(loaded.bundle.products.count).fill(7);
    expect(ruleBoostScores(loaded.indexes, rules, scores)).toBe(true);
    for (const p of source) {
      const expected = (p.category === 'beauty' ? 0.5 : 0) + (p.brand === 'Essence' ? 0.2 : 0) - (currentPrice(p) >= 100 ? 0.4 : 0);
      expect(scores[loaded.bundle.products.indexOf(String(p.id))]).toBeCloseTo(expected, 6);
    }
  });

  it('should report no boost and leave zeros when there is nothing to boost or bury', () => {
    const scores = new Float32Array(loaded.bundle.products.count).fill(7);
    expect(ruleBoostScores(loaded.indexes, normalizeRules({ maxPerBrand: 2 }), scores)).toBe(false);
    expect(scores.every((score) => score === 0)).toBe(true);
  });

  it('should treat exactly the products of the repeat categories as repeat purchases', () => {
    const repeat = isRepeatPurchase(loaded.indexes, normalizeRules({ repeatCategories: ['Groceries'] }));
    for (const p of source) expect(repeat(loaded.bundle.products.indexOf(String(p.id)))).toBe(p.category === 'groceries');
    const none = isRepeatPurchase(loaded.indexes, normalizeRules({}));
    expect(source.some((p) => none(loaded.bundle.products.indexOf(String(p.id))))).toBe(false);
  });

  /** Every row, most similar to `row` first, with its cosine. */
  function neighbours(row: number): { rows: number[]; scores: number[] } {
    const { bundle } = loaded;
    const query = rowVector(bundle, row);
    const ranked = Array.from({ length: bundle.products.count }, (_, r) => ({ r, s: cosine(query, rowVector(bundle, r)) })).sort(
      (a, b) => b.s - a.s || a.r - b.r,
    );
    return { rows: ranked.map((x) => x.r), scores: ranked.map((x) => x.s) };
  }

  it('should never exceed maxPerBrand or maxPerCategory and skip only items whose cap was full', () => {
    const { rows, scores } = neighbours(loaded.bundle.products.indexOf('1'));
    const { brandIndex, categoryIndex } = loaded.bundle.products;
    const rules = normalizeRules({ maxPerBrand: 1, maxPerCategory: 2 });
    const picked = pickDiverse(loaded, rows, scores, 20, rules);
    expect(picked).toHaveLength(20);
    const count = (list: number[], key: Int32Array, value: number) => list.filter((r) => key[r] === value).length;
    for (const row of picked) {
      if (brandIndex[row]! >= 0) expect(count(picked, brandIndex, brandIndex[row]!)).toBeLessThanOrEqual(1);
      expect(count(picked, categoryIndex, categoryIndex[row]!)).toBeLessThanOrEqual(2);
    }
    // Without diversity the walk keeps the candidates' order, and a candidate is skipped only when
    // the picks before it already filled its brand's or its category's cap.
    const positions = picked.map((row) => rows.indexOf(row));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (let at = 0; at < positions.at(-1)!; at++) {
      const row = rows[at]!;
      if (picked.includes(row)) continue;
      const before = picked.filter((r) => rows.indexOf(r) < at);
      const brandFull = brandIndex[row]! >= 0 && count(before, brandIndex, brandIndex[row]!) >= 1;
      expect(brandFull || count(before, categoryIndex, categoryIndex[row]!) >= 2).toBe(true);
    }
  });

  it('should count the rows already listed (a fallback filling a list up) against the caps', () => {
    const { rows, scores } = neighbours(source.findIndex((p) => p.brand !== undefined));
    const { brandIndex } = loaded.bundle.products;
    const listed = rows.filter((row) => brandIndex[row]! >= 0).slice(0, 3);
    const picked = pickDiverse(loaded, rows, scores, 10, normalizeRules({ maxPerBrand: 1 }), listed);
    const listedBrands = new Set(listed.map((row) => brandIndex[row]!));
    expect(picked.length).toBeGreaterThan(0);
    for (const row of picked) expect(listedBrands.has(brandIndex[row]!), `row ${row}`).toBe(false);
  });

  it('should not cap products that have no brand', () => {
    const { rows, scores } = neighbours(source.findIndex((p) => p.brand === undefined));
    const picked = pickDiverse(loaded, rows, scores, 10, normalizeRules({ maxPerBrand: 1 }));
    expect(picked).toHaveLength(10);
    expect(picked.filter((row) => loaded.bundle.products.brandIndex[row] === -1).length).toBeGreaterThan(1);
  });

  it('should return a more varied list with diversity 0.5 than with pure relevance, deterministically', () => {
    const { rows, scores } = neighbours(loaded.bundle.products.indexOf('1'));
    const candidates = rows.slice(0, 60);
    const candidateScores = scores.slice(0, 60);
    const relevant = pickDiverse(loaded, candidates, candidateScores, 10, normalizeRules({}));
    expect(relevant).toEqual(candidates.slice(0, 10));
    const varied = pickDiverse(loaded, candidates, candidateScores, 10, normalizeRules({ diversity: 0.5 }));
    expect(varied).toHaveLength(10);
    expect(new Set(varied).size).toBe(10);
    expect(varied.every((row) => candidates.includes(row))).toBe(true);
    expect(varied[0]).toBe(candidates[0]);
    expect(meanPairwiseCosine(loaded.bundle, varied)).toBeLessThan(meanPairwiseCosine(loaded.bundle, relevant));
    expect(pickDiverse(loaded, candidates, candidateScores, 10, normalizeRules({ diversity: 0.5 }))).toEqual(varied);
  });

  it('should keep caps under diversity and count a repeated candidate once', () => {
    const { rows, scores } = neighbours(loaded.bundle.products.indexOf('1'));
    const candidates = [...rows.slice(0, 60), rows[0]!];
    const candidateScores = [...scores.slice(0, 60), scores[0]!];
    const picked = pickDiverse(loaded, candidates, candidateScores, 12, normalizeRules({ diversity: 0.7, maxPerCategory: 2 }));
    expect(new Set(picked).size).toBe(picked.length);
    const { categoryIndex } = loaded.bundle.products;
    for (const row of picked) expect(picked.filter((r) => categoryIndex[r] === categoryIndex[row]).length).toBeLessThanOrEqual(2);
    expect(picked.length).toBeGreaterThan(0);
  });
});

describe('rules on a catalog with a category tree (Flipkart)', () => {
  let loaded: LoadedBundle;
  let trees: Map<string, string[]>;

  beforeAll(async () => {
    const { bundle } = await buildAndDecode(['--catalog', FLIPKART, ...FLIPKART_FIELDS, '--dim', '16']);
    loaded = createLoadedBundle(bundle, await loadNodeKernels('js'));
    trees = new Map();
    for (let row = 0; row < bundle.products.count; row++) {
      const c = bundle.products.categoryIndex[row]!;
      trees.set(bundle.products.id(row), c >= 0 ? bundle.categories[c]!.path : []);
    }
  });

  it('should include the descendants of a category given by name or by path', () => {
    const watches = filtered(loaded, { include: { category: ['watches'] } });
    const expected = new Set([...trees].filter(([, path]) => path[0] === 'Watches').map(([id]) => id));
    expect(expected.size).toBeGreaterThan(100);
    expect(watches).toEqual(expected);
    // Paths may be written without the spaces around '>'.
    const fragrances = filtered(loaded, { include: { category: ['beauty and personal care>fragrances'] } });
    const expectedFragrances = [...trees].filter(([, path]) => path[0] === 'Beauty and Personal Care' && path[1] === 'Fragrances');
    expect(fragrances).toEqual(new Set(expectedFragrances.map(([id]) => id)));
    expect(fragrances.size).toBeGreaterThan(0);
  });
});

describe('the size rule on a catalog with variants', () => {
  let loaded: LoadedBundle;

  beforeAll(async () => {
    const file = join(tempDir(), 'sized.json');
    const products = [
      { id: 'tee-sm', title: 'Tee S/M', price: 20, sizes: 'S|M', colors: ['red', 'blue'], in_stock: true },
      { id: 'tee-l', title: 'Tee L/XL', price: 20, sizes: ['L', 'XL'], in_stock: true },
      { id: 'tee-m-gone', title: 'Tee M sold out', price: 20, sizes: 'M', in_stock: false },
      { id: 'mug', title: 'Mug', price: 8, in_stock: true },
      { id: 'scarf', title: 'Scarf in colours', price: 15, colors: 'red|green', in_stock: true },
      { id: 'sample', title: 'Free sample without price', in_stock: true },
    ];
    writeFileSync(file, JSON.stringify(products));
    const { bundle } = await buildAndDecode(['--catalog', file, '--dim', '8']);
    loaded = createLoadedBundle(bundle, await loadNodeKernels('js'));
  });

  it('should leave out sized products with no in-stock variant in the visitor size and keep unsized ones', () => {
    expect(filtered(loaded, { size: 'm' })).toEqual(new Set(['tee-sm', 'mug', 'scarf', 'sample']));
    expect(filtered(loaded, { size: 'XL' })).toEqual(new Set(['tee-l', 'mug', 'scarf', 'sample']));
    // A size asked again (in another case) gives the same answer.
    expect(filtered(loaded, { size: 'M' })).toEqual(new Set(['tee-sm', 'mug', 'scarf', 'sample']));
    expect(filtered(loaded, {}).size).toBe(6);
  });

  it('should never match a product without a price by a price rule', () => {
    expect(filtered(loaded, { include: { price: { min: 0 } } }).has('sample')).toBe(false);
    expect(filtered(loaded, { exclude: [{ price: { min: 0 } }] })).toEqual(new Set(['sample']));
  });
});
