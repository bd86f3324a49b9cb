/**
 * Product lookup for the profile from the bundle that is serving: titles for `export()`, and the
 * category path, brand, price and colour/size attributes that derived preferences are made of.
 */
import type { Bundle } from '../../shared/bundle/types.ts';
import type { ProductInfo, ResolveProduct } from './affinities.ts';

/** Attribute names read as colour and size (bundles built from different catalogs spell them differently). */
const COLOUR_KEYS = ['colour', 'color'];
const SIZE_KEYS = ['size'];

function attribute(attributes: Record<string, string>, keys: string[]): string | null {
  for (const [key, value] of Object.entries(attributes)) if (keys.includes(key.toLowerCase()) && value) return value;
  return null;
}

/** A resolver over whatever bundle `current()` returns; null for a product it does not know. */
export function bundleResolver(current: () => Bundle | null): ResolveProduct {
  return (id: string): ProductInfo | null => {
    const bundle = current();
    const row = bundle ? bundle.products.indexOf(id) : -1;
    if (!bundle || row < 0) return null;
    const { products } = bundle;
    const category = products.categoryIndex[row]!;
    const price = products.price[row]!;
    const attributes = products.attributes(row);
    return {
      title: products.title(row),
      category: category >= 0 ? (bundle.categories[category]?.path.slice() ?? []) : [],
      brand: products.brand(row),
      price: Number.isNaN(price) ? null : price,
      colour: attribute(attributes, COLOUR_KEYS),
      size: attribute(attributes, SIZE_KEYS),
    };
  };
}
