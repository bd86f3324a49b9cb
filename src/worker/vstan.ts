/**
 * Session-based k-nearest-neighbours over the bundle's training sessions: "visitors whose sessions
 * looked like this one went on to these products". The scoring follows V-STAN (Ludewig, Latifi &
 * Jannach, "Empirical analysis of session-based recommendation algorithms", UMUAI 2021), the
 * strongest non-neural model on the session-rec benchmarks:
 * - the current session's items weigh more the more recently they were seen (λ_spw);
 * - candidate neighbours are the most recent sessions sharing an item (at most `sample`);
 * - similarity = position-weighted overlap / (|current| · |neighbour|)^½, decayed by the
 *   neighbour's age (λ_snh, in seconds or in sessions, `recencyUnit`);
 * - a neighbour's items count more when they sit close to where it matched the session (λ_inh),
 *   when the matching item was recent (λ_ipw), and when they are rare (idf, λ_idf).
 * The constants come from the bundle (`SessionModel`, fitted per shop by `bundle build`), else the
 * published defaults; they live on the per-bundle index, never in module state.
 */
import { DEFAULT_SESSION_MODEL } from '../shared/bundle/session-model.ts';
import type { SessionIndex, SessionModel } from '../shared/bundle/types.ts';

/** Per-bundle lookups, built once on first use. */
export interface SessionKnnIndex {
  readonly sessions: SessionIndex;
  /** The constants this index scores with. */
  readonly model: Readonly<SessionModel>;
  /** item → sessions holding it, most recent first (CSR over product rows). */
  readonly itemOffsets: Uint32Array;
  readonly itemSessions: Uint32Array;
  /** Distinct items per session. */
  readonly distinct: Uint16Array;
  /** log(sessions / occurrences) per product (0 for products never seen). */
  readonly idf: Float32Array;
  /** exp(-age / λ_snh) per session, age in the model's recency unit. */
  readonly ageDecay: Float32Array;
  /** Scratch: per-session stamp and similarity, per-product position stamps. */
  readonly stamp: Uint32Array;
  readonly similarity: Float32Array;
  readonly itemStamp: Uint32Array;
  readonly itemPosition: Int32Array;
  /** Scratch per product, all zeros between calls: the leave-one-out scores of explanations. */
  readonly scores: Float32Array;
  round: number;
}

/** Each session's recency weight under `model`: exp(-age / scale), age in seconds or in sessions ended since. */
export function recencyWeights(sessions: SessionIndex, model: Readonly<SessionModel>): Float32Array {
  const { age } = sessions;
  if (model.recencyUnit === 'none') return new Float32Array(age.length).fill(1);
  if (model.recencyUnit === 'seconds') return Float32Array.from(age, (a) => Math.exp(-a / model.recencyScale));
  // Rank by age (youngest = 0); equal ages share the rank of the first of them.
  const order = Array.from({ length: age.length }, (_, s) => s).sort((a, b) => age[a]! - age[b]! || a - b);
  const weights = new Float32Array(age.length);
  let rank = 0;
  order.forEach((s, k) => {
    if (k > 0 && age[s] !== age[order[k - 1]!]) rank = k;
    weights[s] = Math.exp(-rank / model.recencyScale);
  });
  return weights;
}

export function buildSessionKnnIndex(
  sessions: SessionIndex,
  products: number,
  model: Readonly<SessionModel> = DEFAULT_SESSION_MODEL,
): SessionKnnIndex {
  const count = sessions.age.length;
  const { offsets, items } = sessions;
  const occurrences = new Uint32Array(products);
  const perItem = new Uint32Array(products + 1);
  const distinct = new Uint16Array(count);
  const mark = new Int32Array(products).fill(-1);
  for (let s = 0; s < count; s++) {
    for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
      const item = items[e]!;
      occurrences[item]!++;
      if (mark[item] !== s) {
        mark[item] = s;
        distinct[s]!++;
        perItem[item + 1]!++;
      }
    }
  }
  for (let i = 0; i < products; i++) perItem[i + 1]! += perItem[i]!;
  // Sessions sorted by age (youngest first) so each item's list comes out most recent first.
  const byAge = Array.from({ length: count }, (_, s) => s).sort((a, b) => sessions.age[a]! - sessions.age[b]! || a - b);
  const cursor = perItem.slice(0, products);
  const itemSessions = new Uint32Array(perItem[products]!);
  mark.fill(-1);
  for (const s of byAge) {
    for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
      const item = items[e]!;
      if (mark[item] === s) continue;
      mark[item] = s;
      itemSessions[cursor[item]!++] = s;
    }
  }
  const idf = new Float32Array(products);
  for (let i = 0; i < products; i++) idf[i] = occurrences[i]! > 0 ? Math.log(count / occurrences[i]!) : 0;
  return {
    sessions,
    model,
    itemOffsets: perItem,
    itemSessions,
    distinct,
    idf,
    ageDecay: recencyWeights(sessions, model),
    stamp: new Uint32Array(count),
    similarity: new Float32Array(count),
    itemStamp: new Uint32Array(products),
    itemPosition: new Int32Array(products),
    scores: new Float32Array(products),
    round: 0,
  };
}

