/**
 * The cold-start component: how well each product fits what the page knows about a first visit
 * (landing category, search query, campaign words), before the visitor has any history.
 *
 * value[row] = Σ weight[part] · match[part](row), with parts `category`, `query` and `campaign`,
 * each match in [0, 1] and the weights of the parts the context provides summing to 1, so the
 * component lies in [0, 1] and a product that fits everything the visitor told us scores 1. The sum
 * is exact: for a fixed context, a product lacking one part's evidence scores exactly that part's
 * `amount` less, which is what `explain` reports.
 *
 * Not used, on purpose (we do not invent priors):
 * - Device class and local hour: turning them into scores needs per-device or per-hour popularity,
 *   which the bundle does not have. Any constant ("tablets at night like furniture") would be made
 *   up. They are validated and passed along so a bundle that one day carries such counts can use them.
 * - Referrer host and `utm_source` / `utm_medium`: they say where the visitor came from, not what
 *   they want. Browsers send only the origin cross-site (default `Referrer-Policy:
 *   strict-origin-when-cross-origin`), so a search engine's query never reaches us, and "came from
 *   a social site" maps to products only through per-source popularity the bundle lacks.
 */
import type { Bundle } from '../shared/bundle/types.ts';
import type { NormalizedVisitContext } from '../shared/visit-context.ts';
import type { MessageId, MessageParams } from '../shared/messages.ts';
import type { BundleIndexes } from './bundle-indexes.ts';
import { tokenize } from './text.ts';

/** One part of a product's context value, with the message that explains it. */
export interface ContextPart {
  part: 'category' | 'query' | 'campaign';
  message: MessageId;
  params: MessageParams;
  /** The part's share of the (unweighted) component value at this row. */
  amount: number;
}

export interface ContextMatch {
  /** False when the context gives nothing to match (the component is all zeros). */
  active: boolean;
  /** The largest part at `row`, or null when the row scored 0. */
  explain(row: number): { message: MessageId; params: MessageParams; amount: number } | null;
  /** Every non-zero part at `row`; their amounts sum to the row's value. */
  parts(row: number): ContextPart[];
}

/**
 * Relative weight of each part before normalising over the parts present. Campaign words count
 * half: they are written by the shop's marketers for a whole audience ("summer-sale"), so they say
 * less about this visitor than the category they clicked into or the words they typed.
 */
export const PART_WEIGHTS = { category: 1, query: 1, campaign: 0.5 } as const;

/**
 * Query tokens at least this long also match longer catalog tokens they start ("lipstick" →
 * "lipsticks", "schuh" → "schuhe"). Shorter ones match exactly: a 3-letter prefix ("pro") matches
 * far too much.
 */
export const PREFIX_MIN_LENGTH = 4;

/**
 * Endings tried off a query token, so plurals match singulars without a stemming library: English
 * `-s`/`-es` ("dresses" → "dress"), German `-e`/`-en`/`-n` ("taschen" → "tasch" → "tasche").
 * The stripped form is only used as a prefix, and only when it keeps PREFIX_MIN_LENGTH letters.
 */
const PLURAL_ENDINGS = ['es', 'en', 's', 'e', 'n'];

/** Most distinct tokens read from one text; real queries have a handful. */
const MAX_QUERY_TOKENS = 32;

/** Catalog words → products: built once per bundle (`BundleIndexes.text`), shared by every request on it. */
export interface TextIndex {
  rows: number;
  /** Distinct catalog tokens, sorted (prefix matches are one binary search plus a scan). */
  tokens: string[];
  /** Postings in CSR form: token t's rows are `postings[offsets[t] .. offsets[t+1])`, ascending. */
  offsets: Uint32Array;
  postings: Uint32Array;
  /** Resolved query words (catalog tokens + IDF), kept so a repeated word costs no union pass. */
  terms: Map<string, Term | null>;
  /** Scratch for deduplicating rows within one term (last term id that touched each row). */
  stamp: Uint32Array;
  stampCounter: number;
}

