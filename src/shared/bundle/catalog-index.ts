/**
 * How the writer numbers categories and brands. Exported because the CLI must know these indices
 * to build `Popularity.perCategory` (a CSR graph keyed by category index) before writing.
 */
import { VitrineError } from '../errors.ts';
import { MAX_CATEGORY_DEPTH } from './format.ts';
import type { CategoryNode, ProductInput } from './types.ts';

/** Category tree in first-seen order, parents always before children, plus each product's leaf. */
export interface CategoryTree {
  nodes: CategoryNode[];
  /** Per product, index of its leaf category in `nodes`, or -1 when its path is empty. */
  leafOf: Int32Array;
}

/** Separator in node keys; NUL cannot appear in a sensible category name. */
const KEY_SEP = '\u0000';

/**
 * Throws BUNDLE_LIMIT_EXCEEDED naming the first product whose path is deeper than
 * MAX_CATEGORY_DEPTH. Checked before any path is built: a hostile path may have thousands of levels.
 */
export function checkCategoryDepth(products: readonly Pick<ProductInput, 'id' | 'category'>[]): void {
  products.forEach(({ id, category }, index) => {
    if (category.length > MAX_CATEGORY_DEPTH)
      throw new VitrineError(
        'BUNDLE_LIMIT_EXCEEDED',
        `product ${JSON.stringify(id)}: category path has ${category.length} levels, at most ${MAX_CATEGORY_DEPTH} allowed`,
        { section: 'categories', productId: id, index, depth: category.length, limit: MAX_CATEGORY_DEPTH },
      );
  });
}

/**
 * Numbers the categories of `products`. Linear in the total number of path levels: a node's key is
 * its parent's index plus its name (never the whole path), and a path is its parent's plus one name.
 */
export function buildCategoryTree(products: readonly Pick<ProductInput, 'id' | 'category'>[]): CategoryTree {
  checkCategoryDepth(products);
  const nodes: CategoryNode[] = [];
  const byKey = new Map<string, number>();
  const leafOf = new Int32Array(products.length);
  for (let p = 0; p < products.length; p++) {
    let parent = -1;
    for (const name of products[p]!.category) {
      const key = parent + KEY_SEP + name;
      let index = byKey.get(key);
      if (index === undefined) {
        index = nodes.length;
        byKey.set(key, index);
        nodes.push({ name, parent, path: parent === -1 ? [name] : [...nodes[parent]!.path, name] });
      }
      parent = index;
    }
    leafOf[p] = parent;
  }
  return { nodes, leafOf };
}

/** Distinct non-empty brands in first-seen order, plus each product's brand index (-1 if none). */
export interface BrandList {
  names: string[];
  brandOf: Int32Array;
}

export function buildBrandList(products: readonly Pick<ProductInput, 'brand'>[]): BrandList {
  const names: string[] = [];
  const byName = new Map<string, number>();
  const brandOf = new Int32Array(products.length);
  for (let p = 0; p < products.length; p++) {
    const brand = products[p]!.brand;
    if (brand === '') {
      brandOf[p] = -1;
      continue;
    }
    let index = byName.get(brand);
    if (index === undefined) {
      index = names.length;
      byName.set(brand, index);
      names.push(brand);
    }
    brandOf[p] = index;
  }
  return { names, brandOf };
}
