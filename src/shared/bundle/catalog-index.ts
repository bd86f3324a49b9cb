/**
 * How the writer numbers categories and brands. Exported because the CLI must know these indices
 * to build `Popularity.perCategory` (a CSR graph keyed by category index) before writing.
 */
import type { CategoryNode, ProductInput } from './types.ts';

/** Category tree in first-seen order, parents always before children, plus each product's leaf. */
export interface CategoryTree {
  nodes: CategoryNode[];
  /** Per product, index of its leaf category in `nodes`, or -1 when its path is empty. */
  leafOf: Int32Array;
}

/** Separator for path keys; NUL cannot appear in a sensible category name. */
const PATH_KEY_SEP = '\u0000';

export function buildCategoryTree(products: readonly Pick<ProductInput, 'category'>[]): CategoryTree {
  const nodes: CategoryNode[] = [];
  const byKey = new Map<string, number>();
  const leafOf = new Int32Array(products.length);
  for (let p = 0; p < products.length; p++) {
    let parent = -1;
    let key = '';
    const path = products[p]!.category;
    for (let d = 0; d < path.length; d++) {
      key = d === 0 ? path[d]! : key + PATH_KEY_SEP + path[d]!;
      let index = byKey.get(key);
      if (index === undefined) {
        index = nodes.length;
        byKey.set(key, index);
        nodes.push({ name: path[d]!, parent, path: path.slice(0, d + 1) });
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
