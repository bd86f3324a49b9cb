import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runEvalSimilar } from '../../src/cli/commands/eval-similar.ts';
import { categoryShares, type SimilarQuality } from '../../src/cli/eval/similar-quality.ts';
import { bareProduct } from '../../src/cli/bundle-builder/product.ts';
import type { ProductInput } from '../../src/shared/bundle/types.ts';
import { FLIPKART, FLIPKART_FIELDS, tempDir, type Captured } from './cli-helpers.ts';

const DEMO_PRODUCTS = new URL('../../demo/data/products.json', import.meta.url).pathname;
const DEMO_CARTS = new URL('../../demo/data/carts.json', import.meta.url).pathname;

async function evalSimilar(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEvalSimilar(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function report(argv: string[]): Promise<SimilarQuality> {
  const run = await evalSimilar([...argv, '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.out[0]!) as SimilarQuality;
}

function product(id: string, category: string[]): ProductInput {
  return bareProduct(id, { category });
}

describe('categoryShares', () => {
  it('should average, per depth, the share of each top-k list in the viewed product category', () => {
    const products = [
      product('a', ['Shoes', 'Running']),
      product('b', ['Shoes', 'Running']),
      product('c', ['Shoes', 'Hiking']),
      product('d', ['Home']),
      product('e', []),
    ];
    const similar = [
      [1, 2],
      [3, 0],
      [0, 3],
      [0, 1],
      [0, 1],
    ];
    const tfidf = [
      [3, 4],
      [2, 3],
      [3, 4],
      [4, 0],
      [0, 1],
    ];
    const [one, two, ...deeper] = categoryShares(products, { similar, tfidf }, [2]);
    // Depth 1: a, b, c scored (d is alone in Home, e has no category). a: 2/2, b: 1/2, c: 1/2.
    expect(one).toEqual({ depth: 1, scored: 3, similar: [2 / 3], tfidf: [1 / 6], best: [1] });
    // Depth 2: only a and b share "Shoes > Running"; c is alone in Hiking. a: 1/2, b: 1/2; best min(2, 1)/2.
    expect(two).toEqual({ depth: 2, scored: 2, similar: [0.5], tfidf: [0], best: [0.5] });
    expect(deeper).toEqual([]);
  });
});

describe('vitrine eval similar', () => {
  it('should be reached by `vitrine eval similar` while `vitrine eval` still takes --train', async () => {
    const logged: string[] = [];
    const original = console.log;
    console.log = (line: string) => logged.push(line);
    try {
      expect(await main(['eval', 'similar', '--help'])).toBe(0);
      expect(await main(['eval', '--help'])).toBe(0);
    } finally {
      console.log = original;
    }
    expect(logged[0]).toMatch(/^Usage: vitrine eval similar --catalog FILE/);
    expect(logged[1]).toMatch(/^Usage: vitrine eval --train FILE --test FILE/);
  });

  it('should score a catalog whose answer is known exactly', async () => {
    // Three kinds of four products; each kind shares words no other kind has.
    const kinds = { Shoes: 'running shoe', Lamps: 'brass lamp', Mugs: 'coffee mug' };
    const catalog = Object.entries(kinds).flatMap(([category, words], k) =>
      ['red', 'blue', 'green', 'black'].map((colour, i) => ({
        id: `${k}-${i}`,
        title: `${colour} ${words}`,
        description: `A ${colour} ${words}.`,
        category,
        price: 10 + i,
      })),
    );
    const file = join(tempDir(), 'catalog.json');
    writeFileSync(file, JSON.stringify(catalog));
    const result = await report(['--catalog', file]);
    expect(result.products).toBe(12);
    expect(result.depths).toHaveLength(1);
    const [depth] = result.depths;
    // Each product has 3 others of its kind: a perfect top-5 holds all 3 (3/5), a perfect top-10 too (3/10).
    expect(depth!.scored).toBe(12);
    for (const source of ['similar', 'tfidf', 'best'] as const) {
      expect(depth![source][0], source).toBeCloseTo(0.6, 12);
      expect(depth![source][1], source).toBeCloseTo(0.3, 12);
    }
  });

  it(
    'should keep the DummyJSON demo catalog similar lists in the viewed product category (content only)',
    { timeout: 60_000 },
    async () => {
      const result = await report(['--catalog', DEMO_PRODUCTS]);
      const [top] = result.depths;
      expect(result.embeddingSource).toBe('content');
      expect(top!.scored).toBe(194);
      expect(top!.best[0]).toBeCloseTo(0.895, 3);
      expect(top!.similar[0]).toBeGreaterThanOrEqual(0.8);
      expect(top!.similar[0]).toBeGreaterThan(top!.tfidf[0]!);
    },
  );

  it('should keep the demo bundle (catalog and carts) similar lists in the category', { timeout: 60_000 }, async () => {
    const result = await report(['--catalog', DEMO_PRODUCTS, '--events', DEMO_CARTS]);
    // Carts are complements: they feed co-purchase only, never the look-alike vectors.
    expect(result.embeddingSource).toBe('content');
    expect(result.events).toBeGreaterThan(0);
    expect(result.depths[0]!.similar[0]).toBeGreaterThanOrEqual(0.75);
  });

  it('should keep Flipkart similar lists in the top-level and second-level category', { timeout: 120_000 }, async () => {
    const result = await report(['--catalog', FLIPKART, ...FLIPKART_FIELDS, '--skip-invalid']);
    const [one, two] = result.depths;
    expect(one!.similar[0]).toBeGreaterThanOrEqual(0.95);
    expect(two!.similar[0]).toBeGreaterThanOrEqual(0.9);
  });

  it('should print a table by default', async () => {
    const run = await evalSimilar(['--catalog', DEMO_PRODUCTS]);
    expect(run.code).toBe(0);
    expect(run.out[2]).toMatch(/^depth\s+scored\s+similar@5\s+tfidf@5\s+best@5\s+similar@10/);
    expect(run.out[3]).toMatch(/^\s*1\s+194\s+0\.\d{3}/);
  });
});