/** Growable Uint32 pairs (token, row): a 100k catalog yields millions, too many for JS arrays of objects. */
class PairBuffer {
  tokens: Uint32Array = new Uint32Array(1 << 16);
  rows: Uint32Array = new Uint32Array(1 << 16);
  length = 0;
  push(token: number, row: number): void {
    if (this.length === this.tokens.length) {
      const grow = (old: Uint32Array): Uint32Array => {
        const next = new Uint32Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.tokens = grow(this.tokens);
      this.rows = grow(this.rows);
    }
    this.tokens[this.length] = token;
    this.rows[this.length] = row;
    this.length++;
  }
}

/**
 * Builds the index: each product's title, brand, category path names and attribute values,
 * tokenised. Category and brand tokens are tokenised once per category / brand, not per product.
 */
export function buildTextIndex(bundle: Bundle): TextIndex {
  const { products, categories, brands } = bundle;
  const ids = new Map<string, number>();
  const names: string[] = [];
  const idOf = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = names.length;
      ids.set(token, id);
      names.push(token);
    }
    return id;
  };
  const categoryTokens = categories.map((node) => node.path.flatMap(tokenize).map(idOf));
  const brandTokens = brands.map((brand) => tokenize(brand).map(idOf));
  const pairs = new PairBuffer();
  const lastRow: number[] = [];
  const add = (token: number, row: number): void => {
    if (lastRow[token] === row) return;
    lastRow[token] = row;
    pairs.push(token, row);
  };
  for (let row = 0; row < products.count; row++) {
    for (const token of tokenize(products.title(row))) add(idOf(token), row);
    const brand = products.brandIndex[row]!;
    if (brand >= 0) for (const token of brandTokens[brand] ?? []) add(token, row);
    const category = products.categoryIndex[row]!;
    if (category >= 0) for (const token of categoryTokens[category] ?? []) add(token, row);
    for (const value of Object.values(products.attributes(row))) {
      for (const token of tokenize(value)) add(idOf(token), row);
    }
  }
  // Renumber tokens in sorted order, then lay the pairs out per token (a counting sort, so each
  // token's rows stay ascending). Plain `<` order, the same `lowerBound` searches with.
  const byName = (a: number, b: number): number => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0);
  const order = names.map((_, id) => id).sort(byName);
  const rank = new Uint32Array(names.length);
  order.forEach((id, sorted) => (rank[id] = sorted));
  const offsets = new Uint32Array(names.length + 1);
  for (let i = 0; i < pairs.length; i++) offsets[rank[pairs.tokens[i]!]! + 1]!++;
  for (let t = 0; t < names.length; t++) offsets[t + 1]! += offsets[t]!;
  const cursor = offsets.slice(0, names.length);
  const postings = new Uint32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) postings[cursor[rank[pairs.tokens[i]!]!]!++] = pairs.rows[i]!;
  return {
    rows: products.count,
    tokens: order.map((id) => names[id]!),
    offsets,
    postings,
    terms: new Map(),
    stamp: new Uint32Array(products.count),
    stampCounter: 0,
  };
}

/** First position in the sorted token list whose token is >= `key`. */
function lowerBound(tokens: readonly string[], key: string): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Catalog token ids a query word matches: itself, and as a prefix (plural endings stripped) when long enough. */
function expand(index: TextIndex, word: string): number[] {
  const forms = new Set([word]);
  for (const ending of PLURAL_ENDINGS) {
    const stem = word.slice(0, -ending.length);
    if (word.endsWith(ending) && stem.length >= PREFIX_MIN_LENGTH) forms.add(stem);
  }
  const matched = new Set<number>();
  for (const form of forms) {
    let at = lowerBound(index.tokens, form);
    if (form.length < PREFIX_MIN_LENGTH) {
      if (index.tokens[at] === form) matched.add(at);
      continue;
    }
    for (; at < index.tokens.length && index.tokens[at]!.startsWith(form); at++) matched.add(at);
  }
  return [...matched].sort((a, b) => a - b);
}

/** A query word resolved against the catalog, with its inverse document frequency. */
interface Term {
  tokens: number[];
  /** `tokens` joined: two words expanding to the same tokens are one term. */
  key: string;
  idf: number;
}

