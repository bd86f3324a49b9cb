/**
 * What is built once per bundle and shared by every request on it: each index is built on first
 * use, or all of them by `warm()` (the engine calls it right after a load, one index per task, so
 * no visitor's first request pays hundreds of milliseconds for them on a large catalog).
 *
 * One object per loaded bundle, dropped with it: there are no module-level caches, so two bundles
 * (a reload, a test) never share or leak an index.
 */
import type { Bundle } from '../shared/bundle/types.ts';
import { CategoryNames } from './category-names.ts';
import { rowsAvailableInSize } from './product-filters.ts';
import { buildTextIndex, type TextIndex } from './cold-start.ts';
import { buildSessionKnnIndex, type SessionKnnIndex } from './vstan.ts';
import { RowsByGroup } from './rows-by-group.ts';
import { computePriceStats, type PriceStats } from './traits.ts';

/** Share of the catalog, by all-time popularity, that explanations call bestsellers. */
export const BESTSELLER_SHARE = 0.05;

/** Sizes remembered per bundle: a shop has a few dozen; a flood of odd ones must not grow memory. */
export const MAX_CACHED_SIZES = 64;

export class BundleIndexes {
  #sessionNeighbours: SessionKnnIndex | null | undefined;
  #text: TextIndex | undefined;
  #prices: PriceStats | undefined;
  #productsByBrand: RowsByGroup | undefined;
  #productsByCategory: RowsByGroup | undefined;
  #brandsByName: Map<string, number[]> | undefined;
  #categories: CategoryNames | undefined;
  #bestsellerFloor: number | undefined;
  readonly #sizes = new Map<string, Uint8Array>();

  constructor(readonly bundle: Bundle) {}

  /** Session-kNN lookups over the bundle's training sessions; null when it has none. */
  get sessionNeighbours(): SessionKnnIndex | null {
    if (this.#sessionNeighbours === undefined) {
      const sessions = this.bundle.sessions;
      this.#sessionNeighbours =
        sessions && sessions.age.length > 0
          ? buildSessionKnnIndex(sessions, this.bundle.products.count, this.bundle.sessionModel ?? undefined)
          : null;
    }
    return this.#sessionNeighbours;
  }

  /** Catalog words → products, for the cold-start search and campaign match. */
  get text(): TextIndex {
    return (this.#text ??= buildTextIndex(this.bundle));
  }

  /** Price and discount percentiles, for the price style and the buyer-fit component. */
  get prices(): PriceStats {
    return (this.#prices ??= computePriceStats(this.bundle));
  }

  /** Each brand's products: the brand style counts them, the affinity component scores them. */
  get productsByBrand(): RowsByGroup {
    return (this.#productsByBrand ??= new RowsByGroup(this.bundle.products.brandIndex, this.bundle.brands.length));
  }

  /** Each leaf category's products, for components that score whole categories. */
  get productsByCategory(): RowsByGroup {
    return (this.#productsByCategory ??= new RowsByGroup(this.bundle.products.categoryIndex, this.bundle.categories.length));
  }

  /** The brands named exactly `name` (the profile keys brands so). */
  brandsNamed(name: string): readonly number[] {
    if (!this.#brandsByName) {
      this.#brandsByName = new Map();
      this.bundle.brands.forEach((brand, index) => {
        const list = this.#brandsByName!.get(brand);
        if (list) list.push(index);
        else this.#brandsByName!.set(brand, [index]);
      });
    }
    return this.#brandsByName.get(name) ?? [];
  }

  /** The one category normaliser: names and paths → categories, for rules and the landing category. */
  get categories(): CategoryNames {
    return (this.#categories ??= new CategoryNames(this.bundle));
  }

  /**
   * All-time popularity from which a product is "a bestseller": the catalog's top `BESTSELLER_SHARE`
   * of products, and never a product no event names. Ranked, not scaled to the top product: in a
   * thin log (50 carts) a product in one cart scores a third of the busiest one, which says little.
   */
  get bestsellerFloor(): number {
    if (this.#bestsellerFloor === undefined) {
      const sorted = Float32Array.from(this.bundle.popularity.global).sort().reverse();
      const rank = Math.max(1, Math.floor(sorted.length * BESTSELLER_SHARE));
      this.#bestsellerFloor = Math.max(sorted[rank - 1] ?? 0, Number.MIN_VALUE);
    }
    return this.#bestsellerFloor;
  }

  /**
   * Per row, 1 when the product is available in `size` (lower-cased, trimmed). Variants are strings
   * decoded per row (about 30 ms for 100k products), so each size is worked out once.
   */
  sizeAvailability(size: string): Uint8Array {
    const key = size.trim().toLowerCase();
    let available = this.#sizes.get(key);
    if (!available) {
      available = rowsAvailableInSize(this.bundle, key);
      if (this.#sizes.size >= MAX_CACHED_SIZES) this.#sizes.clear();
      this.#sizes.set(key, available);
    }
    return available;
  }

  /**
   * Builds every index, one per task, and resolves when all are built. Between two builds the
   * worker answers messages: a request that arrives meanwhile waits for one index at most (and
   * builds what it needs itself). Stops early once `wanted()` says the bundle was replaced.
   * Sizes are per request: only those asked for are built.
   */
  async warm(wanted: () => boolean = () => true): Promise<void> {
    const builds = [
      () => this.sessionNeighbours,
      () => this.text,
      () => this.prices,
      () => this.productsByBrand,
      () => this.productsByCategory,
      () => this.brandsNamed(''),
      () => this.categories,
      () => this.bestsellerFloor,
    ];
    for (const build of builds) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (!wanted()) return;
      build();
    }
  }
}
