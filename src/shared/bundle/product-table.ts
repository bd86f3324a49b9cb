/** The engine-facing ProductTable: typed-array columns over the file plus lazily sliced strings. */
import { VitrineError } from '../errors.ts';
import type { ProductTable, VariantInput } from './types.ts';
import type { IdIndex } from './id-index.ts';
import type { StringTable } from './string-table.ts';

/** Raw columns as read from the products section (all already validated). */
export interface ProductColumns {
  id: Uint32Array;
  title: Uint32Array;
  url: Uint32Array;
  image: Uint32Array;
  brand: Uint32Array;
  currency: Uint32Array;
  categoryIndex: Int32Array;
  brandIndex: Int32Array;
  price: Float32Array;
  salePrice: Float32Array;
  rating: Float32Array;
  inStock: Uint8Array;
  variantOffsets: Uint32Array;
  variantSize: Uint32Array;
  variantColor: Uint32Array;
  variantInStock: Uint8Array;
  attributeOffsets: Uint32Array;
  attributeKey: Uint32Array;
  attributeValue: Uint32Array;
}

export class BundleProductTable implements ProductTable {
  readonly count: number;
  readonly categoryIndex: Int32Array;
  readonly brandIndex: Int32Array;
  readonly price: Float32Array;
  readonly salePrice: Float32Array;
  readonly rating: Float32Array;
  readonly inStock: Uint8Array;

  constructor(
    private readonly columns: ProductColumns,
    private readonly strings: StringTable,
    /** id -> index, built (and checked for duplicates) by the reader. */
    private readonly index: IdIndex,
  ) {
    this.count = columns.id.length;
    this.categoryIndex = columns.categoryIndex;
    this.brandIndex = columns.brandIndex;
    this.price = columns.price;
    this.salePrice = columns.salePrice;
    this.rating = columns.rating;
    this.inStock = columns.inStock;
  }

  indexOf(id: string): number {
    return this.index.indexOf(id);
  }

  id(i: number): string {
    return this.column(this.columns.id, i);
  }

  title(i: number): string {
    return this.column(this.columns.title, i);
  }

  url(i: number): string {
    return this.column(this.columns.url, i);
  }

  image(i: number): string {
    return this.column(this.columns.image, i);
  }

  brand(i: number): string {
    return this.column(this.columns.brand, i);
  }

  currency(i: number): string {
    return this.column(this.columns.currency, i);
  }

  variants(i: number): VariantInput[] {
    this.checkIndex(i);
    const { variantOffsets, variantSize, variantColor, variantInStock } = this.columns;
    const out: VariantInput[] = [];
    for (let v = variantOffsets[i]!; v < variantOffsets[i + 1]!; v++) {
      out.push({ size: this.strings.get(variantSize[v]!), color: this.strings.get(variantColor[v]!), inStock: variantInStock[v] === 1 });
    }
    return out;
  }

  attributes(i: number): Record<string, string> {
    this.checkIndex(i);
    const { attributeOffsets, attributeKey, attributeValue } = this.columns;
    const out: Record<string, string> = {};
    for (let a = attributeOffsets[i]!; a < attributeOffsets[i + 1]!; a++) {
      out[this.strings.get(attributeKey[a]!)] = this.strings.get(attributeValue[a]!);
    }
    return out;
  }

  private column(refs: Uint32Array, i: number): string {
    this.checkIndex(i);
    return this.strings.get(refs[i]!);
  }

  /** Out-of-range reads on typed arrays return undefined silently; fail loudly instead. */
  private checkIndex(i: number): void {
    if (!(i >= 0 && i < this.count && Number.isInteger(i))) {
      throw new VitrineError('INVALID_REQUEST', `product index ${i} out of range [0, ${this.count})`, { index: i });
    }
  }
}
