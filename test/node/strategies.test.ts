/**
 * Every recommendation strategy on real data, through `recommend()` / `rerank()` as the worker
 * calls them: the DummyJSON catalog with its carts (co-purchase and popularity; carts are not visits,
 * so no co-visitation) built by the real CLI, and where session signals are the point, the same
 * carts bought and viewed many times over (`browsedBundle`). Expected answers are derived from products.json and carts.json in the test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/shared/events.ts';
import { normalizeRerank, type RecommendRequest, type ResultItem } from '../../src/shared/request.ts';
import { recommend, rerank } from '../../src/worker/ranking.ts';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { CARTS, buildAndDecode, tempDir } from './cli-helpers.ts';
import {
  DAY,
  NOW,
  cartMates,
  categoryOf,
  currentPriceOf,
  dummyData,
  browsedBundle,
  dummyJsonBundle,
  events,
  ids,
  views,
  visitor,
  request,
  loadedBundleOf,
  type DummyProduct,
} from './strategy-helpers.ts';

let loaded: LoadedBundle;
let products: DummyProduct[];

beforeAll(async () => {
  loaded = await dummyJsonBundle();
  products = dummyData().products;
});

const idOf = (p: DummyProduct): string => String(p.id);
/** The CLI reads DummyJSON's availabilityStatus: only "Out of Stock" is out of stock. */
const inStock = (p: DummyProduct): boolean => p.availabilityStatus !== 'Out of Stock';

function run(req: RecommendRequest, list: StoredEvent[] = []) {
  return recommend(loaded, request(req), visitor(list));
}

/** How often each product occurs in carts.json: its all-time (and, without timestamps, trending) popularity. */
function cartCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const cart of dummyData().carts) for (const p of cart.products) counts.set(String(p.id), (counts.get(String(p.id)) ?? 0) + 1);
  return counts;
}

/** The in-stock product (passing `filter`) with the most cart mates outside its category: a good cart seed. */
function bestConnected(filter: (p: DummyProduct) => boolean = () => true): DummyProduct {
  const candidates = products.filter((p) => inStock(p) && filter(p));
  const outside = (p: DummyProduct) => [...cartMates(idOf(p))].filter((id) => dummyData().byId.get(id)!.category !== p.category).length;
  return candidates.sort((a, b) => outside(b) - outside(a) || a.id - b.id)[0]!;
}

describe('similar', () => {
  it('should return, for every product page, items that share a signal with it and never the page product', () => {
    for (const page of products) {
      const id = idOf(page);
      const result = run({ placement: 'similar', product: id, limit: 6 });
      expect(ids(result.items)).not.toContain(id);
      for (const item of result.items.filter((i) => i.strategy === 'similar')) {
        // A qualifying signal: a positive cosine with the page product, or a cart shared with it.
        const shares = item.components.similarity! > 0 || cartMates(id).has(item.productId);
        expect(shares, `${item.productId} on page ${id}`).toBe(true);
      }
    }
  });

  it('should explain every item with the page product as its evidence, even when the visitor viewed other products', () => {
    const session = views(['1', '50', '160']);
    for (const page of products.filter((p) => p.id % 7 === 0)) {
      const id = idOf(page);
      const result = run({ placement: 'similar', product: id, limit: 6 }, session);
      for (const item of result.items.filter((i) => i.strategy === 'similar')) {
        const cited = item.why.filter((reason) => reason.evidenceProduct !== undefined);
        expect(cited.length, `${item.productId} on page ${id}`).toBeGreaterThan(0);
        for (const reason of cited) expect(reason.evidenceProduct).toBe(id);
        for (const reason of item.why.filter((r) => r.component === 'similarity')) {
          expect(reason.message).toBe('similarTo');
          expect(reason.text).toContain(page.title);
        }
      }
    }
  });
});

