/** Builds the bundle's CSR graphs from symmetric pair weights, keeping each row's top M. */
import type { CsrGraph } from '../../shared/bundle/types.ts';

/**
 * Symmetric weights of unordered pairs. Each `add` is appended to flat typed arrays (key
 * `a * n + b` with a < b: exact in a double for any catalog under 94 million products) and equal
 * keys are summed once, at the end. A `Map` per pair held 200,000 products' co-visits in over
 * 100 MB of heap; these take 16 bytes per add.
 */
export class PairWeights {
  #keys = new Float64Array(1024);
  #weights = new Float64Array(1024);
  #count = 0;
  constructor(readonly n: number) {}

  add(a: number, b: number, weight: number): void {
    if (this.#count === this.#keys.length) {
      this.#keys = grow(this.#keys);
      this.#weights = grow(this.#weights);
    }
    this.#keys[this.#count] = a < b ? a * this.n + b : b * this.n + a;
    this.#weights[this.#count++] = weight;
  }

  /**
   * Each distinct pair once, by ascending key, with its weights summed in the order they were
   * added (the same additions, so the same doubles, as a running total would give), and its
   * support: how many `add` calls it got (the sessions that saw it, as the builder adds once per session).
   */
  totals(): { keys: Float64Array; weights: Float64Array; support: Uint32Array } {
    const keys = this.#keys;
    const order = new Uint32Array(this.#count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((x, y) => keys[x]! - keys[y]! || x - y);
    let distinct = 0;
    for (let k = 0; k < order.length; k++) if (k === 0 || keys[order[k]!] !== keys[order[k - 1]!]) distinct++;
    const out = { keys: new Float64Array(distinct), weights: new Float64Array(distinct), support: new Uint32Array(distinct) };
    let at = -1;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (k === 0 || keys[i] !== keys[order[k - 1]!]) out.keys[++at] = keys[i]!;
      out.weights[at]! += this.#weights[i]!;
      out.support[at]!++;
    }
    return out;
  }
}

function grow(array: Float64Array): Float64Array<ArrayBuffer> {
  const larger = new Float64Array(array.length * 2);
  larger.set(array);
  return larger;
}

/**
 * CSR graph over `n` rows from pair weights, each pair in both rows, each row sorted by
 * descending weight (ties: lower index first, for reproducible bytes) and cut to `topM`. Pairs
 * added fewer than `minSupport` times are left out.
 */
export function pairsToCsr(
  pairs: PairWeights,
  topM: number,
  normalize: (a: number, b: number, w: number) => number,
  minSupport = 1,
): CsrGraph {
  const n = pairs.n;
  const totals = pairs.totals();
  const degree = new Uint32Array(n);
  totals.keys.forEach((key, k) => {
    if (totals.support[k]! < minSupport) return;
    degree[Math.floor(key / n)]!++;
    degree[key % n]!++;
  });
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const fill = start.slice(0, n);
  const nbr = new Uint32Array(start[n]!);
  const wts = new Float64Array(start[n]!);
  for (let k = 0; k < totals.keys.length; k++) {
    if (totals.support[k]! < minSupport) continue;
    const key = totals.keys[k]!;
    const a = Math.floor(key / n);
    const b = key % n;
    const w = normalize(a, b, totals.weights[k]!);
    nbr[fill[a]!] = b;
    wts[fill[a]!++] = w;
    nbr[fill[b]!] = a;
    wts[fill[b]!++] = w;
  }
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + Math.min(topM, degree[i]!);
  const neighbors = new Uint32Array(offsets[n]!);
  const weights = new Float32Array(offsets[n]!);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let k = start[i]!; k < start[i + 1]!; k++) order.push(k);
    // Neighbours are distinct within a row, so this order is total: the fill order cannot matter.
    order.sort((x, y) => wts[y]! - wts[x]! || nbr[x]! - nbr[y]!);
    for (let k = 0; k < offsets[i + 1]! - offsets[i]!; k++) {
      neighbors[offsets[i]! + k] = nbr[order[k]!]!;
      weights[offsets[i]! + k] = wts[order[k]!]!;
    }
  }
  return { offsets, neighbors, weights };
}

/** A graph with `n` empty rows (no events given). */
export function emptyCsr(n: number): CsrGraph {
  return { offsets: new Uint32Array(n + 1), neighbors: new Uint32Array(0), weights: new Float32Array(0) };
}
