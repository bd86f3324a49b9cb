/**
 * Converters from loosely typed source values (CSV strings, JSON values) to product fields.
 * Each returns undefined for "not parseable" so the caller can report the row and field.
 */

/** Parses text that looks like a JSON array or object; anything else stays as it is. */
export function maybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (!((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}')))) return value;
  try {
    return JSON.parse(t);
  } catch {
    return value;
  }
}

/** A trailing level ending in an ellipsis is a truncated product name (Flipkart), not a category. */
const TRUNCATED = /(\.\.\.|…)$/;

/**
 * Category path from an array of levels, or from one string split on `>>`, else `>`, else `/`.
 * A JSON-ish wrapper like Flipkart's `["A >> B >> C"]` is unwrapped first.
 */
export function splitCategory(value: unknown): string[] {
  const v = maybeJson(value);
  let levels: string[];
  if (Array.isArray(v)) {
    const strings = v.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number').map(String);
    levels = strings.length === 1 ? splitPath(strings[0]!) : strings.map((s) => s.trim());
  } else if (typeof v === 'string') {
    levels = splitPath(v);
  } else {
    return [];
  }
  levels = levels.filter((s) => s !== '');
  if (levels.length > 1 && TRUNCATED.test(levels[levels.length - 1]!)) levels.pop();
  return levels;
}

function splitPath(path: string): string[] {
  const sep = path.includes('>>') ? '>>' : path.includes('>') ? '>' : '/';
  return path.split(sep).map((s) => s.trim());
}

/** A list from an array, a JSON array string, or text separated by `,`, `|` or `;`. */
export function parseList(value: unknown): string[] {
  const v = maybeJson(value);
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter((s) => s !== '');
  if (typeof v === 'string')
    return v
      .split(/[,|;]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (typeof v === 'number') return [String(v)];
  return [];
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'in stock', 'instock', 'in_stock', 'available', 'low stock', 'limited']);
const FALSE_WORDS = new Set([
  'false',
  'no',
  'n',
  '0',
  'out of stock',
  'outofstock',
  'out_of_stock',
  'sold out',
  'unavailable',
  'discontinued',
]);

/** Availability from a boolean, a stock count (> 0) or a word; undefined when unrecognised. */
export function parseInStock(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value > 0 : undefined;
  if (typeof value !== 'string') return undefined;
  const word = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\/schema\.org\//, '');
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  if (/^\d+$/.test(word)) return Number(word) > 0;
  return undefined;
}

/** Image URL: a string, or the first entry of an array / JSON array string. */
export function firstImage(value: unknown): string {
  const v = maybeJson(value);
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0].trim() : '';
  return typeof v === 'string' ? v.trim() : '';
}

/** Flipkart's Ruby-hash specifications: `{"key"=>"Material", "value"=>"Cotton"}` pairs. */
const RUBY_PAIR = /"key"=>"((?:[^"\\]|\\.)*)",\s*"value"=>"((?:[^"\\]|\\.)*)"/g;

/**
 * Free attributes, merged into `into`. Accepts an object, a JSON object string, Flipkart's
 * Ruby-hash specification string, or a list of tags (stored under the source column's name,
 * comma-joined, e.g. `tags: "beauty, mascara"`). Values become strings.
 */
export function mergeAttributes(into: Record<string, string>, value: unknown, source: string): void {
  const v = maybeJson(value);
  if (Array.isArray(v)) {
    const list = v.map((x) => (typeof x === 'string' ? x.trim() : JSON.stringify(x))).filter((s) => s !== '');
    if (list.length > 0) into[source] = list.join(', ');
    return;
  }
  if (typeof v === 'object' && v !== null) {
    for (const [key, x] of Object.entries(v)) {
      if (x === null || x === undefined || x === '') continue;
      into[key] = typeof x === 'string' ? x : JSON.stringify(x);
    }
    return;
  }
  if (typeof v === 'string') {
    let found = false;
    for (const match of v.matchAll(RUBY_PAIR)) {
      found = true;
      into[match[1]!] = match[2]!;
    }
    if (!found && v.trim() !== '') into[source] = v.trim();
    return;
  }
  if (typeof v === 'number' || typeof v === 'boolean') into[source] = String(v);
}

/** Rating as a finite non-negative number; "No rating available" and the like become null. */
export function parseRating(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n >= 0 && !(typeof value === 'string' && value.trim() === '') ? n : null;
}