describe('also_bought', () => {
  it('should recommend only products that share a cart with the carted product, never the cart itself', () => {
    const seed = bestConnected();
    const mates = cartMates(idOf(seed));
    // A second cart item that would otherwise qualify (it shares a cart with the first).
    const second = [...mates].find((id) => inStock(dummyData().byId.get(id)!))!;
    const result = run(
      { placement: 'also_bought', limit: 6 },
      events([
        ['add_to_cart', idOf(seed)],
        ['add_to_cart', second],
      ]),
    );
    const own = result.items.filter((i) => i.strategy === 'also_bought');
    expect(own.length).toBeGreaterThan(0);
    const evidence = new Set([...mates, ...cartMates(second)]);
    for (const item of own) expect(evidence.has(item.productId), item.productId).toBe(true);
    expect(ids(result.items)).not.toContain(idOf(seed));
    expect(ids(result.items)).not.toContain(second);
  });

  it('should forget a product removed from the cart: it may be recommended again and is no longer evidence', () => {
    const seed = bestConnected();
    const mate = [...cartMates(idOf(seed))].find((id) => inStock(dummyData().byId.get(id)!))!;
    const withMate = run(
      { placement: 'also_bought', limit: 12 },
      events([
        ['add_to_cart', idOf(seed)],
        ['add_to_cart', mate],
      ]),
    );
    const removed = run(
      { placement: 'also_bought', limit: 12 },
      events([
        ['add_to_cart', idOf(seed)],
        ['add_to_cart', mate],
        ['remove_from_cart', mate],
      ]),
    );
    expect(ids(withMate.items)).not.toContain(mate);
    expect(ids(removed.items)).toContain(mate);
    // Only the remaining cart item is co-purchase evidence.
    for (const item of removed.items) {
      for (const reason of item.why.filter((r) => r.component === 'copurchase')) expect(reason.evidenceProduct).toBe(idOf(seed));
    }
    expect(ids(removed.items)).not.toContain(idOf(seed));
  });

  describe('with the size rule on a catalog with sized variants', () => {
    let sized: LoadedBundle;

    beforeAll(async () => {
      const dir = tempDir();
      const catalog = join(dir, 'sized.json');
      const carts = join(dir, 'carts.json');
      writeFileSync(
        catalog,
        JSON.stringify([
          { id: 'jeans', title: 'Blue jeans', price: 60, sizes: 'S|M|L', in_stock: true },
          { id: 'tee-sm', title: 'Tee S/M', price: 20, sizes: 'S|M', in_stock: true },
          { id: 'tee-l', title: 'Tee L/XL', price: 20, sizes: ['L', 'XL'], in_stock: true },
          { id: 'tee-m-gone', title: 'Tee M sold out', price: 20, sizes: 'M', in_stock: false },
          { id: 'belt', title: 'Leather belt', price: 25, in_stock: true },
          { id: 'scarf', title: 'Scarf in colours', price: 15, colors: 'red|green', in_stock: true },
          { id: 'socks', title: 'Socks', price: 5, in_stock: true },
        ]),
      );
      // Every other product was bought with the jeans; socks never were.
      writeFileSync(
        carts,
        JSON.stringify([
          { id: 1, products: [{ id: 'jeans' }, { id: 'tee-sm' }, { id: 'tee-l' }] },
          { id: 2, products: [{ id: 'jeans' }, { id: 'tee-m-gone' }, { id: 'belt' }] },
          { id: 3, products: [{ id: 'jeans' }, { id: 'scarf' }, { id: 'tee-l' }] },
          { id: 4, products: [{ id: 'socks' }, { id: 'belt' }] },
        ]),
      );
      const { bundle } = await buildAndDecode(['--catalog', catalog, '--events', carts, '--dim', '8']);
      sized = await loadedBundleOf(bundle);
    });

    const alsoBought = (rules: { size?: string }) =>
      recommend(
        sized,
        request({ placement: 'also_bought', limit: 10, inStockOnly: false, rules }),
        visitor(events([['add_to_cart', 'jeans']])),
      );

    it('should leave out products with no in-stock variant in the visitor size and keep unsized ones', () => {
      const all = alsoBought({}).items.filter((i) => i.strategy === 'also_bought');
      expect(new Set(ids(all))).toEqual(new Set(['tee-sm', 'tee-l', 'tee-m-gone', 'belt', 'scarf']));
      const inM = alsoBought({ size: 'm' }).items.filter((i) => i.strategy === 'also_bought');
      expect(new Set(ids(inM))).toEqual(new Set(['tee-sm', 'belt', 'scarf']));
      const inXl = alsoBought({ size: 'XL' }).items.filter((i) => i.strategy === 'also_bought');
      expect(new Set(ids(inXl))).toEqual(new Set(['tee-l', 'belt', 'scarf']));
    });
  });
});

