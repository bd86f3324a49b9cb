/**
 * Events log → flat typed arrays (session, product index, time, type). Three shapes are read:
 * - one event per row (CSV/TSV/JSONL/JSON): session, product, time, type — mapped like the catalog
 *   with `--event-field`; yoochoose's `SessionId ItemId Time` TSV needs no flags;
 * - one session per record holding an `events` array (OTTO: `{session, events: [{aid, ts, type}]}`);
 * - one cart per record holding a `products` array (DummyJSON carts.json): a session of purchases.
 * Events naming products that are not in the catalog are counted and ignored.
 */
import { VitrineError, isVitrineError } from '../../shared/errors.ts';
import { checkColumns } from './column-check.ts';
import { EVENT_ALIASES, explicitFields, pick, type EventField, type FieldMapping } from './fields.ts';
import type { InvalidRows } from './invalid-rows.ts';
import { readTable } from './records.ts';

/** Event types, ordered by strength of intent. */
export const EventType = { view: 0, cart: 1, purchase: 2 } as const;
export type EventTypeCode = (typeof EventType)[keyof typeof EventType];

/** Source words for each event type (case-insensitive). A missing type means a view. */
const TYPE_WORDS: Record<string, EventTypeCode> = {
  view: 0,
  views: 0,
  click: 0,
  clicks: 0,
  pageview: 0,
  detail: 0,
  cart: 1,
  carts: 1,
  addtocart: 1,
  add_to_cart: 1,
  purchase: 2,
  purchases: 2,
  order: 2,
  orders: 2,
  buy: 2,
  transaction: 2,
};

export interface EventLog {
  /** Dense session number per event, in file order of first appearance. */
  session: Uint32Array;
  /** Product index (into the catalog) per event. */
  product: Uint32Array;
  /** Milliseconds since the epoch, or NaN when the source has no time. */
  time: Float64Array;
  type: Uint8Array;
  count: number;
  sessions: number;
  /** Events whose product id is not in the catalog (ignored). */
  unknownProducts: number;
}

export interface EventOptions {
  mapping: FieldMapping<EventField>;
  indexById: Map<string, number>;
  invalid: InvalidRows;
  /** Where the encoding and column warnings go. */
  warn?: (line: string) => void;
  /** Forces the separator of a CSV/TSV log (`--delimiter`). */
  delimiter?: string | undefined;
  /** Progress while reading: file bytes read, the file's size, rows read. */
  onProgress?: (bytes: number, size: number, rows: number) => void;
}

export function loadEvents(file: string, options: EventOptions): EventLog {
  let rows = 0;
  const { columns, records } = readTable(file, {
    delimiter: options.delimiter,
    warn: options.warn,
    onBytes: options.onProgress && ((bytes, size) => options.onProgress!(bytes, size, rows)),
  });
  // A CSV/TSV log holds one event per row: its header must name the session and product columns.
  if (columns) {
    checkColumns(columns, {
      file,
      flag: '--event-field',
      mapping: options.mapping,
      explicit: explicitFields(options.mapping, EVENT_ALIASES),
      required: ['session', 'product'],
      warn: options.warn ?? (() => {}),
    });
  }
  const sessions = new Map<string, number>();
  const session: number[] = [];
  const product: number[] = [];
  const time: number[] = [];
  const type: number[] = [];
  let unknownProducts = 0;

  const add = (sessionKey: string, productId: string, t: number, kind: EventTypeCode) => {
    const p = options.indexById.get(productId);
    if (p === undefined) {
      unknownProducts++;
      return;
    }
    let s = sessions.get(sessionKey);
    if (s === undefined) {
      s = sessions.size;
      sessions.set(sessionKey, s);
    }
    session.push(s);
    product.push(p);
    time.push(t);
    type.push(kind);
  };

  for (const record of records) {
    rows++;
    if (record.error) {
      options.invalid.handle(record.error);
      continue;
    }
    const row = record.value;
    const where = { file, line: record.line };
    try {
      if (Array.isArray(row.events)) {
        const key = idText(pick(row, options.mapping.session)?.value) ?? `line:${record.line}`;
        for (const event of row.events) {
          if (typeof event !== 'object' || event === null) throw invalid('events', 'expected an event object', where);
          const e = event as Record<string, unknown>;
          const id = idText(pick(e, options.mapping.product)?.value);
          if (id === undefined) throw invalid('product', 'event without a product id', where);
          add(key, id, parseTime(pick(e, options.mapping.time)?.value, where), parseType(pick(e, options.mapping.type)?.value, where));
        }
      } else if (Array.isArray(row.products)) {
        const key = `cart:${idText(row.id) ?? record.line}`;
        for (const item of row.products) {
          const id = idText(typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : item);
          if (id === undefined) throw invalid('products', 'cart item without an id', where);
          add(key, id, NaN, EventType.purchase);
        }
      } else {
        const key = idText(pick(row, options.mapping.session)?.value);
        if (key === undefined) throw invalid('session', 'missing session id', where);
        const id = idText(pick(row, options.mapping.product)?.value);
        if (id === undefined) throw invalid('product', 'missing product id', where);
        add(key, id, parseTime(pick(row, options.mapping.time)?.value, where), parseType(pick(row, options.mapping.type)?.value, where));
      }
    } catch (error) {
      if (isVitrineError(error) && error.code === 'INPUT_INVALID_ROW') options.invalid.handle(error);
      else throw error;
    }
  }
  options.onProgress?.(1, 1, rows); // all read: the bar's last frame counts every row
  return {
    session: Uint32Array.from(session),
    product: Uint32Array.from(product),
    time: Float64Array.from(time),
    type: Uint8Array.from(type),
    count: session.length,
    sessions: sessions.size,
    unknownProducts,
  };
}

function invalid(field: string, message: string, where: { file: string; line: number }): VitrineError {
  return new VitrineError('INPUT_INVALID_ROW', `${field}: ${message}`, { ...where, field });
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

/**
 * Time in ms. Numbers (or numeric strings) below 1e11 are Unix seconds (yoochoose: 1396437466.94),
 * larger ones milliseconds (OTTO: 1659304800025); other strings go through Date.parse (ISO 8601).
 */
export function parseTime(value: unknown, where: { file: string; line: number }): number {
  if (value === undefined || value === null || value === '') return NaN;
  const numeric = typeof value === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(String(value));
  const n = numeric ? Number(value) : Date.parse(String(value));
  if (!Number.isFinite(n)) throw invalid('time', `not a time: ${JSON.stringify(value)}`, where);
  return numeric && n < 1e11 ? n * 1000 : n;
}

function parseType(value: unknown, where: { file: string; line: number }): EventTypeCode {
  if (value === undefined || value === null || value === '') return EventType.view;
  const code = TYPE_WORDS[String(value).trim().toLowerCase()];
  if (code === undefined) throw invalid('type', `unknown event type ${JSON.stringify(value)} (use view, cart or purchase)`, where);
  return code;
}
