import { describe, expect, it } from 'vitest';
import { contentMatrix } from '../../src/cli/bundle-builder/content-features.ts';
import { contentEmbeddings } from '../../src/cli/bundle-builder/text-embeddings.ts';
import { bareProduct } from '../../src/cli/bundle-builder/product.ts';
import type { ProductInput } from '../../src/shared/bundle/types.ts';
import { dot } from './cli-math.ts';

function product(id: string, title: string, category: string[] = [], brand = ''): ProductInput {
  return bareProduct(id, { title, category, brand, price: 10 });
}

const DIM = 16;

/** Shoes, lamps and mugs, four of each, with a few words shared across kinds. */
const catalog = [
  ...['trail running shoe', 'road running shoe', 'leather walking shoe', 'canvas sneaker shoe'].map((t, i) =>
    product(`s${i}`, t, ['Shoes'], 'Stride'),
  ),
  ...['brass desk lamp', 'brass floor lamp', 'reading lamp with shade', 'bedside lamp'].map((t, i) =>
    product(`l${i}`, t, ['Home', 'Lighting'], 'Glow'),
  ),
  ...['ceramic coffee mug', 'travel coffee mug', 'enamel camping mug', 'glass tea mug'].map((t, i) =>
    product(`m${i}`, t, ['Home', 'Kitchen'], 'Brew'),
  ),
];

describe('contentEmbeddings', () => {
  it('should place every product nearer to its own category than to any other', () => {
    const vectors = contentEmbeddings(catalog, [], { dim: DIM, seed: 1 });
    catalog.forEach((p, i) => {
      const same = catalog.map((q, j) => ({ j, same: q.category.join('>') === p.category.join('>') })).filter((q) => q.j !== i);
      const worstSame = Math.min(...same.filter((q) => q.same).map((q) => dot(vectors, i * DIM, vectors, q.j * DIM, DIM)));
      const bestOther = Math.max(...same.filter((q) => !q.same).map((q) => dot(vectors, i * DIM, vectors, q.j * DIM, DIM)));
      expect(worstSame, p.title).toBeGreaterThan(bestOther);
    });
  });

  it('should give unit vectors', () => {
    const vectors = contentEmbeddings(catalog, [], { dim: DIM, seed: 1 });
    catalog.forEach((_, i) => expect(dot(vectors, i * DIM, vectors, i * DIM, DIM)).toBeCloseTo(1, 5));
  });

  it('should give a catalog of bare ids distinct, non-zero unit vectors', () => {
    const bare = Array.from({ length: 300 }, (_, i) => product(`${100000 + i}`, `${100000 + i}`));
    const vectors = contentEmbeddings(bare, [], { dim: 64, seed: 1 });
    const seen = new Set<string>();
    bare.forEach((_, i) => {
      expect(dot(vectors, i * 64, vectors, i * 64, 64)).toBeCloseTo(1, 5);
      seen.add(Array.from(vectors.subarray(i * 64, (i + 1) * 64)).join(','));
    });
    expect(seen.size).toBe(bare.length);
    // Unrelated ids are far apart: no pair anywhere near a duplicate.
    for (let i = 0; i < bare.length; i++) {
      for (let j = i + 1; j < bare.length; j++) expect(dot(vectors, i * 64, vectors, j * 64, 64)).toBeLessThan(0.9);
    }
  });

  it('should give the same bytes for the same seed and other bytes for another', () => {
    const one = contentEmbeddings(catalog, [], { dim: DIM, seed: 3 });
    const two = contentEmbeddings(catalog, [], { dim: DIM, seed: 3 });
    const bare = [product('a', 'a1'), product('b', 'b1')];
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    const seeded = (seed: number) => Buffer.from(contentEmbeddings(bare, [], { dim: DIM, seed }).buffer);
    expect(seeded(4).equals(seeded(5))).toBe(false);
  });

  it('should keep more dimensions than the catalog has components as zeros, never NaN', () => {
    const vectors = contentEmbeddings(catalog.slice(0, 3), [], { dim: 64, seed: 1 });
    expect(vectors.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < 3; i++) expect(dot(vectors, i * 64, vectors, i * 64, 64)).toBeCloseTo(1, 5);
  });
});

describe('contentMatrix', () => {
  it('should keep only tokens two or more products share', () => {
    const matrix = contentMatrix([product('a', 'red shoe'), product('b', 'blue shoe'), product('c', 'green lamp')], []);
    expect(matrix.tokens).toEqual(['shoe', 'price:5']);
    expect(Array.from(matrix.offsets)).toEqual([0, 2, 4, 5]);
  });

  it('should scale rows as normalised over all their tokens, so a row is as long as the share of the product others can match', () => {
    const matrix = contentMatrix([product('a', 'shoe'), product('b', 'shoe'), product('c', 'shoe lamp')], []);
    const norm = (r: number) => {
      let sum = 0;
      for (let e = matrix.offsets[r]!; e < matrix.offsets[r + 1]!; e++) sum += matrix.values[e]! ** 2;
      return sum;
    };
    expect(norm(0)).toBeCloseTo(1, 12);
    expect(norm(1)).toBeCloseTo(1, 12);
    // "lamp" is c's alone: it counts in c's length but is no column.
    expect(norm(2)).toBeGreaterThan(0);
    expect(norm(2)).toBeLessThan(1);
  });
});