describe('goes_with', () => {
  it('should recommend co-purchased products from other categories than the cart, citing the cart item they go with', async () => {
    const first = bestConnected();
    const second = bestConnected((p) => p.category !== first.category && !cartMates(idOf(first)).has(idOf(p)));
    const cart = [idOf(first), idOf(second)];
    const leaves = new Set([first.category, second.category]);
    // Carts bought many times over: every co-purchase link has the evidence a reason needs.
    const browsed = await browsedBundle();
    const result = recommend(
      browsed,
      request({ placement: 'goes_with', limit: 8 }),
      visitor(
        events([
          ['add_to_cart', cart[0]!],
          ['add_to_cart', cart[1]!],
        ]),
      ),
    );
    // The two carts hold enough complements: the list is the strategy's own.
    expect(result.fallback).toBeNull();
    expect(result.items).toHaveLength(8);
    for (const item of result.items) {
      expect(leaves.has(categoryOf(browsed, item.productId)), `${item.productId} is a substitute`).toBe(false);
      expect(cart).not.toContain(item.productId);
      const reason = item.why.find((r) => r.component === 'copurchase');
      expect(reason?.message).toBe('goesWith');
      expect(cart).toContain(reason!.evidenceProduct);
      expect(cartMates(reason!.evidenceProduct!).has(item.productId)).toBe(true);
    }
  });

  it('should not cite a link seen in a single cart: one cart is no "goes well with"', () => {
    const first = idOf(bestConnected());
    const sharedCarts = (id: string) =>
      dummyData().carts.filter((c) => c.products.some((p) => String(p.id) === first) && c.products.some((p) => String(p.id) === id)).length;
    const result = run({ placement: 'goes_with', limit: 8 }, events([['add_to_cart', first]]));
    const own = result.items.filter((item) => item.strategy === 'goes_with');
    let once = 0;
    for (const item of own) {
      expect(item.components.copurchase).toBeGreaterThan(0);
      const cited = item.why.some((r) => r.component === 'copurchase');
      // A cited link was bought together in two carts or more; a link from one cart ranks, silently.
      if (cited) expect(sharedCarts(item.productId)).toBeGreaterThanOrEqual(2);
      if (sharedCarts(item.productId) === 1) {
        once++;
        expect(cited, item.productId).toBe(false);
      }
    }
    expect(once).toBeGreaterThan(0);
  });
});

