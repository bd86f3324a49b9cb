/**
 * The final list's shape: MMR diversity (Carbonell & Goldstein 1998, in the kernels) and the
 * shop's per-brand / per-category caps over a strategy's best candidates.
 */
import type { NormalizedRules } from '../shared/rules.ts';
import type { LoadedBundle } from './loaded-bundle.ts';

/**
 * When caps may skip items, MMR orders this many times `limit` candidates (its cost grows with
 * picks × candidates); the rest follow in relevance order, which caps rarely reach.
 */
const MMR_DEPTH_WITH_CAPS = 4;

/** `scores` min-max scaled to [0, 1] (all 1 when they are equal), so relevance is comparable to a cosine. */
function scaledRelevance(scores: readonly number[]): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const score of scores) {
    if (score < min) min = score;
    if (score > max) max = score;
  }
  const range = max - min;
  return Float32Array.from(scores, (score) => (range > 0 ? (score - min) / range : 1));
}

/** Candidates in MMR order (Carbonell & Goldstein 1998) with `lambda = diversity`. */
function mmrOrder(loaded: LoadedBundle, rows: number[], scores: number[], depth: number, diversity: number): number[] {
  const picked = Array.from(loaded.kernels.mmr(Int32Array.from(rows), scaledRelevance(scores), depth, diversity));
  const seen = new Set(picked);
  // Anything MMR did not pick follows in the callers' (relevance) order.
  for (const row of rows) if (!seen.has(row)) picked.push(row);
  return picked;
}

/**
 * The final list: candidates (rows best first, with their combined scores) reordered by MMR when
 * `rules.diversity < 1`, then walked in order, skipping items that would exceed `maxPerBrand` or
 * `maxPerCategory` (leaf category; products without a brand or category are never capped); `listed`
 * rows, already in the list a fallback fills up, count against the caps.
 * Returns up to `limit` rows; deterministic for the same inputs.
 */
export function pickDiverse(
  loaded: LoadedBundle,
  candidates: ArrayLike<number>,
  scores: ArrayLike<number>,
  limit: number,
  rules: NormalizedRules,
  listed: readonly number[] = [],
): number[] {
  // Repeated rows would count twice against the caps (and MMR would pick them twice).
  const rows: number[] = [];
  const rowScores: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i]!;
    if (seen.has(row)) continue;
    seen.add(row);
    rows.push(row);
    const score = scores[i]!;
    rowScores.push(score);
  }
  // Non-finite scores sit at the bottom of the scale rather than poisoning min-max scaling.
  let floor = Infinity;
  for (const score of rowScores) if (Number.isFinite(score) && score < floor) floor = score;
  for (let i = 0; i < rowScores.length; i++) if (!Number.isFinite(rowScores[i]!)) rowScores[i] = Number.isFinite(floor) ? floor : 0;

  const capped = rules.maxPerBrand !== null || rules.maxPerCategory !== null;
  let order = rows;
  if (rules.diversity < 1 && rows.length > 1 && limit > 0) {
    const depth = Math.min(rows.length, capped ? limit * MMR_DEPTH_WITH_CAPS : limit);
    order = mmrOrder(loaded, rows, rowScores, depth, rules.diversity);
  }
  if (!capped) return order.slice(0, Math.max(0, limit));

  const { brandIndex, categoryIndex } = loaded.bundle.products;
  // The listed rows head the list while it is walked (and are cut off the answer); a count is a
  // scan of at most `limit` + listed rows.
  const picked = [...listed];
  const count = (index: Int32Array, value: number) => picked.filter((row) => index[row] === value).length;
  for (const row of order) {
    if (picked.length >= limit + listed.length) break;
    const brand = brandIndex[row]!;
    const category = categoryIndex[row]!;
    if (rules.maxPerBrand !== null && brand >= 0 && count(brandIndex, brand) >= rules.maxPerBrand) continue;
    if (rules.maxPerCategory !== null && category >= 0 && count(categoryIndex, category) >= rules.maxPerCategory) continue;
    picked.push(row);
  }
  return picked.slice(listed.length);
}
