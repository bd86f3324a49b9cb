/**
 * Loads a catalog file into validated products: reads records as a stream, maps fields, rejects
 * duplicates. Only the products are kept, with repeated short strings (category levels, brands,
 * sizes) and identical variant lists shared, so memory grows with what the bundle needs.
 */
import { VitrineError, isVitrineError } from '../../shared/errors.ts';
import type { ProductInput } from '../../shared/bundle/types.ts';
import { checkColumns, warnUnseenSources, type ColumnCheck } from './column-check.ts';
import { CATALOG_ALIASES, explicitFields, getPath, type CatalogField, type FieldMapping } from './fields.ts';
import { MAX_REPORTED_ROWS, type InvalidRows } from './invalid-rows.ts';
import { parseProduct } from './product.ts';
import { readTable, type InputFormat } from './records.ts';
import { ValueSharing } from './value-sharing.ts';

/** Fields a product cannot do without: a CSV header lacking one is an error before any row. */
const REQUIRED: readonly CatalogField[] = ['id', 'title'];

export interface CatalogOptions {
  mapping: FieldMapping<CatalogField>;
  defaultCurrency: string;
  invalid: InvalidRows;
  /** Where warnings go (text cut to its bound); the first MAX_REPORTED_ROWS are listed, the rest counted. */
  warn?: (line: string) => void;
  /** Forces the separator of a CSV/TSV catalog (`--delimiter`). */
  delimiter?: string | undefined;
  /** Progress while reading: file bytes read, the file's size, rows read. */
  onProgress?: (bytes: number, size: number, rows: number) => void;
}

export interface Catalog {
  format: InputFormat;
  products: ProductInput[];
  /** Per product, its description (used for embeddings only). */
  descriptions: string[];
  /** Product id → index in `products`. */
  indexById: Map<string, number>;
  /** Rows read, including skipped ones. */
  rows: number;
}

export function loadCatalog(file: string, options: CatalogOptions): Catalog {
  let rows = 0;
  const { format, columns, records } = readTable(file, {
    delimiter: options.delimiter,
    warn: options.warn,
    onBytes: options.onProgress && ((bytes, size) => options.onProgress!(bytes, size, rows)),
  });
  const check: ColumnCheck<CatalogField> = {
    file,
    flag: '--field',
    mapping: options.mapping,
    explicit: explicitFields(options.mapping, CATALOG_ALIASES),
    required: REQUIRED,
    warn: options.warn ?? (() => {}),
  };
  if (columns) checkColumns(columns, check);
  // JSON has no header: which mapped sources some record has, checked at the end.
  const seen = new Set<string>();
  let firstKeys: string[] | undefined;
  const sharing = new ValueSharing();
  const products: ProductInput[] = [];
  const descriptions: string[] = [];
  const indexById = new Map<string, number>();
  const firstLine = new Map<string, number>();
  let clampedRows = 0;
  for (const record of records) {
    rows++;
    if (record.error) {
      options.invalid.handle(record.error);
      continue;
    }
    if (!columns) {
      firstKeys ??= Object.keys(record.value);
      for (const field of check.explicit)
        for (const source of options.mapping[field]) if (getPath(record.value, source) !== undefined) seen.add(source);
    }
    try {
      const { product, description, clamped } = parseProduct(record.value, {
        file,
        line: record.line,
        mapping: options.mapping,
        defaultCurrency: options.defaultCurrency,
      });
      const seen = firstLine.get(product.id);
      if (seen !== undefined) {
        throw new VitrineError('INPUT_INVALID_ROW', `duplicate id "${product.id}" (first on line ${seen})`, {
          file,
          line: record.line,
          field: options.mapping.id.length === 1 ? options.mapping.id[0] : 'id',
        });
      }
      if (clamped.length > 0 && ++clampedRows <= MAX_REPORTED_ROWS) {
        for (const { field, length, max } of clamped)
          options.warn?.(
            `warning: ${file}:${record.line} [${field}]: product ${JSON.stringify(product.id)}: ${field} of ${length} characters cut to ${max}`,
          );
      }
      firstLine.set(product.id, record.line);
      indexById.set(product.id, products.length);
      products.push(sharing.product(product));
      descriptions.push(description);
    } catch (error) {
      if (isVitrineError(error) && error.code === 'INPUT_INVALID_ROW') options.invalid.handle(error);
      else throw error;
    }
  }
  options.onProgress?.(1, 1, rows); // all read: the bar's last frame counts every row
  if (!columns) warnUnseenSources(seen, firstKeys ?? [], check);
  if (clampedRows > MAX_REPORTED_ROWS) options.warn?.(`warning: ${clampedRows} rows in all had text cut to its bound`);
  if (products.length === 0) {
    throw new VitrineError('INPUT_UNREADABLE', `${file}: no valid products`, { file });
  }
  return { format, products, descriptions, indexById, rows };
}