function nextStamp(index: TextIndex): number {
  if (index.stampCounter === 0xffffffff) {
    index.stamp.fill(0);
    index.stampCounter = 0;
  }
  return ++index.stampCounter;
}

/** Distinct rows any of `tokens` posts (several tokens may share rows). */
function documentFrequency(index: TextIndex, tokens: readonly number[]): number {
  const { offsets, postings, stamp: seen } = index;
  if (tokens.length === 1) return offsets[tokens[0]! + 1]! - offsets[tokens[0]!]!;
  const stamp = nextStamp(index);
  let count = 0;
  for (const t of tokens) {
    for (let e = offsets[t]!, end = offsets[t + 1]!; e < end; e++) {
      const row = postings[e]!;
      if (seen[row] !== stamp) {
        seen[row] = stamp;
        count++;
      }
    }
  }
  return count;
}

/** Most resolved words kept per bundle; the cache is dropped whole when full (words are cheap to redo). */
const MAX_CACHED_TERMS = 4096;

/**
 * A query word as a catalog term, or null when the catalog never uses it. IDF is BM25's
 * `ln(1 + (N - df + 0.5) / (df + 0.5))`: rare words ("lipstick") outweigh common ones.
 */
function resolveWord(index: TextIndex, word: string): Term | null {
  const cached = index.terms.get(word);
  if (cached !== undefined) return cached;
  const tokens = expand(index, word);
  let term: Term | null = null;
  if (tokens.length > 0) {
    const df = documentFrequency(index, tokens);
    term = { tokens, key: tokens.join(','), idf: Math.log(1 + (index.rows - df + 0.5) / (df + 0.5)) };
  }
  if (index.terms.size >= MAX_CACHED_TERMS) index.terms.clear();
  index.terms.set(word, term);
  return term;
}

/**
 * The text's words as catalog terms. Words the catalog never uses are dropped: they cannot tell
 * products apart, and keeping them in the denominator would only shrink every score alike (a typo
 * or "the" would weaken the whole signal). Words resolving to the same catalog tokens count once.
 */
function resolveTerms(index: TextIndex, text: string): Term[] {
  const terms: Term[] = [];
  const seen = new Set<string>();
  for (const word of new Set(tokenize(text))) {
    if (terms.length === MAX_QUERY_TOKENS) break;
    const term = resolveWord(index, word);
    if (term === null || seen.has(term.key)) continue;
    seen.add(term.key);
    terms.push(term);
  }
  return terms;
}

