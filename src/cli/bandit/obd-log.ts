/**
 * Reads a logged-bandit file in the Open Bandit Dataset's format (Saito et al. 2021): one row per
 * shown item, with columns item_id, position (1-based), click (0/1), propensity_score (the logging
 * policy's probability of that item at that position) and user_feature_0..3 (hashed strings).
 * Other columns are ignored. Rows are kept in timestamp order, as they were logged.
 */
import { readFileSync } from 'node:fs';
import { VitrineError } from '../../shared/errors.ts';
import { parseCsv } from '../bundle-builder/csv.ts';

/** The logged rows, column by column. */
export interface BanditLog {
  file: string;
  n: number;
  /** 1-based line of each row in the file, for errors. */
  line: Int32Array;
  item: Int32Array;
  /** 0-based position. */
  position: Int32Array;
  click: Uint8Array;
  propensity: Float64Array;
  /** user_feature_0..3 per row (empty when the log has none). */
  userFeatures: string[][];
  /** Largest item id + 1 and largest position + 1 seen. */
  items: number;
  positions: number;
}

const REQUIRED = ['item_id', 'position', 'click', 'propensity_score'] as const;
const USER_FEATURE = /^user_feature_\d+$/;

function invalid(file: string, line: number, field: string, message: string): VitrineError {
  return new VitrineError('INPUT_INVALID_ROW', `${file}:${line}: ${field} ${message}`, { file, line, field });
}

/** Parses an OBD csv; every malformed value is an INPUT_INVALID_ROW naming the line and the column. */
export function parseObdLog(text: string, file: string): BanditLog {
  const rows = parseCsv(text, ',', file);
  const header = rows[0]?.fields.map((f) => f.trim());
  if (!header || header.length === 0) throw new VitrineError('INPUT_UNREADABLE', `${file} is empty`, { file });
  const column = Object.fromEntries(REQUIRED.map((name) => [name, header.indexOf(name)])) as Record<(typeof REQUIRED)[number], number>;
  for (const name of REQUIRED) {
    if (column[name] < 0)
      throw new VitrineError(
        'INPUT_UNREADABLE',
        `${file} has no column "${name}" (an Open Bandit Dataset log needs ${REQUIRED.join(', ')})`,
        {
          file,
          line: rows[0]!.line,
          field: name,
        },
      );
  }
  const featureColumns = header.flatMap((name, i) => (USER_FEATURE.test(name) ? [i] : []));
  const body = rows.slice(1).filter((row) => !(row.fields.length === 1 && row.fields[0] === ''));
  const n = body.length;
  if (n === 0) throw new VitrineError('INPUT_UNREADABLE', `${file} holds no logged rows`, { file });
  const log: BanditLog = {
    file,
    n,
    line: new Int32Array(n),
    item: new Int32Array(n),
    position: new Int32Array(n),
    click: new Uint8Array(n),
    propensity: new Float64Array(n),
    userFeatures: [],
    items: 0,
    positions: 0,
  };
  for (let r = 0; r < n; r++) {
    const { line, fields } = body[r]!;
    if (fields.length !== header.length) throw invalid(file, line, 'row', `has ${fields.length} columns, the header has ${header.length}`);
    const whole = (name: 'item_id' | 'position' | 'click', min: number, max: number): number => {
      const text = fields[column[name]]!.trim();
      const value = Number(text);
      if (!/^\d+$/.test(text) || value < min || value > max)
        throw invalid(file, line, name, `must be an integer from ${min} to ${max}, got "${text}"`);
      return value;
    };
    log.line[r] = line;
    log.item[r] = whole('item_id', 0, 1_000_000);
    log.position[r] = whole('position', 1, 1000) - 1;
    log.click[r] = whole('click', 0, 1);
    const pText = fields[column.propensity_score]!.trim();
    const p = Number(pText);
    if (pText === '' || !Number.isFinite(p) || p <= 0 || p > 1)
      throw invalid(file, line, 'propensity_score', `must be a probability in (0, 1], got "${pText}"`);
    log.propensity[r] = p;
    log.userFeatures.push(featureColumns.map((i) => fields[i]!));
    log.items = Math.max(log.items, log.item[r]! + 1);
    log.positions = Math.max(log.positions, log.position[r]! + 1);
  }
  return log;
}

/** Reads and parses `file` (INPUT_UNREADABLE when it cannot be read). */
export function readObdLog(file: string): BanditLog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new VitrineError('INPUT_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { file });
  }
  return parseObdLog(text, file);
}

/** Mean click of the log. */
export function loggedCtr(log: BanditLog): number {
  let clicks = 0;
  for (let r = 0; r < log.n; r++) clicks += log.click[r]!;
  return clicks / log.n;
}
