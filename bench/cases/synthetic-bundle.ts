/**
 * Synthetic n x d bundles for the browser bench. `syntheticBundle` is realistic enough that every
 * recommendation component does real work on it, and seeded, so every run times the same data:
 *
 * - a 3-level category tree (10 departments x 10 groups x 5 leaves = 500 leaves), products spread
 *   over the leaves unevenly (the largest about 10x the smallest);
 * - brands tied to a department, picked with a skew (a few big brands per department);
 * - log-normal prices per leaf, 15 % of products on sale (10-50 % off), 7 % out of stock;
 * - titles and attributes made of words, so the cold-start text index has postings to search;
 * - embeddings clustered by department, group and leaf (same-leaf cosines around 0.5);
 * - Zipf popularity and a trending window with a few hot products;
 * - co-visitation (mostly same leaf) and co-purchase (mostly other groups of the department, i.e.
 *   complements) graphs with 20-50 neighbours per product, rows sorted by descending weight;
 * - `n` training sessions of 2-20 items, each around a popularity-picked "home" leaf, so item
 *   frequencies are skewed the way real logs are (popular items sit in thousands of sessions).
 */
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { buildCategoryTree } from '../../src/shared/bundle/catalog-index.ts';
import type { BundleInput, CsrGraph, ProductInput, SessionIndex, VariantInput } from '../../src/shared/bundle/types.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { randomMatrix } from './matrices.ts';

const DEPARTMENTS = ['Clothing', 'Shoes', 'Home', 'Garden', 'Toys', 'Beauty', 'Sports', 'Electronics', 'Kitchen', 'Books'];
const GROUPS_PER_DEPARTMENT = 10;
const LEAVES_PER_GROUP = 5;
const BRANDS_PER_DEPARTMENT = 200;
const ADJECTIVES = [
  'Classic',
  'Modern',
  'Vintage',
  'Premium',
  'Essential',
  'Compact',
  'Deluxe',
  'Slim',
  'Soft',
  'Rugged',
  'Light',
  'Urban',
  'Outdoor',
  'Cosy',
  'Smart',
  'Pro',
  'Mini',
  'Organic',
  'Basic',
  'Elegant',
];
const COLOURS = ['black', 'white', 'grey', 'navy', 'red', 'green', 'beige', 'brown', 'blue', 'pink', 'olive', 'yellow'];
const MATERIALS = ['cotton', 'wool', 'leather', 'steel', 'wood', 'glass', 'linen', 'plastic', 'ceramic', 'bamboo'];
const CLOTHING_SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const SHOE_SIZES = ['38', '39', '40', '41', '42', '43', '44'];
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ne',
  'tu',
  'so',
  'vi',
  'pe',
  'da',
  'ri',
  'mo',
  'la',
  'shi',
  'ber',
  'tan',
  'go',
  'fe',
  'zu',
  'kor',
  'wen',
  'pla',
  'dri',
  'sen',
];
/** Unix seconds of the log's last event, and the span the training sessions cover. */
const REFERENCE_TIME = 1_717_200_000;
const SESSION_SPAN_S = 30 * 86_400;
const MIN_NEIGHBOURS = 20;
const MAX_NEIGHBOURS = 50;
/** Top products kept per category in the popularity ranking (as the CLI's build keeps). */
const MAX_PER_CATEGORY = 200;

type Random = () => number;

/** Distinct capitalised pseudo-words (2-3 syllables), so category and brand names tokenise apart. */
function wordMaker(random: Random): () => string {
  const used = new Set<string>();
  return () => {
    for (;;) {
      const count = 2 + Math.floor(random() * 2);
      let word = '';
      for (let i = 0; i < count; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
      if (used.has(word)) continue;
      used.add(word);
      return word[0]!.toUpperCase() + word.slice(1);
    }
  };
}

/** Uniform random vector of length `dim` scaled to unit length. */
function unitVector(random: Random, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    v[j] = random() - 0.5;
    norm += v[j]! * v[j]!;
  }
  const inverse = 1 / Math.sqrt(norm);
  for (let j = 0; j < dim; j++) v[j]! *= inverse;
  return v;
}

/** `parts[i] * weights[i]` summed and normalised, into `into`. */
function mix(into: Float32Array, parts: readonly Float32Array[], weights: readonly number[]): void {
  into.fill(0);
  parts.forEach((part, i) => {
    for (let j = 0; j < into.length; j++) into[j]! += part[j]! * weights[i]!;
  });
  let norm = 0;
  for (let j = 0; j < into.length; j++) norm += into[j]! * into[j]!;
  const inverse = 1 / Math.sqrt(norm);
  for (let j = 0; j < into.length; j++) into[j]! *= inverse;
}