describe('now_reduced', () => {
  let halfOnSale: LoadedBundle | undefined;
  /** DummyJSON with the discount of the odd ids dropped, so "on sale" can fail. */
  const halfOnSaleBundle = async (): Promise<LoadedBundle> => {
    if (halfOnSale) return halfOnSale;
    const catalog = join(tempDir(), 'half-on-sale.json');
    writeFileSync(catalog, JSON.stringify(products.map((p) => (p.id % 2 === 1 ? { ...p, discountPercentage: 0 } : p))));
    const { bundle } = await buildAndDecode(['--catalog', catalog, '--events', CARTS]);
    return (halfOnSale = await loadedBundleOf(bundle));
  };
  /** Products with discounts, sorted by discount (their sale price is below the list price the visitor saw). */
  const discounted = () =>
    products.filter((p) => inStock(p) && p.discountPercentage >= 5).sort((a, b) => b.discountPercentage - a.discountPercentage);

  it('should return viewed, not bought products now cheaper than seen, with the old and new price and the view time', () => {
    const [deep, shallow, bought, cheaperSeen, resolved] = [
      discounted()[0]!,
      discounted()[20]!,
      discounted()[5]!,
      discounted()[10]!,
      discounted()[15]!,
    ];
    const list: StoredEvent[] = [
      // Seen two days ago at the list price; reduced since.
      { type: 'view', product: idOf(shallow), price: shallow.price, time: NOW - 2 * DAY },
      { type: 'view', product: idOf(deep), price: deep.price, time: NOW - 2 * DAY + 60_000 },
      // Seen at the list price, then bought: no reminder.
      { type: 'view', product: idOf(bought), price: bought.price, time: NOW - 2 * DAY + 120_000 },
      { type: 'purchase', product: idOf(bought), time: NOW - 2 * DAY + 180_000 },
      // Seen below today's price: not a drop.
      { type: 'view', product: idOf(cheaperSeen), price: currentPriceOf(loaded, idOf(cheaperSeen)) / 2, time: NOW - DAY },
      // Seen at the list price, later at today's price: the latest price seen counts.
      { type: 'view', product: idOf(resolved), price: resolved.price, time: NOW - 2 * DAY },
      { type: 'view', product: idOf(resolved), price: currentPriceOf(loaded, idOf(resolved)), time: NOW - DAY },
    ];
    const result = run({ placement: 'now_reduced', limit: 2 }, list);
    // The deeper discount is the larger drop, so it comes first.
    expect(ids(result.items)).toEqual([idOf(deep), idOf(shallow)]);
    expect(result.fallback).toBeNull();
    for (const [item, product, time] of [
      [result.items[0]!, deep, NOW - 2 * DAY + 60_000],
      [result.items[1]!, shallow, NOW - 2 * DAY],
    ] as const) {
      expect(item.strategy).toBe('now_reduced');
      const reason = item.why[0]!;
      expect(reason.message).toBe('priceDrop');
      expect(reason.params.oldPrice).toBe(product.price);
      // Today's price as the shop wrote it (cents), like the item's own, not the bundle's float32.
      expect(reason.params.price).toBe(Math.round(currentPriceOf(loaded, idOf(product)) * 100) / 100);
      expect(reason.params.price).toBe(item.salePrice ?? item.price);
      expect(reason.params.price!).toBeLessThan(product.price);
      expect(reason.params.date).toBe(time);
      expect(reason.contribution).toBeCloseTo(1 - currentPriceOf(loaded, idOf(product)) / product.price, 6);
    }
  });

  it('should fill a short list from the bestsellers on sale only, and say so', async () => {
    // DummyJSON discounts every product; drop the discount of the odd ids so "on sale" can fail.
    const halfOnSale = await halfOnSaleBundle();
    const viewed = products.find((p) => p.id % 2 === 0 && inStock(p) && p.discountPercentage > 5)!;
    const seen = visitor([{ type: 'view', product: idOf(viewed), price: viewed.price, time: NOW - DAY }]);
    const result = recommend(halfOnSale, request({ placement: 'now_reduced', limit: 10 }), seen);
    expect(ids(result.items)[0]).toBe(idOf(viewed));
    expect(result.items).toHaveLength(10);
    expect(result.fallback).toEqual({ strategy: 'trending', count: 9, reason: 'too-few-items' });
    const filled = result.items.slice(1);
    for (const item of filled) {
      expect(item.strategy).toBe('trending');
      expect(Number(item.productId) % 2, `${item.productId} is not on sale`).toBe(0);
      expect(item.salePrice!).toBeLessThan(item.price!);
      expect(
        item.why.some((reason) => reason.component === 'priceDrop'),
        item.productId,
      ).toBe(false);
    }
    // The bestsellers in their order, those not on sale left out.
    const bestsellers = recommend(halfOnSale, request({ placement: 'trending', limit: 100, exclude: [idOf(viewed)] }), seen);
    expect(ids(filled)).toEqual(ids(bestsellers.items.filter((item) => Number(item.productId) % 2 === 0)).slice(0, 9));
  });

  it("should fill the whole list from the bestsellers on sale when the visitor saw no price drop, never from for_you's picks", () => {
    const session = views(['1', '2']);
    const result = run({ placement: 'now_reduced', limit: 4 }, session);
    expect(result.items).toHaveLength(4);
    expect(result.items.every((item) => item.strategy === 'trending')).toBe(true);
    expect(result.fallback).toEqual({ strategy: 'trending', count: 4, reason: 'no-signal' });
    expect(ids(result.items)).toEqual(ids(run({ placement: 'trending', limit: 4 }, session).items));
  });

  it("should not take a view at today's price for a drop, although the bundle rounds prices to float32", () => {
    // The price a shop's page shows (in cents, as the JSON-LD gives it) is today's sale price.
    const seenToday = discounted().slice(0, 20);
    const atTodaysPrice = seenToday.map((p, i) => ({
      type: 'view' as const,
      product: idOf(p),
      price: Math.round(p.price * (100 - p.discountPercentage)) / 100,
      time: NOW - DAY + i * 60_000,
    }));
    // Most of these cents values are not float32 numbers: the bundle holds them a hair lower.
    expect(atTodaysPrice.filter((e) => Math.fround(e.price) !== e.price).length).toBeGreaterThan(10);
    const result = run({ placement: 'now_reduced', limit: 4 }, atTodaysPrice);
    expect(result.items.filter((item) => item.strategy === 'now_reduced')).toEqual([]);
    expect(result.fallback?.reason).toBe('no-signal');
  });

  it('should show a product whose regular price fell since the view, though it has no sale price', async () => {
    const halfOnSale = await halfOnSaleBundle();
    const full = products.find((p) => p.id % 2 === 1 && inStock(p))!;
    const seen = visitor([{ type: 'view', product: idOf(full), price: full.price + 10, time: NOW - DAY }]);
    const result = recommend(halfOnSale, request({ placement: 'now_reduced', limit: 4 }), seen);
    const first = result.items[0]!;
    expect(first.productId).toBe(idOf(full));
    expect(first.strategy).toBe('now_reduced');
    expect(first.salePrice).toBeNull();
    expect(first.why[0]).toMatchObject({ component: 'priceDrop', params: { oldPrice: full.price + 10, price: first.price } });
  });
});