function posts(index: TextIndex, token: number, row: number): boolean {
  let lo = index.offsets[token]!;
  let hi = index.offsets[token + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const value = index.postings[mid]!;
    if (value === row) return true;
    if (value < row) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** A text part (query or campaign): its terms and the factor turning matched IDF into value. */
interface TextPart {
  terms: Term[];
  /** weight / total IDF of the terms. */
  scale: number;
}

function addTextPart(index: TextIndex, part: TextPart, into: Float32Array): void {
  const { offsets, postings, stamp: seen } = index;
  for (const term of part.terms) {
    const add = term.idf * part.scale;
    // A row posted by two of the term's tokens ("watch", "watches") still gets the term once.
    const stamp = nextStamp(index);
    for (const t of term.tokens) {
      for (let e = offsets[t]!, end = offsets[t + 1]!; e < end; e++) {
        const row = postings[e]!;
        if (seen[row] === stamp) continue;
        seen[row] = stamp;
        into[row]! += add;
      }
    }
  }
}

function textPartAt(index: TextIndex, part: TextPart, row: number): number {
  let matched = 0;
  for (const term of part.terms) if (term.tokens.some((t) => posts(index, t, row))) matched += term.idf;
  return matched * part.scale;
}

/**
 * Per category index, how well it fits the landing category: 1 for the landing category and
 * everything below it; `(d - 1) / d` for the rest of its parent's subtree, d being the landing
 * category's depth (the share of the landing path such a product's path shares). A root landing
 * category has no parent, so its siblings get nothing.
 */
function categoryMatch(bundle: Bundle, targets: readonly number[]): Float32Array {
  const { categories } = bundle;
  const match = new Float32Array(categories.length);
  for (const target of targets) {
    const node = categories[target]!;
    const depth = node.path.length;
    const partial = node.parent >= 0 && depth > 1 ? (depth - 1) / depth : 0;
    for (let c = 0; c < categories.length; c++) {
      // Walk up to the root; trees are shallow. The step bound guards a cyclic (corrupt) tree.
      for (let at = c, steps = 0; at >= 0 && steps <= categories.length; at = categories[at]!.parent, steps++) {
        if (at === target) {
          match[c] = 1;
          break;
        }
        if (at === node.parent && partial > match[c]!) match[c] = partial;
      }
    }
  }
  return match;
}

/** Campaign text as words for a message: `summer-sale_2024` → `summer sale 2024`. */
function campaignLabel(utm: NormalizedVisitContext['utm']): string {
  return [utm.campaign, utm.term]
    .filter((s): s is string => s !== null)
    .join(' ')
    .replace(/[-_+]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

function textPart(terms: Term[], weight: number): TextPart {
  const total = terms.reduce((sum, term) => sum + term.idf, 0);
  return { terms, scale: total > 0 ? weight / total : 0 };
}

/**
 * Fills `into` (length = product count, fully overwritten) with the context component and returns
 * how to explain it. The landing category is found as rules find categories (`CategoryNames`).
 */
export function contextScores(
  indexes: Pick<BundleIndexes, 'bundle' | 'text' | 'categories' | 'productsByCategory'>,
  context: NormalizedVisitContext,
  into: Float32Array,
): ContextMatch {
  const { bundle, text: index } = indexes;
  const targets = context.category !== null ? indexes.categories.find(context.category) : [];
  const queryTerms = context.query !== null ? resolveTerms(index, context.query) : [];
  const label = campaignLabel(context.utm);
  const campaignTerms = label !== '' ? resolveTerms(index, label) : [];

  const present = {
    category: targets.length > 0 ? PART_WEIGHTS.category : 0,
    query: queryTerms.length > 0 ? PART_WEIGHTS.query : 0,
    campaign: campaignTerms.length > 0 ? PART_WEIGHTS.campaign : 0,
  };
  const total = present.category + present.query + present.campaign;
  into.fill(0);
  if (total === 0) return { active: false, explain: () => null, parts: () => [] };

  const categoryWeight = present.category / total;
  const match = targets.length > 0 ? categoryMatch(bundle, targets) : null;
  if (match) {
    // Per category, so a landing category touches only its own rows.
    for (let c = 0; c < match.length; c++) {
      const value = match[c]! * categoryWeight;
      if (value === 0) continue;
      for (const row of indexes.productsByCategory.of(c)) into[row] = value;
    }
  }
  const query = textPart(queryTerms, present.query / total);
  const campaign = textPart(campaignTerms, present.campaign / total);
  addTextPart(index, query, into);
  addTextPart(index, campaign, into);

  const landingName = targets.length > 0 ? bundle.categories[targets[0]!]!.name : '';
  // Recomputed per row from the index (explanations are asked for a handful of rows), so a
  // request keeps no per-product state beyond `into`.
  const parts = (row: number): ContextPart[] => {
    const c = bundle.products.categoryIndex[row]!;
    const all: ContextPart[] = [
      {
        part: 'category',
        message: 'pickedFor',
        params: { category: landingName },
        amount: match && c >= 0 ? match[c]! * categoryWeight : 0,
      },
      {
        part: 'query',
        message: 'matchesSearch',
        params: { query: context.query ?? '' },
        amount: textPartAt(index, query, row),
      },
      { part: 'campaign', message: 'pickedFor', params: { category: label }, amount: textPartAt(index, campaign, row) },
    ];
    return all.filter((part) => part.amount > 0);
  };
  return {
    active: true,
    parts,
    explain(row) {
      // Ties go to the earlier part (category, then the visitor's own query): the order above.
      let best: ContextPart | null = null;
      for (const part of parts(row)) if (!best || part.amount > best.amount) best = part;
      return best && { message: best.message, params: best.params, amount: best.amount };
    },
  };
}
