/**
 * One catalog record → one validated `ProductInput`, or an INPUT_INVALID_ROW naming the field.
 * Rules are documented in docs/cli.md ("Canonical catalog schema").
 */
import { VitrineError } from '../../shared/errors.ts';
import { MAX_CATEGORY_DEPTH } from '../../shared/bundle/format.ts';
import { clampText, MAX_NAME_LENGTH, MAX_TITLE_LENGTH } from '../../shared/clamp-text.ts';
import type { ProductInput, VariantInput } from '../../shared/bundle/types.ts';
import { pick, type CatalogField, type FieldMapping } from './fields.ts';
import { parsePrice } from './price.ts';
import { firstImage, mergeAttributes, parseInStock, parseList, parseRating, splitCategory } from './values.ts';

/** Variants are the size × colour product; capped so one odd row cannot explode the bundle. */
export const MAX_VARIANTS = 100;

export interface ProductContext {
  file: string;
  line: number;
  mapping: FieldMapping<CatalogField>;
  /** Used when neither a currency field nor a price symbol says otherwise. */
  defaultCurrency: string;
}

/** A product plus its free text, which only the embedding step needs (not stored in the bundle). */
export interface ParsedProduct {
  product: ProductInput;
  description: string;
  /** Fields whose text was cut to its bound (`clampText`), each with its original length, for a warning. */
  clamped: Array<{ field: CatalogField; length: number; max: number }>;
}

export function parseProduct(record: Record<string, unknown>, ctx: ProductContext): ParsedProduct {
  const fail = (field: CatalogField, message: string): never => {
    throw new VitrineError('INPUT_INVALID_ROW', `${field}: ${message}`, { file: ctx.file, line: ctx.line, field: sourceName(ctx, field) });
  };
  const get = (field: CatalogField) => pick(record, ctx.mapping[field]);
  const text = (field: CatalogField): string => {
    const found = get(field);
    if (!found) return '';
    const v = found.value;
    return typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  };

  const id = text('id');
  if (id === '') fail('id', 'missing product id');
  const title = text('title');
  if (title === '') fail('title', 'missing title');

  // A product without any price stays in the catalog (shown without a price, never matched by
  // price rules): real exports have such rows, and dropping them would lose products silently.
  const rawPrice = get('price');
  const price = rawPrice && rawPrice.value !== '' ? parsePrice(rawPrice.value) : undefined;
  if (rawPrice && rawPrice.value !== '' && !price) fail('price', `not a price: ${JSON.stringify(rawPrice.value)}`);

  let salePrice: number | null = null;
  const rawSale = get('sale_price');
  if (rawSale && rawSale.value !== '') {
    const sale = parsePrice(rawSale.value);
    if (!sale) fail('sale_price', `not a price: ${JSON.stringify(rawSale.value)}`);
    salePrice = sale!.value;
  } else {
    const rawDiscount = get('discount_percent');
    if (rawDiscount && price) {
      const pct = Number(rawDiscount.value);
      if (!Number.isFinite(pct) || pct < 0 || pct > 100) fail('discount_percent', `not a percentage: ${JSON.stringify(rawDiscount.value)}`);
      salePrice = Math.round(price.value * (100 - pct)) / 100;
    }
  }
  // Only a real reduction counts as a sale: "sale = list price" is just the price, and a sale
  // price without a list price is simply the price.
  const listPrice = price ? price.value : salePrice;
  if (salePrice !== null && (!price || salePrice >= price.value)) salePrice = null;

  let inStock = true;
  const rawStock = get('in_stock');
  if (rawStock) {
    const parsed = parseInStock(rawStock.value);
    if (parsed === undefined) fail('in_stock', `not an availability: ${JSON.stringify(rawStock.value)}`);
    inStock = parsed!;
  }

  const currencyText = text('currency').toUpperCase();
  if (currencyText !== '' && !/^[A-Z]{3}$/.test(currencyText)) fail('currency', `not an ISO 4217 code: ${JSON.stringify(currencyText)}`);
  const currency = currencyText || price?.currency || ctx.defaultCurrency;

  const attributes: Record<string, string> = {};
  for (const source of ctx.mapping.attributes) {
    const found = pick(record, [source]);
    if (found) mergeAttributes(attributes, found.value, source);
  }

  const categoryValue = get('category');
  const levels = categoryValue ? splitCategory(categoryValue.value) : [];
  // Bounded like the bundle's reader does: a path of thousands of levels is a broken or hostile row.
  if (levels.length > MAX_CATEGORY_DEPTH)
    fail('category', `product ${JSON.stringify(id)}: ${levels.length} levels, at most ${MAX_CATEGORY_DEPTH} allowed`);
  const clamped: ParsedProduct['clamped'] = [];
  const bounded = (field: CatalogField, value: string, max: number): string => {
    if (value.length > max) clamped.push({ field, length: value.length, max });
    return clampText(value, max);
  };
  const category = levels.map((level) => bounded('category', level, MAX_NAME_LENGTH));
  const product: ProductInput = {
    id,
    title: bounded('title', title, MAX_TITLE_LENGTH),
    url: text('url'),
    image: firstImage(get('image')?.value),
    category,
    brand: bounded('brand', text('brand'), MAX_NAME_LENGTH),
    price: listPrice,
    salePrice,
    currency,
    inStock,
    rating: parseRating(get('rating')?.value),
    variants: variantsOf(parseList(get('sizes')?.value), parseList(get('colors')?.value), inStock),
    attributes,
  };
  return { product, description: text('description'), clamped };
}

function variantsOf(sizes: string[], colors: string[], inStock: boolean): VariantInput[] {
  if (sizes.length === 0 && colors.length === 0) return [];
  const variants: VariantInput[] = [];
  for (const size of sizes.length > 0 ? sizes : ['']) {
    for (const color of colors.length > 0 ? colors : ['']) {
      if (variants.length < MAX_VARIANTS) variants.push({ size, color, inStock });
    }
  }
  return variants;
}

/** Errors name the source column the user mapped (`retail_price`); with aliases, the canonical name. */
function sourceName(ctx: ProductContext, field: CatalogField): string {
  const sources = ctx.mapping[field];
  return sources.length === 1 ? sources[0]! : field;
}

/** A catalog row that knows only its id (titled by it), plus whatever `fields` say. */
export function bareProduct(id: string, fields: Partial<ProductInput> = {}): ProductInput {
  return {
    id,
    title: id,
    url: '',
    image: '',
    category: [],
    brand: '',
    price: null,
    salePrice: null,
    currency: 'EUR',
    inStock: true,
    rating: null,
    variants: [],
    attributes: {},
    ...fields,
  };
}