describe('for_you', () => {
  it('should follow the session by content when the log holds only carts: after smartphones, look-alikes, nothing pulled in by a cart', () => {
    const phones = products.filter((p) => p.category === 'smartphones').map(idOf);
    for (let at = 0; at + 3 <= phones.length; at += 3) {
      const session = phones.slice(at, at + 3);
      const result = run({ placement: 'for_you', limit: 10 }, views(session));
      expect(result.items).toHaveLength(10);
      // Carts are purchases, not visits: views of phones draw nothing from them.
      expect(result.weights.sessionKnn).toBeUndefined();
      expect(result.weights.copurchase).toBeUndefined();
      for (const item of result.items) {
        expect(item.components.similarity, `${item.productId} after ${session.join(',')}`).toBeGreaterThan(0);
        expect(item.components.covisitation ?? 0).toBe(0);
        expect(session).not.toContain(item.productId);
      }
      // The best match is a phone, and phones are several times their share of the catalog (16 of 194).
      expect(categoryOf(loaded, result.items[0]!.productId)).toBe('smartphones');
      expect(result.items.filter((item) => categoryOf(loaded, item.productId) === 'smartphones').length).toBeGreaterThanOrEqual(3);
    }
  });

  it('should leave out products viewed in this session unless includeViewed is set', () => {
    // A category page narrows for_you to few products; the limits ask for exactly what it may show.
    const viewed = ['78', '80'];
    const laptops = products.filter((p) => p.category === 'laptops' && inStock(p)).map(idOf);
    const unseen = laptops.filter((id) => !viewed.includes(id));
    const base = { placement: 'for_you', category: 'laptops' } as const;
    const plain = run({ ...base, limit: unseen.length }, views(viewed));
    expect(plain.fallback).toBeNull();
    expect(new Set(ids(plain.items))).toEqual(new Set(unseen));
    const again = run({ ...base, limit: laptops.length, includeViewed: true }, views(viewed));
    expect(again.fallback).toBeNull();
    expect(new Set(ids(again.items))).toEqual(new Set(laptops));
  });

  it('should leave out purchased products, except in the repeat-purchase categories', () => {
    const grocery = products.find((p) => p.category === 'groceries' && inStock(p))!;
    const laptop = products.find((p) => p.category === 'laptops' && inStock(p))!;
    // Bought last week (an earlier visit, so not excluded as "viewed in this session").
    const history = events(
      [
        ['purchase', idOf(grocery)],
        ['purchase', idOf(laptop)],
      ],
      NOW - 7 * DAY,
    );
    const listed = (category: string, rules = {}) => ids(run({ placement: 'for_you', limit: 100, category, rules }, history).items);
    expect(listed('groceries')).not.toContain(idOf(grocery));
    expect(listed('groceries', { repeatCategories: ['groceries'] })).toContain(idOf(grocery));
    expect(listed('laptops', { repeatCategories: ['groceries'] })).not.toContain(idOf(laptop));
    expect(listed('laptops', { excludePurchased: false })).toContain(idOf(laptop));
  });

  it('should leave out dismissed products', () => {
    const laptop = products.find((p) => p.category === 'laptops' && inStock(p))!;
    const base = { placement: 'for_you', limit: 100, category: 'laptops' } as const;
    expect(ids(run(base).items)).toContain(idOf(laptop));
    expect(ids(run(base, events([['dismiss', idOf(laptop)]], NOW - DAY)).items)).not.toContain(idOf(laptop));
  });
});

