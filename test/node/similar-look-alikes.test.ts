/**
 * "Similar products" shows look-alikes, not products that share a colour word: the demo shop's
 * Red Nail Polish once listed Red Onions, through the title word "red" alone. Built with the real
 * builder on a small catalog where "red" is in one product of every kind, ranked by the engine as
 * a new visitor's product page asks for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleBundleInput } from '../../src/cli/bundle-builder/build.ts';
import { contentMatrix } from '../../src/cli/bundle-builder/content-features.ts';
import { bareProduct } from '../../src/cli/bundle-builder/product.ts';
import { createProgress } from '../../src/cli/bundle-builder/progress.ts';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import type { ProductInput } from '../../src/shared/bundle/types.ts';
import type { RecommendResult } from '../../src/shared/request.ts';
import { recommend } from '../../src/worker/ranking.ts';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { loadedBundleOf, request, visitor } from './strategy-helpers.ts';

/** Five kinds of products; every kind has one red product, so "red" says nothing about the kind. */
const KINDS: Record<string, string[]> = {
  Beauty: ['Red Nail Polish', 'Red Lipstick', 'Lash Mascara', 'Eyeshadow Palette', 'Face Powder'],
  Groceries: ['Red Onions', 'Potatoes', 'Cucumber', 'Basmati Rice', 'Honey Jar', 'Fresh Milk'],
  Kitchen: ['Red Tongs', 'Wooden Spoon', 'Chef Knife', 'Cutting Board', 'Mixing Bowl'],
  Shoes: ['Red Sneakers', 'Leather Boots', 'Running Trainers', 'Suede Loafers', 'Canvas Slip-ons'],
  Dresses: ['Red Evening Dress', 'Floral Summer Dress', 'Linen Shirt Dress', 'Knit Midi Dress', 'Denim Pinafore'],
  // A thin category: two look-alikes are too few for a carousel.
  Watches: ['Red Strap Watch', 'Steel Diver Watch', 'Gold Dress Watch'],
};

/** Each kind's description words, shared within the kind. */
const KIND_WORDS: Record<string, string> = {
  Beauty: 'makeup for a glossy salon finish',
  Groceries: 'fresh produce for the pantry',
  Kitchen: 'cooking utensil for the kitchen',
  Shoes: 'footwear with a cushioned sole',
  Dresses: 'womens fashion with a flattering cut',
  Watches: 'timepiece with a sapphire crystal',
};

function catalog(withCategories: boolean): { products: ProductInput[]; descriptions: string[] } {
  const products: ProductInput[] = [];
  const descriptions: string[] = [];
  for (const [kind, titles] of Object.entries(KINDS)) {
    titles.forEach((title, i) => {
      products.push(
        bareProduct(`${kind}-${i}`, { title, category: withCategories ? [kind] : [], brand: `${kind} Brand ${i}`, price: 5 + i * 7 }),
      );
      descriptions.push(`${title}: ${KIND_WORDS[kind]}.`);
    });
  }
  return { products, descriptions };
}

async function built(withCategories: boolean): Promise<LoadedBundle> {
  const { products, descriptions } = catalog(withCategories);
  const input = assembleBundleInput({
    products,
    descriptions,
    events: undefined,
    quantize: 'none',
    topM: 50,
    trendingDays: 7,
    seed: 1,
    builtAt: new Date(0).toISOString(),
    progress: createProgress(false),
  });
  return loadedBundleOf(decodeBundle(encodeBundle(input)));
}

const kindOf = (productId: string) => productId.split('-')[0]!;

function similarTo(loaded: LoadedBundle, productId: string): RecommendResult {
  return recommend(loaded, request({ placement: 'similar', product: productId, limit: 6 }), visitor([]));
}

describe('similar: look-alikes, not namesakes', () => {
  let categorised: LoadedBundle;
  beforeAll(async () => {
    categorised = await built(true);
  });

  it('should list the other cosmetics for the red nail polish, and no grocery, kitchen tool or shoe as similar', () => {
    const result = similarTo(categorised, 'Beauty-0');
    const own = result.items.filter((item) => item.strategy === 'similar');
    expect(own.map((item) => item.productId).sort()).toEqual(['Beauty-1', 'Beauty-2', 'Beauty-3', 'Beauty-4']);
    for (const item of own) expect(item.why[0]!.params.title).toBe('Red Nail Polish');
  });

  it('should stop at four look-alikes rather than pad the list with products from other aisles', () => {
    const result = similarTo(categorised, 'Beauty-0');
    expect(result.items.map((item) => kindOf(item.productId))).toEqual(Array(4).fill('Beauty'));
    expect(result.fallback).toBeNull();
  });

  it('should fill a list of fewer than four look-alikes as a fallback that claims no likeness', () => {
    const result = similarTo(categorised, 'Watches-0');
    expect(result.items).toHaveLength(6);
    expect(result.items.slice(0, 2).map((item) => kindOf(item.productId))).toEqual(['Watches', 'Watches']);
    expect(result.fallback).toMatchObject({ reason: 'too-few-items', count: 4 });
    for (const item of result.items.filter((item) => item.strategy !== 'similar')) {
      expect(item.why.map((reason) => reason.message)).not.toContain('similarTo');
      expect(item.components.similarity ?? 0).toBe(0);
    }
  });

  it('should rank every product its own kind first, and no red product of another kind as a look-alike of a red one', () => {
    for (const [kind, titles] of Object.entries(KINDS)) {
      titles.forEach((title, i) => {
        const items = similarTo(categorised, `${kind}-${i}`).items;
        const others = KINDS[kind]!.length - 1;
        expect(
          items.slice(0, others).map((item) => kindOf(item.productId)),
          title,
        ).toEqual(Array(others).fill(kind));
        if (!title.startsWith('Red ')) return;
        const namesakes = items.filter(
          (item) => item.strategy === 'similar' && item.title.startsWith('Red ') && kindOf(item.productId) !== kind,
        );
        expect(namesakes, title).toEqual([]);
      });
    }
  });

  it('should be the category structure that tells: without categories the shared colour word still links them', async () => {
    // Not a rule about nail polish or colours: the same catalog without its category paths gives
    // "red" its full weight, and the onions are then as similar as any other cosmetic.
    const flat = await built(false);
    const own = similarTo(flat, 'Beauty-0').items.filter((item) => item.strategy === 'similar');
    expect(own.map((item) => item.productId)).toContain('Groceries-0');
  });
});

describe('content features weigh tokens by what they say about the category', () => {
  const valueOf = (withCategories: boolean, productIndex: number, token: string) => {
    const { products, descriptions } = catalog(withCategories);
    const matrix = contentMatrix(products, descriptions);
    const column = matrix.tokens.indexOf(token);
    for (let e = matrix.offsets[productIndex]!; e < matrix.offsets[productIndex + 1]!; e++) {
      if (matrix.indices[e] === column) return matrix.values[e]!;
    }
    return 0;
  };

  it('should all but drop a word spread over the categories as at random, and keep the words of one category', () => {
    // Red Nail Polish: "red" is in one product of each kind; "makeup" only in cosmetics.
    expect(valueOf(true, 0, 'red')).toBeLessThan(0.2 * valueOf(false, 0, 'red'));
    expect(valueOf(true, 0, 'makeup')).toBeGreaterThan(0);
    expect(valueOf(true, 0, 'cat:beauty')).toBeGreaterThan(valueOf(true, 0, 'red') * 5);
  });
});