/** 0 .. count-1 in a random order (Fisher-Yates). */
function shuffled(random: Random, count: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

const cents = (value: number): number => Math.round(value * 100) / 100;

interface Taxonomy {
  departmentOf: Int32Array;
  groupOf: Int32Array;
  /** Per leaf: [department, group, leaf] names. */
  paths: string[][];
  leafPrice: Float64Array;
}

function taxonomy(random: Random): Taxonomy {
  const word = wordMaker(random);
  const leaves = DEPARTMENTS.length * GROUPS_PER_DEPARTMENT * LEAVES_PER_GROUP;
  const departmentOf = new Int32Array(leaves);
  const groupOf = new Int32Array(leaves);
  const paths: string[][] = [];
  const leafPrice = new Float64Array(leaves);
  for (let d = 0; d < DEPARTMENTS.length; d++) {
    for (let g = 0; g < GROUPS_PER_DEPARTMENT; g++) {
      const group = `${DEPARTMENTS[d]} ${word()}`;
      for (let l = 0; l < LEAVES_PER_GROUP; l++) {
        const leaf = paths.length;
        departmentOf[leaf] = d;
        groupOf[leaf] = d * GROUPS_PER_DEPARTMENT + g;
        paths.push([DEPARTMENTS[d]!, group, word()]);
        // 5 .. 1000, log-uniform: socks and sofas in one catalog.
        leafPrice[leaf] = 5 * Math.exp(random() * Math.log(200));
      }
    }
  }
  return { departmentOf, groupOf, paths, leafPrice };
}

function variantsOf(random: Random, department: number): VariantInput[] {
  const sizes = department === 0 ? CLOTHING_SIZES : department === 1 ? SHOE_SIZES : null;
  if (!sizes) return [];
  const color = COLOURS[Math.floor(random() * COLOURS.length)]!;
  return sizes.map((size) => ({ size, color, inStock: random() < 0.8 }));
}

/** Product rows of each bucket (leaf, group, ...), most popular first. */
function membersBy(bucketOf: (row: number) => number, buckets: number, order: Uint32Array): Uint32Array[] {
  const lists: number[][] = Array.from({ length: buckets }, () => []);
  for (const row of order) lists[bucketOf(row)]!.push(row);
  return lists.map((list) => Uint32Array.from(list));
}

/** A row from `list` (most popular first), skewed toward the head: index = floor(len * u^skew). */
function pickSkewed(random: Random, list: Uint32Array, skew: number): number {
  return list[Math.floor(list.length * random() ** skew)]!;
}

/**
 * A CSR graph with 20-50 neighbours per row; `pick(row)` proposes a neighbour. Weights are random
 * in (0, 1], sorted descending per row as the bundle format wants.
 */
function randomGraph(random: Random, n: number, pick: (row: number) => number, [least, most]: readonly [number, number]): CsrGraph {
  const offsets = new Uint32Array(n + 1);
  const neighbors = new Uint32Array(n * most);
  const weights = new Float32Array(n * most);
  // chosenIn[x] === row + 1 marks x as already a neighbour of `row` (no per-row Set to clear).
  const chosenIn = new Uint32Array(n);
  let nnz = 0;
  for (let row = 0; row < n; row++) {
    const want = least + Math.floor(random() * (most - least + 1));
    const start = nnz;
    // Small leaves cannot always supply `want` distinct neighbours: give up after a bounded number of tries.
    for (let attempt = 0; nnz - start < want && attempt < want * 4; attempt++) {
      const neighbour = pick(row);
      if (neighbour === row || chosenIn[neighbour] === row + 1) continue;
      chosenIn[neighbour] = row + 1;
      neighbors[nnz] = neighbour;
      weights[nnz++] = 1 - random() * 0.999;
    }
    weights.subarray(start, nnz).sort().reverse();
    offsets[row + 1] = nnz;
  }
  return { offsets, neighbors: neighbors.slice(0, nnz), weights: weights.slice(0, nnz) };
}

function trainingSessions(
  random: Random,
  count: number,
  byPopularity: Uint32Array,
  leafOf: Int32Array,
  leafMembers: Uint32Array[],
  groupMembers: Uint32Array[],
  groupOfLeaf: Int32Array,
): SessionIndex {
  const offsets = new Uint32Array(count + 1);
  const items: number[] = [];
  const age = new Float32Array(count);
  for (let s = 0; s < count; s++) {
    const length = 2 + Math.floor(18 * random() ** 2);
    const home = leafOf[pickSkewed(random, byPopularity, 2.5)]!;
    let previous = -1;
    for (let i = 0; i < length; i++) {
      const u = random();
      let row: number;
      if (previous >= 0 && u < 0.1)
        row = previous; // back to the item just seen
      else if (u < 0.72) row = pickSkewed(random, leafMembers[home]!, 2);
      else if (u < 0.92) row = pickSkewed(random, groupMembers[groupOfLeaf[home]!]!, 2);
      else row = pickSkewed(random, byPopularity, 3);
      items.push(row);
      previous = row;
    }
    offsets[s + 1] = items.length;
    age[s] = random() * SESSION_SPAN_S;
  }
  return { offsets, items: Uint32Array.from(items), age, referenceTime: REFERENCE_TIME };
}

/** Per category node, its products and those below it, most popular first (top MAX_PER_CATEGORY). */
function perCategoryRanking(products: readonly ProductInput[], global: Float32Array): CsrGraph {
  const tree = buildCategoryTree(products);
  const members: number[][] = tree.nodes.map(() => []);
  for (let p = 0; p < products.length; p++) for (let c = tree.leafOf[p]!; c >= 0; c = tree.nodes[c]!.parent) members[c]!.push(p);
  const offsets = new Uint32Array(members.length + 1);
  const neighbors: number[] = [];
  const weights: number[] = [];
  members.forEach((list, c) => {
    list.sort((a, b) => global[b]! - global[a]! || a - b);
    for (const p of list.slice(0, MAX_PER_CATEGORY)) {
      neighbors.push(p);
      weights.push(global[p]!);
    }
    offsets[c + 1] = neighbors.length;
  });
  return { offsets, neighbors: Uint32Array.from(neighbors), weights: Float32Array.from(weights) };
}

/** Graph degrees and training sessions; the defaults are the browser bench's realistic bundle. */
export interface SyntheticShape {
  /** Neighbours per graph row, least and most (uniform in between). */
  neighbours: readonly [number, number];
  /** Training sessions (default: as many as products). */
  sessions?: number;
}

/** Issue 16's target shape: 30 neighbours per graph row and 50,000 training sessions (with 100k products, 64 dims). */
export const TARGET_SHAPE: SyntheticShape = { neighbours: [30, 30], sessions: 50_000 };

/** The bundle's input (also handy for tests that want the parts). */
export function syntheticBundleInput(
  n: number,
  dim: number,
  seed = 7,
  shape: SyntheticShape = { neighbours: [MIN_NEIGHBOURS, MAX_NEIGHBOURS] },
): BundleInput {
  const random = mulberry32(seed);
  const tax = taxonomy(random);
  const leaves = tax.paths.length;
  const brandWord = wordMaker(mulberry32(seed + 1));
  const brands = Array.from({ length: DEPARTMENTS.length * BRANDS_PER_DEPARTMENT }, () => brandWord());

  // Uneven leaf sizes: a random leaf order, then leaf = order[floor(leaves * u^1.5)].
  const leafOrder = shuffled(random, leaves);
  const leafOf = new Int32Array(n);
  const products: ProductInput[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const leaf = leafOrder[Math.floor(leaves * random() ** 1.5)]!;
    leafOf[i] = leaf;
    const department = tax.departmentOf[leaf]!;
    const brand = brands[department * BRANDS_PER_DEPARTMENT + Math.floor(BRANDS_PER_DEPARTMENT * random() ** 2)]!;
    const path = tax.paths[leaf]!;
    const price = Math.max(0.99, cents(tax.leafPrice[leaf]! * Math.exp((random() - 0.5) * 1.2)) - 0.01);
    const onSale = random() < 0.15;
    const colour = COLOURS[Math.floor(random() * COLOURS.length)]!;
    const material = MATERIALS[Math.floor(random() * MATERIALS.length)]!;
    const rated = random() < 0.7;
    products[i] = {
      id: `p${i}`,
      title: `${brand} ${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]} ${path[2]} ${colour} ${i.toString(36).toUpperCase()}`,
      url: `/p/${i}`,
      image: `/img/${i}.jpg`,
      category: path,
      brand,
      price,
      salePrice: onSale ? cents(price * (0.9 - random() * 0.4)) : null,
      currency: 'EUR',
      inStock: random() >= 0.07,
      rating: rated ? Math.round((1 + 4 * Math.sqrt(random())) * 10) / 10 : null,
      variants: variantsOf(random, department),
      attributes: { colour, material },
    };
  }

  // Embeddings: department + group + leaf directions, plus a product's own noise.
  const departmentVectors = DEPARTMENTS.map(() => unitVector(random, dim));
  const groupVectors = Array.from({ length: DEPARTMENTS.length * GROUPS_PER_DEPARTMENT }, () => unitVector(random, dim));
  const centroids = Array.from({ length: leaves }, (_, leaf) => {
    const centroid = new Float32Array(dim);
    mix(centroid, [departmentVectors[tax.departmentOf[leaf]!]!, groupVectors[tax.groupOf[leaf]!]!, unitVector(random, dim)], [1, 0.8, 0.6]);
    return centroid;
  });
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) mix(data.subarray(i * dim, (i + 1) * dim), [centroids[leafOf[i]!]!, unitVector(random, dim)], [1, 0.9]);

  // Zipf popularity over a random product order; trending = popularity with noise and a few hot items.
  const byPopularity = shuffled(random, n);
  const global = new Float32Array(n);
  const trending = new Float32Array(n);
  byPopularity.forEach((row, rank) => {
    global[row] = 1000 / (rank + 1) ** 0.8;
    trending[row] = global[row]! * Math.exp((random() - 0.5) * 2) * (random() < 0.05 ? 5 : 1);
  });

  const leafMembers = membersBy((row) => leafOf[row]!, leaves, byPopularity);
  const groupMembers = membersBy((row) => tax.groupOf[leafOf[row]!]!, groupVectors.length, byPopularity);
  const departmentMembers = membersBy((row) => tax.departmentOf[leafOf[row]!]!, DEPARTMENTS.length, byPopularity);
  const fromLeaf = (row: number) => pickSkewed(random, leafMembers[leafOf[row]!]!, 1.5);
  const fromGroup = (row: number) => pickSkewed(random, groupMembers[tax.groupOf[leafOf[row]!]!]!, 1.5);
  const fromDepartment = (row: number) => pickSkewed(random, departmentMembers[tax.departmentOf[leafOf[row]!]!]!, 1.5);
  const anywhere = () => pickSkewed(random, byPopularity, 2);
  const covisitation = randomGraph(
    random,
    n,
    (row) => {
      const u = random();
      return u < 0.6 ? fromLeaf(row) : u < 0.85 ? fromGroup(row) : anywhere();
    },
    shape.neighbours,
  );
  const copurchase = randomGraph(
    random,
    n,
    (row) => {
      const u = random();
      return u < 0.25 ? fromLeaf(row) : u < 0.85 ? fromDepartment(row) : anywhere();
    },
    shape.neighbours,
  );
  const sessions = trainingSessions(random, shape.sessions ?? n, byPopularity, leafOf, leafMembers, groupMembers, tax.groupOf);

  return {
    meta: {
      builder: 'bench',
      builtAt: '2024-06-01T00:00:00Z',
      dim,
      dtype: 'f32',
      sourceCounts: { products: n, sessions: shape.sessions ?? n },
      embeddingSource: 'content',
    },
    products,
    popularity: { global, trending, trendingWindowDays: 7, perCategory: perCategoryRanking(products, global) },
    covisitation,
    copurchase,
    embeddings: { dtype: 'f32', rows: n, dim, data },
    sessions,
  };
}