describe('trending', () => {
  it('should rank the most carted in-stock products first, saying only that they are popular (no times, no "this week")', () => {
    const counts = cartCounts();
    const result = run({ placement: 'trending', limit: 10 });
    const got = ids(result.items).map((id) => counts.get(id) ?? 0);
    // Without timestamps the trending window is all time: cart counts decide, best first.
    const best = products
      .filter(inStock)
      .map((p) => counts.get(idOf(p)) ?? 0)
      .sort((a, b) => b - a)
      .slice(0, 10);
    expect(got).toEqual(best);
    // DummyJSON carts carry no times, so there is no "this week" to claim: the reason says popular.
    for (const item of result.items) expect(item.why[0]).toMatchObject({ component: 'trending', message: 'popular' });
  });

  it('should keep to the requested category', () => {
    for (const category of ['laptops', 'groceries', 'womens-watches']) {
      const result = run({ placement: 'trending', limit: 4, category });
      expect(result.items).toHaveLength(4);
      for (const item of result.items) {
        expect(categoryOf(loaded, item.productId)).toBe(category);
        // Products never carted have no trending score, hence no trending reason.
        const reason = item.why.find((r) => r.component === 'trending');
        if (item.components.trending! > 0) expect(reason).toMatchObject({ message: 'popular' });
        else expect(reason).toBeUndefined();
      }
    }
  });
});

describe('rerank', () => {
  /** Spearman correlation of list position with `value` (ties broken by position): -1 = largest first. */
  function spearman(order: readonly string[], value: (id: string) => number): number {
    const n = order.length;
    const sorted = order.map((id, at) => ({ at, value: value(id) })).sort((a, b) => a.value - b.value || a.at - b.at);
    const rank = new Array<number>(n);
    sorted.forEach(({ at }, r) => (rank[at] = r));
    let squares = 0;
    for (let at = 0; at < n; at++) squares += (at - rank[at]!) ** 2;
    return 1 - (6 * squares) / (n * (n * n - 1));
  }

  /** Spearman correlation of list position with current price: -1 = dearest first. */
  function priceOrder(order: readonly string[]): number {
    return spearman(order, (id) => currentPriceOf(loaded, id));
  }

  /** Spearman correlation of list position with the product's discount: -1 = deepest discount first. */
  function discountOrder(order: readonly string[]): number {
    return spearman(order, (id) => dummyData().byId.get(id)!.discountPercentage);
  }

  /** The dearest product of each of several categories: a premium buyer's browsing. */
  function dearest(): string[] {
    return ['fragrances', 'laptops', 'womens-bags', 'mens-shoes', 'sunglasses', 'furniture', 'tops'].map((category) => {
      const sorted = products
        .filter((p) => p.category === category)
        .sort((a, b) => currentPriceOf(loaded, idOf(a)) - currentPriceOf(loaded, idOf(b)));
      return idOf(sorted.at(-1)!);
    });
  }

  /** The most discounted products of the catalog: a bargain hunter's browsing. */
  function deepestDiscounts(): string[] {
    return [...products]
      .sort((a, b) => b.discountPercentage - a.discountPercentage)
      .slice(0, 7)
      .map(idOf);
  }

  it('should show a returning premium buyer the dearer products of a category page earlier, and a bargain hunter the deeper discounts', () => {
    // Browsed on an earlier visit: the current session is empty for both, so only what the
    // engine learnt about their price style tells the two orders apart.
    const premium = visitor(views(dearest(), NOW - 3 * DAY));
    const bargain = visitor(views(deepestDiscounts(), NOW - 3 * DAY));
    // Category pages with enough products for an order to mean something (none of them browsed).
    for (const category of ['groceries', 'kitchen-accessories', 'mobile-accessories', 'smartphones', 'sports-accessories']) {
      const page = products.filter((p) => p.category === category).map(idOf);
      expect(page.length).toBeGreaterThanOrEqual(10);
      const { ids: list, options } = normalizeRerank(page, {}, {});
      const forPremium = rerank(loaded, list, options, premium).order;
      const forBargain = rerank(loaded, list, options, bargain).order;
      expect(new Set(forPremium)).toEqual(new Set(page));
      expect(priceOrder(forPremium), category).toBeLessThan(priceOrder(forBargain));
      expect(priceOrder(forPremium), category).toBeLessThan(0);
      expect(discountOrder(forBargain), category).toBeLessThan(discountOrder(forPremium));
      expect(discountOrder(forBargain), category).toBeLessThan(0);
    }
  });

  it('should keep unknown ids at the end in their order, count a repeated id once and keep out-of-stock products', () => {
    const outOfStock = products.find((p) => !inStock(p))!;
    const given = ['nope-1', '5', idOf(outOfStock), '123', 'nope-2', '5', '60'];
    const { ids: list, options } = normalizeRerank(given, {}, {});
    const result = rerank(loaded, list, options, visitor(views(['121'])));
    expect(result.unknown).toEqual(['nope-1', 'nope-2']);
    expect(result.order.slice(-2)).toEqual(['nope-1', 'nope-2']);
    expect(new Set(result.order.slice(0, -2))).toEqual(new Set(['5', idOf(outOfStock), '123', '60']));
    expect(result.order).toHaveLength(6);
    expect(ids(result.items)).toEqual(result.order.slice(0, -2));
    // Best first by the combined score; equal scores keep the shop's order.
    for (let i = 1; i < result.items.length; i++) expect(result.items[i - 1]!.score).toBeGreaterThanOrEqual(result.items[i]!.score - 1e-6);
  });
});