function nextRound(index: SessionKnnIndex): number {
  index.round = (index.round + 1) >>> 0;
  if (index.round === 0) {
    // Stamps wrapped around (after 4 billion queries): clear them once.
    index.stamp.fill(0);
    index.itemStamp.fill(0);
    index.round = 1;
  }
  return index.round;
}

/**
 * Adds the session-kNN score of every product to `into` (which the caller zeroed) for the session
 * `rows` (product rows, oldest first, repeats kept). Returns the largest score written (0 when no
 * training session shares an item). `touched`, when given, receives each product scored (once).
 */
export function sessionKnnScores(index: SessionKnnIndex, rows: readonly number[], into: Float32Array, touched?: number[]): number {
  const length = rows.length;
  if (length === 0) return 0;
  const { itemOffsets, itemSessions, stamp, similarity, itemStamp, itemPosition, distinct, ageDecay, idf, model } = index;
  const { spw, inh, ipw } = model;
  const idfWeight = model.idf;
  const { offsets, items } = index.sessions;

  // Each distinct item's last position in the session (1-based) and its position weight.
  const round = nextRound(index);
  const distinctRows: number[] = [];
  for (let p = 0; p < length; p++) {
    const row = rows[p]!;
    if (itemStamp[row] !== round) {
      itemStamp[row] = round;
      distinctRows.push(row);
    }
    itemPosition[row] = p + 1;
  }
  let weightSquares = 0;
  for (const row of distinctRows) weightSquares += Math.exp((itemPosition[row]! - length) / spw) ** 2;
  const norm = Math.sqrt(weightSquares);

  // Candidate neighbours: union of the items' session lists, then the `sample` most recent.
  const candidates: number[] = [];
  for (const row of distinctRows) {
    for (let e = itemOffsets[row]!; e < itemOffsets[row + 1]!; e++) {
      const s = itemSessions[e]!;
      if (stamp[s] !== round) {
        stamp[s] = round;
        candidates.push(s);
      }
    }
  }
  if (candidates.length > model.sample) {
    const age = index.sessions.age;
    candidates.sort((a, b) => age[a]! - age[b]! || a - b);
    candidates.length = model.sample;
  }

  // Similarity of each candidate: position-weighted overlap.
  for (const s of candidates) {
    let overlap = 0;
    // Count each shared item once, with its weight in the current session.
    for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
      const item = items[e]!;
      if (itemStamp[item] === round && itemPosition[item]! > 0) {
        overlap += Math.exp((itemPosition[item]! - length) / spw);
        itemPosition[item] = -itemPosition[item]!; // mark counted for this session
      }
    }
    for (let e = offsets[s]!; e < offsets[s + 1]!; e++) {
      const item = items[e]!;
      if (itemStamp[item] === round && itemPosition[item]! < 0) itemPosition[item] = -itemPosition[item]!;
    }
    similarity[s] = (overlap / (norm * Math.sqrt(distinct[s]!))) * ageDecay[s]!;
  }
  candidates.sort((a, b) => similarity[b]! - similarity[a]! || a - b);
  if (candidates.length > model.neighbours) candidates.length = model.neighbours;

  let max = 0;
  for (const s of candidates) {
    const start = offsets[s]!;
    const end = offsets[s + 1]!;
    // Where the neighbour last matched the session, and how recent that matching item was for us.
    let matchAt = 0;
    let latestShared = 0;
    for (let e = start; e < end; e++) {
      const item = items[e]!;
      if (itemStamp[item] === round) {
        matchAt = e - start + 1;
        if (itemPosition[item]! > latestShared) latestShared = itemPosition[item]!;
      }
    }
    const base = similarity[s]! * Math.exp((latestShared - length) / ipw);
    // Each distinct item once, at its last position in the neighbour.
    for (let e = end - 1; e >= start; e--) {
      const item = items[e]!;
      let seenLater = false;
      for (let f = e + 1; f < end; f++) {
        if (items[f] === item) {
          seenLater = true;
          break;
        }
      }
      if (seenLater) continue;
      const value = base * Math.exp(-Math.abs(e - start + 1 - matchAt) / inh) * (1 + idf[item]! * idfWeight);
      if (touched && into[item] === 0 && value > 0) touched.push(item);
      const total = (into[item]! += value);
      if (total > max) max = total;
    }
  }
  return max;
}
