/**
 * Checks a `--field canonical=source` mapping against the columns a file really has, so a typo
 * (`--field brand=brnad`) is said out loud instead of mapping nothing: a required field without its
 * column is an error, an optional one a warning; both list the columns and suggest the closest name.
 */
import { VitrineError } from '../../shared/errors.ts';

export interface ColumnCheck<F extends string> {
  file: string;
  /** The option the mapping came from (`--field`, `--event-field`). */
  flag: string;
  /** Per canonical field, the sources it looks for. */
  mapping: Record<F, readonly string[]>;
  /** Fields given on the command line (the others are default aliases that may well be absent). */
  explicit: readonly F[];
  /** Fields every record needs. */
  required: readonly F[];
  warn: (line: string) => void;
}

/** For a CSV/TSV header: throws for a missing required field, warns for each mapped column that is absent. */
export function checkColumns<F extends string>(columns: readonly string[], check: ColumnCheck<F>): void {
  const present = new Set(columns);
  const listed = listColumns(columns);
  for (const field of check.required) {
    const sources = check.mapping[field];
    if (sources.some((s) => present.has(s))) continue;
    const explicit = check.explicit.includes(field);
    const what = explicit
      ? `${check.flag} ${field}=${sources.join(',')}: the header has no column ${quoteList(sources)}`
      : `no ${field} column (looked for ${sources.join(', ')}; map one with ${check.flag} ${field}=COLUMN)`;
    throw new VitrineError(
      'INPUT_BAD_OPTION',
      `${check.file}: ${what}${suggestion(sources, columns)}; columns: ${listed}${delimiterHint(columns)}`,
      {
        file: check.file,
        line: 1,
        field: explicit ? check.flag : field,
      },
    );
  }
  for (const field of check.explicit) {
    if (check.required.includes(field)) continue;
    for (const source of check.mapping[field]) {
      if (present.has(source)) continue;
      check.warn(
        `warning: ${check.flag} ${field}=${source}: ${check.file} has no column ${JSON.stringify(source)}, so ${field} stays empty${suggestion([source], columns)}; columns: ${listed}`,
      );
    }
  }
}

/** For JSON records (no header): warns for each mapped source that no record had. */
export function warnUnseenSources<F extends string>(seen: ReadonlySet<string>, firstKeys: readonly string[], check: ColumnCheck<F>): void {
  for (const field of check.explicit) {
    for (const source of check.mapping[field]) {
      if (seen.has(source)) continue;
      check.warn(
        `warning: ${check.flag} ${field}=${source}: no record of ${check.file} has ${JSON.stringify(source)}, so ${field} stays empty${suggestion([source], firstKeys)}; keys of the first record: ${listColumns(firstKeys)}`,
      );
    }
  }
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(' or ');
}

/** Long headers are cut: the suggestion names the likely column anyway. */
function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 40).map((c) => JSON.stringify(c));
  return columns.length > 40 ? `${shown.join(', ')} … (${columns.length} in all)` : shown.join(', ') || '(none)';
}

function suggestion(wanted: readonly string[], columns: readonly string[]): string {
  for (const name of wanted) {
    const close = closestName(name, columns);
    if (close !== undefined) return ` (did you mean ${JSON.stringify(close)}?)`;
  }
  return '';
}

/** A header read as one column that holds another separator: the wrong delimiter, most likely. */
function delimiterHint(columns: readonly string[]): string {
  if (columns.length !== 1) return '';
  const found = [';', '\t', '|', ','].find((d) => columns[0]!.includes(d));
  return found ? ` (the header reads as one column: is the separator ${JSON.stringify(found)}? see --delimiter)` : '';
}

/** The column nearest to `name` by edit distance (case-insensitive), if near enough to be a typo. */
export function closestName(name: string, columns: readonly string[]): string | undefined {
  const target = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(target.length / 3)) + 1;
  for (const column of columns) {
    const d = editDistance(target, column.toLowerCase());
    if (d < bestDistance) {
      best = column;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