describe('cold start (no history)', () => {
  /** Lower-case ASCII words of a product's title, brand, category and tags: what a search can match. */
  function words(p: DummyProduct): string[] {
    return [p.title, p.brand ?? '', p.category, ...p.tags]
      .join(' ')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  }

  it('should put the products matching the search query first, explained by the search', () => {
    for (const query of ['lipstick', 'watch']) {
      const matching = new Set(products.filter((p) => inStock(p) && words(p).some((w) => w.startsWith(query))).map(idOf));
      expect(matching.size).toBeGreaterThan(0);
      const result = run({ placement: 'for_you', limit: matching.size + 2, context: { visit: { query } } });
      const head = result.items.slice(0, matching.size);
      expect(new Set(ids(head))).toEqual(matching);
      for (const item of head) expect(item.why[0]).toMatchObject({ component: 'context', message: 'matchesSearch', params: { query } });
      for (const item of result.items.slice(matching.size)) expect(item.why.some((r) => r.message === 'matchesSearch')).toBe(false);
    }
  });

  it('should put the landing category first, explained as picked for it', () => {
    const laptops = products.filter((p) => p.category === 'laptops' && inStock(p)).map(idOf);
    const result = run({ placement: 'for_you', limit: laptops.length + 3, context: { visit: { category: 'laptops' } } });
    expect(new Set(ids(result.items.slice(0, laptops.length)))).toEqual(new Set(laptops));
    for (const item of result.items.slice(0, laptops.length)) {
      expect(item.why[0]).toMatchObject({ message: 'pickedFor', params: { category: 'laptops' } });
    }
    for (const item of result.items.slice(laptops.length)) expect(categoryOf(loaded, item.productId)).not.toBe('laptops');
  });

  it('should show bestsellers without any context, and session evidence from the first view on', async () => {
    const counts = cartCounts();
    const cold = run({ placement: 'for_you', limit: 6 });
    const best = products
      .filter(inStock)
      .map((p) => counts.get(idOf(p)) ?? 0)
      .sort((a, b) => b - a)
      .slice(0, 6);
    expect(ids(cold.items).map((id) => counts.get(id) ?? 0)).toEqual(best);
    const session = ['similarity', 'covisitation', 'sessionKnn'];
    for (const item of cold.items) {
      expect(item.why[0]).toMatchObject({ component: 'popularity', message: 'bestseller' });
      for (const component of session) expect(item.components[component] ?? 0).toBe(0);
    }
    // On a shop whose visitors view what they buy, the first view brings the session signals in.
    const first = bestConnected();
    const browsed = await browsedBundle();
    const warm = recommend(browsed, request({ placement: 'for_you', limit: 6 }), visitor(views([idOf(first)])));
    for (const item of warm.items) {
      for (const component of session) expect(Object.keys(item.components)).toContain(component);
      expect(item.components.covisitation! + item.components.sessionKnn!).toBeGreaterThan(0);
      expect(item.why[0]!.evidenceProduct).toBe(idOf(first));
      expect(cartMates(idOf(first)).has(item.productId)).toBe(true);
    }
  });
});

