/**
 * The shop's own product data, as its server would have it: written by demo/prepare.ts from the
 * DummyJSON catalog, bundled into the pages at build time (demo/vite.config.ts). Vitrine knows the same products from
 * its bundle; the shop needs its own copy for its pages, its search and its cart.
 */
import products from 'virtual:shop-catalog';
import { CATEGORY_NAMES } from './category-names.ts';

export interface ShopProduct {
  id: string;
  title: string;
  description: string;
  /** DummyJSON's category slug, e.g. `'smartphones'`. */
  category: string;
  /** List price, EUR. */
  price: number;
  discountPercentage: number;
  brand: string;
  rating: number;
  stock: number;
}

export const PRODUCTS: ShopProduct[] = products;

const BY_ID = new Map(PRODUCTS.map((product) => [product.id, product]));

export const productById = (id: string): ShopProduct | undefined => BY_ID.get(id);

/** The price the shop charges: the list price less the discount, to the cent (as `vitrine bundle build` derives it). */
export const salePrice = (product: ShopProduct): number => Math.round(product.price * (100 - product.discountPercentage)) / 100;

/** Category slugs, largest first (the header shows the first few). */
export const CATEGORIES: string[] = (() => {
  const counts = new Map<string, number>();
  for (const { category } of PRODUCTS) counts.set(category, (counts.get(category) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([slug]) => slug);
})();

export const inCategory = (slug: string): ShopProduct[] => PRODUCTS.filter((product) => product.category === slug);

/**
 * The shop's own search: products whose title, brand, category (its slug and the shop's German and
 * English names: „Uhr" finds the Herrenuhren) or description contain every word of the query
 * (case-insensitive), title matches first. Vitrine then orders these for the visitor.
 */
export function search(query: string): ShopProduct[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const text = (product: ShopProduct) =>
    `${product.title} ${product.brand} ${product.category} ${CATEGORY_NAMES[product.category]?.join(' ') ?? ''} ${product.description}`.toLowerCase();
  const hits = PRODUCTS.filter((product) => words.every((word) => text(product).includes(word)));
  const inTitle = (product: ShopProduct) => words.filter((word) => product.title.toLowerCase().includes(word)).length;
  return hits.sort((a, b) => inTitle(b) - inTitle(a));
}
