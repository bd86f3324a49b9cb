/**
 * `--embeddings FILE`: vectors computed elsewhere, keyed by product id. JSONL/JSON records
 * `{"id": ..., "vector": [...]}`, or CSV/TSV rows `id,v0,v1,...` (a header row is optional).
 * Every vector must have the same length and only finite numbers. Vectors are L2-normalised like
 * the computed ones: the engine scores by dot product and reads it as cosine similarity, and
 * products falling back to content vectors must live on the same unit sphere.
 */
import { VitrineError, isVitrineError } from '../../shared/errors.ts';
import { csvRows, sniffDelimiter } from './csv.ts';
import { openInput } from './input-file.ts';
import type { InvalidRows } from './invalid-rows.ts';
import { detectFormat, readTable } from './records.ts';
import { normalizeInto } from './text-embeddings.ts';

export interface ImportedEmbeddings {
  dim: number;
  /** Product index → vector, for catalog products only. */
  vectors: Map<number, Float32Array>;
  /** Rows whose id is not in the catalog (ignored). */
  unknownIds: number;
}

export interface ImportOptions {
  /** Forces the separator of a CSV/TSV file (`--delimiter`). */
  delimiter?: string | undefined;
  /** Where the encoding warning goes. */
  warn?: (line: string) => void;
}

export function importEmbeddings(
  file: string,
  indexById: Map<string, number>,
  invalid: InvalidRows,
  options: ImportOptions = {},
): ImportedEmbeddings {
  const rows = readVectorRows(file, invalid, options);
  let dim = 0;
  const vectors = new Map<number, Float32Array>();
  let unknownIds = 0;
  for (const { line, id, values } of rows) {
    try {
      if (id === '') throw new VitrineError('INPUT_INVALID_ROW', 'missing id', { file, line, field: 'id' });
      if (values.length === 0) throw new VitrineError('INPUT_INVALID_ROW', 'empty vector', { file, line, field: 'vector' });
      if (dim === 0) dim = values.length;
      if (values.length !== dim) {
        throw new VitrineError('INPUT_INVALID_ROW', `vector has ${values.length} dimensions, expected ${dim}`, {
          file,
          line,
          field: 'vector',
        });
      }
      const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0)
        throw new VitrineError('INPUT_INVALID_ROW', `vector[${bad}] is not a finite number: ${String(values[bad])}`, {
          file,
          line,
          field: 'vector',
        });
      const p = indexById.get(id);
      if (p === undefined) {
        unknownIds++;
        continue;
      }
      const unit = new Float32Array(dim);
      if (!normalizeInto(unit, 0, values as number[]))
        throw new VitrineError('INPUT_INVALID_ROW', 'all-zero vector has no direction', { file, line, field: 'vector' });
      vectors.set(p, unit);
    } catch (error) {
      if (isVitrineError(error) && error.code === 'INPUT_INVALID_ROW') invalid.handle(error);
      else throw error;
    }
  }
  if (dim === 0) throw new VitrineError('INPUT_UNREADABLE', `${file}: no vectors`, { file });
  return { dim, vectors, unknownIds };
}

interface VectorRow {
  line: number;
  id: string;
  values: unknown[];
}

function* readVectorRows(file: string, invalid: InvalidRows, options: ImportOptions): Generator<VectorRow, void, undefined> {
  const input = openInput(file, options.warn);
  const head = input.head();
  const format = detectFormat(file, head, options.delimiter);
  if (format === 'csv' || format === 'tsv') {
    const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : sniffDelimiter(head));
    let first = true;
    for (const { line, fields } of csvRows(input.chunks(), { delimiter, file, decode: input.decode })) {
      // A first row whose second cell is not a number is a header.
      const isHeader = first && fields.length > 1 && !Number.isFinite(Number(fields[1]));
      first = false;
      if (isHeader) continue;
      // Empty or non-numeric cells become NaN and are rejected with their position.
      yield { line, id: (fields[0] ?? '').trim(), values: fields.slice(1).map((c) => (c.trim() === '' ? NaN : Number(c))) };
    }
    return;
  }
  for (const record of readTable(file, { warn: () => {} }).records) {
    if (record.error) {
      invalid.handle(record.error);
      continue;
    }
    const { id, vector } = record.value;
    yield {
      line: record.line,
      id: typeof id === 'number' || typeof id === 'string' ? String(id).trim() : '',
      values: Array.isArray(vector) ? vector : [],
    };
  }
}