describe('business rules through recommend()', () => {
  const brandCounts = (items: ResultItem[]) => {
    const counts = new Map<string, number>();
    for (const item of items) if (item.brand !== '') counts.set(item.brand, (counts.get(item.brand) ?? 0) + 1);
    return counts;
  };

  it('should never show more than maxPerBrand items of one brand, and still fill the list', () => {
    // Pages whose uncapped list repeats a brand, so the cap has something to do.
    // `for_you` after a view of the page product: a list that always fills up (`similar` stops at its look-alikes).
    const forYou = (p: DummyProduct, rules?: RecommendRequest['rules']) =>
      run({ placement: 'for_you', limit: 10, rules }, views([idOf(p)]));
    const pages = products.filter((p) => [...brandCounts(forYou(p).items).values()].some((n) => n > 1));
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) {
      const capped = forYou(page, { maxPerBrand: 1 });
      expect(capped.items).toHaveLength(10);
      for (const [brand, n] of brandCounts(capped.items)) expect(n, `${brand} on page ${page.id}`).toBe(1);
    }
  });

  it('should move boosted products up and cite the shop when the boost is the strongest reason', () => {
    const plain = run({ placement: 'trending', limit: 10 });
    // A brand absent from the plain list, with several products in stock.
    const brand = [...new Set(products.map((p) => p.brand).filter((b): b is string => b !== undefined))].find(
      (b) => !plain.items.some((i) => i.brand === b) && products.filter((p) => p.brand === b && inStock(p)).length >= 3,
    )!;
    const boosted = run({ placement: 'trending', limit: 10, rules: { boost: [{ brand: [brand], weight: 2 }] } });
    const ofBrand = products.filter((p) => p.brand === brand && inStock(p)).length;
    expect(boosted.items.slice(0, ofBrand).every((item) => item.brand === brand)).toBe(true);
    for (const item of boosted.items) {
      const strongest = Object.entries(item.components).sort((a, b) => b[1] - a[1])[0]![0];
      if (strongest === 'rules') expect(item.why[0]).toMatchObject({ component: 'rules', message: 'featured' });
      else expect(item.why.some((r) => r.message === 'featured')).toBe(false);
    }
  });

  it('should fill a list that filters left short from the fallback strategies, and say from which and how many', () => {
    // also_bought qualifies only co-bought products; keeping to groceries leaves few of them.
    const seed = bestConnected((p) => p.category !== 'groceries');
    const coBoughtGroceries = [...cartMates(idOf(seed))].filter((id) => {
      const p = dummyData().byId.get(id)!;
      return p.category === 'groceries' && inStock(p);
    });
    const groceries = products.filter((p) => p.category === 'groceries' && inStock(p));
    const limit = 12;
    expect(coBoughtGroceries.length).toBeGreaterThan(0);
    expect(coBoughtGroceries.length).toBeLessThan(limit);
    expect(groceries.length).toBeGreaterThanOrEqual(limit);
    const cart = events([['add_to_cart', idOf(seed)]]);
    const result = run({ placement: 'also_bought', limit, rules: { include: { category: ['groceries'] } } }, cart);
    // The catalog has enough groceries, so the list is full, and every item keeps to the filter.
    expect(result.items).toHaveLength(limit);
    for (const item of result.items) expect(categoryOf(loaded, item.productId)).toBe('groceries');
    const own = result.items.filter((item) => item.strategy === 'also_bought');
    expect(new Set(ids(own))).toEqual(new Set(coBoughtGroceries));
    const filled = result.items.slice(own.length);
    expect(filled.every((item) => item.strategy !== 'also_bought')).toBe(true);
    expect(result.fallback).toMatchObject({
      strategy: filled[0]!.strategy,
      count: limit - coBoughtGroceries.length,
      reason: 'too-few-items',
    });
    // A category too small for the limit: everything it has, and no more.
    const laptops = run({ placement: 'similar', product: '78', limit: 10, rules: { include: { category: ['laptops'] } } });
    expect(laptops.items).toHaveLength(products.filter((p) => p.category === 'laptops' && inStock(p)).length - 1);
  });
});