export function syntheticBundle(n: number, dim: number, seed = 7): Uint8Array {
  return encodeBundle(syntheticBundleInput(n, dim, seed));
}

const emptyCsr = (rows: number): CsrGraph => ({
  offsets: new Uint32Array(rows + 1),
  neighbors: new Uint32Array(0),
  weights: new Float32Array(0),
});

/**
 * The issue #2 load measurement's bundle: products and random embeddings only (empty graphs, no
 * sessions), kept as it was so that measurement stays comparable across runs.
 */
export function minimalBundle(n: number, dim: number): Uint8Array {
  const categories = ['Clothing', 'Shoes', 'Home', 'Garden', 'Toys'];
  const products: ProductInput[] = Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    title: `Product ${i}`,
    url: `/p/${i}`,
    image: `/img/${i}.jpg`,
    category: [categories[i % categories.length]!],
    brand: `Brand ${i % 97}`,
    price: 10 + (i % 500),
    salePrice: i % 7 === 0 ? 5 + (i % 300) : null,
    currency: 'EUR',
    inStock: i % 11 !== 0,
    rating: i % 3 === 0 ? null : 1 + (i % 5),
    variants: [],
    attributes: {},
  }));
  return encodeBundle({
    meta: {
      builder: 'bench',
      builtAt: '2024-01-01T00:00:00Z',
      dim,
      dtype: 'f32',
      sourceCounts: { products: n },
      embeddingSource: 'content',
    },
    products,
    popularity: {
      global: new Float32Array(n),
      trending: new Float32Array(n),
      trendingWindowDays: 7,
      perCategory: emptyCsr(categories.length),
    },
    covisitation: emptyCsr(n),
    copurchase: emptyCsr(n),
    embeddings: randomMatrix(n, dim, 7),
  });
}
