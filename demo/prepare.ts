/**
 * Prepares the demo shop's catalog for `vitrine bundle build`: DummyJSON's products as they are,
 * except that each links to the demo's own product page, shows a picture the demo serves, and
 * names its category as the shop does (`Herrenuhren`, not the slug `mens-watches`).
 * DummyJSON's images live on its CDN, which an offline machine cannot reach, so each product gets
 * a generated SVG tile (its category and initials) instead.
 *
 * Writes demo/build/catalog.json (for the bundle), demo/build/shop-catalog.json (the shop's own
 * product data, what its server would render pages from) and demo/build/images/<id>.svg.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_NAMES } from './shop/category-names.ts';

const DEMO = fileURLToPath(new URL('.', import.meta.url));

interface DummyProduct {
  id: number;
  title: string;
  category: string;
  price: number;
  discountPercentage: number;
  description: string;
  brand?: string;
  rating: number;
  stock: number;
  images?: string[];
  thumbnail?: string;
  [field: string]: unknown;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** A stable hue per category, so a category's tiles look alike. */
function hue(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

/** The shop's (German) name of a DummyJSON category slug: what shoppers read in reasons and on tiles. */
const shownCategory = (slug: string): string => CATEGORY_NAMES[slug]?.[0] ?? slug;

function tile(product: DummyProduct): string {
  const initials = product.title
    .split(/\s+/)
    .filter((word) => /^[\p{L}\p{N}]/u.test(word))
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('');
  const h = hue(product.category);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300">
<rect width="400" height="300" fill="hsl(${h} 45% 88%)"/>
<circle cx="200" cy="135" r="78" fill="hsl(${h} 40% 70%)"/>
<text x="200" y="160" font-family="system-ui, sans-serif" font-size="72" font-weight="600" text-anchor="middle" fill="hsl(${h} 45% 22%)">${xml(initials)}</text>
<text x="200" y="270" font-family="system-ui, sans-serif" font-size="22" text-anchor="middle" fill="hsl(${h} 35% 30%)">${xml(shownCategory(product.category))}</text>
</svg>
`;
}

/** What the shop's pages show of a product (the bundle gets everything). */
function shopProduct({ id, title, description, category, price, discountPercentage, brand, rating, stock }: DummyProduct) {
  return { id: String(id), title, description, category, price, discountPercentage, brand: brand ?? '', rating, stock };
}

export function prepareDemoCatalog(): number {
  const products = JSON.parse(readFileSync(`${DEMO}data/products.json`, 'utf8')) as DummyProduct[];
  mkdirSync(`${DEMO}build/images`, { recursive: true });
  const catalog = products.map(({ images: _images, thumbnail: _thumbnail, ...product }) => {
    writeFileSync(`${DEMO}build/images/${product.id}.svg`, tile(product as DummyProduct));
    return { ...product, category: shownCategory(product.category), url: `/p/${product.id}`, image: `/images/${product.id}.svg` };
  });
  writeFileSync(`${DEMO}build/catalog.json`, JSON.stringify(catalog));
  writeFileSync(`${DEMO}build/shop-catalog.json`, JSON.stringify(products.map(shopProduct)));
  return catalog.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(`demo catalog: ${prepareDemoCatalog()} products in demo/build/catalog.json`);
}
