/**
 * Loads a catalog file into validated products: reads records, maps fields, rejects duplicates.
 */
import { VitrineError, isVitrineError } from '../../shared/errors.ts';
import type { ProductInput } from '../../shared/bundle/types.ts';
import type { CatalogField, FieldMapping } from './fields.ts';
import { MAX_REPORTED_ROWS, type InvalidRows } from './invalid-rows.ts';
import { parseProduct } from './product.ts';
import { readTable, type InputFormat } from './records.ts';

export interface CatalogOptions {
  mapping: FieldMapping<CatalogField>;
  defaultCurrency: string;
  invalid: InvalidRows;
  /** Where warnings go (text cut to its bound); the first MAX_REPORTED_ROWS are listed, the rest counted. */
  warn?: (line: string) => void;
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
  const { format, records } = readTable(file);
  const products: ProductInput[] = [];
  const descriptions: string[] = [];
  const indexById = new Map<string, number>();
  const firstLine = new Map<string, number>();
  let clampedRows = 0;
  for (const record of records) {
    if (record.error) {
      options.invalid.handle(record.error);
      continue;
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
      products.push(product);
      descriptions.push(description);
    } catch (error) {
      if (isVitrineError(error) && error.code === 'INPUT_INVALID_ROW') options.invalid.handle(error);
      else throw error;
    }
  }
  if (clampedRows > MAX_REPORTED_ROWS) options.warn?.(`warning: ${clampedRows} rows in all had text cut to its bound`);
  if (products.length === 0) {
    throw new VitrineError('INPUT_UNREADABLE', `${file}: no valid products`, { file });
  }
  return { format, products, descriptions, indexById, rows: records.length };
}
