/**
 * `--field canonical=source` mapping: which source column (or dotted JSON path) feeds each
 * canonical field. Unmapped canonical fields look for their own name, then a few common aliases
 * (documented in docs/cli.md), so DummyJSON-style exports load with no flags at all.
 */
import { VitrineError } from '../../shared/errors.ts';

/** Canonical catalog fields, in the order docs/cli.md lists them. */
export const CATALOG_FIELDS = [
  'id',
  'title',
  'description',
  'url',
  'image',
  'category',
  'brand',
  'price',
  'sale_price',
  'discount_percent',
  'currency',
  'in_stock',
  'sizes',
  'colors',
  'attributes',
  'rating',
] as const;
export type CatalogField = (typeof CATALOG_FIELDS)[number];

/** Canonical event fields. */
export const EVENT_FIELDS = ['session', 'product', 'time', 'type'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** Source names tried, in order, when a field is not mapped explicitly. */
export const CATALOG_ALIASES: Record<CatalogField, string[]> = {
  id: ['id', 'sku', 'product_id'],
  title: ['title', 'name', 'product_name'],
  description: ['description'],
  url: ['url', 'link', 'product_url'],
  image: ['image', 'image_url', 'thumbnail', 'images'],
  category: ['category', 'categories', 'category_path'],
  brand: ['brand'],
  price: ['price', 'list_price'],
  sale_price: ['sale_price'],
  discount_percent: ['discount_percent', 'discountPercentage'],
  currency: ['currency'],
  in_stock: ['in_stock', 'availability', 'availabilityStatus', 'stock'],
  sizes: ['sizes', 'size'],
  colors: ['colors', 'color', 'colour'],
  attributes: ['attributes', 'tags'],
  rating: ['rating'],
};

export const EVENT_ALIASES: Record<EventField, string[]> = {
  session: ['session', 'session_id', 'sessionId', 'SessionId'],
  product: ['product', 'product_id', 'productId', 'item', 'item_id', 'ItemId', 'aid'],
  time: ['time', 'timestamp', 'ts', 'Time'],
  type: ['type', 'event', 'event_type'],
};

/** Per canonical field, the source names to try in order (explicit ones replace the aliases). */
export type FieldMapping<F extends string> = Record<F, string[]>;

/**
 * Parses repeated `canonical=source` options. A field given several times keeps every source
 * (useful for `attributes`, whose sources are merged; other fields take the first present).
 */
export function parseFieldMapping<F extends string>(
  options: readonly string[],
  known: readonly F[],
  aliases: Record<F, string[]>,
  flag: string,
): FieldMapping<F> {
  const explicit = new Map<F, string[]>();
  for (const option of options) {
    const eq = option.indexOf('=');
    const name = option.slice(0, eq).trim() as F;
    const source = option.slice(eq + 1).trim();
    if (eq <= 0 || source === '') {
      throw new VitrineError('INPUT_BAD_OPTION', `${flag} expects canonical=source, got "${option}"`, { field: flag });
    }
    if (!known.includes(name)) {
      throw new VitrineError('INPUT_BAD_OPTION', `${flag}: unknown field "${name}" (known: ${known.join(', ')})`, { field: flag });
    }
    explicit.set(name, [...(explicit.get(name) ?? []), source]);
  }
  const mapping = {} as FieldMapping<F>;
  for (const name of known) mapping[name] = explicit.get(name) ?? aliases[name];
  return mapping;
}

/**
 * The fields given on the command line: `parseFieldMapping` keeps the alias array itself for a field
 * that was not mapped, so any other array was given explicitly.
 */
export function explicitFields<F extends string>(mapping: FieldMapping<F>, aliases: Record<F, string[]>): F[] {
  return (Object.keys(aliases) as F[]).filter((field) => mapping[field] !== aliases[field]);
}

/** Reads a source column or dotted path (`meta.price`, `images.0`) from a record. */
export function getPath(record: Record<string, unknown>, path: string): unknown {
  // A column literally named "a.b" (CSV) wins over nested lookup.
  if (path in record) return record[path];
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** First non-empty value among the field's sources, with the source name it came from. */
export function pick(record: Record<string, unknown>, sources: readonly string[]): { value: unknown; source: string } | undefined {
  for (const source of sources) {
    const value = getPath(record, source);
    if (value !== undefined && value !== null && value !== '') return { value, source };
  }
  return undefined;
}
