/** Builds the bundle's CSR graphs from symmetric pair weights, keeping each row's top M. */
import type { CsrGraph } from '../../shared/bundle/types.ts';

/**
 * Symmetric weights of unordered pairs. Keys are `a * n + b` with a < b: exact in a double for
 * any catalog under 94 million products, and far lighter than string keys.
 */
export class PairWeights {
  readonly map = new Map<number, number>();
  constructor(readonly n: number) {}

  add(a: number, b: number, weight: number): void {
    const key = a < b ? a * this.n + b : b * this.n + a;
    this.map.set(key, (this.map.get(key) ?? 0) + weight);
  }
}

/**
 * CSR graph over `n` rows from pair weights, each pair in both rows, each row sorted by
 * descending weight (ties: lower index first, for reproducible bytes) and cut to `topM`.
 */
export function pairsToCsr(pairs: PairWeights, topM: number, normalize: (a: number, b: number, w: number) => number): CsrGraph {
  const n = pairs.n;
  const degree = new Uint32Array(n);
  for (const key of pairs.map.keys()) {
    degree[Math.floor(key / n)]!++;
    degree[key % n]!++;
  }
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const fill = start.slice(0, n);
  const nbr = new Uint32Array(start[n]!);
  const wts = new Float64Array(start[n]!);
  for (const [key, raw] of pairs.map) {
    const a = Math.floor(key / n);
    const b = key % n;
    const w = normalize(a, b, raw);
    nbr[fill[a]!] = b;
    wts[fill[a]!++] = w;
    nbr[fill[b]!] = a;
    wts[fill[b]!++] = w;
  }
  const offsets = new Uint32Array(n + 1);
  const kept: number[] = [];
  const keptW: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let k = start[i]!; k < start[i + 1]!; k++) order.push(k);
    order.sort((x, y) => wts[y]! - wts[x]! || nbr[x]! - nbr[y]!);
    const m = Math.min(topM, order.length);
    for (let k = 0; k < m; k++) {
      kept.push(nbr[order[k]!]!);
      keptW.push(wts[order[k]!]!);
    }
    offsets[i + 1] = kept.length;
  }
  return { offsets, neighbors: Uint32Array.from(kept), weights: Float32Array.from(keptW) };
}

/** A graph with `n` empty rows (no events given). */
export function emptyCsr(n: number): CsrGraph {
  return { offsets: new Uint32Array(n + 1), neighbors: new Uint32Array(0), weights: new Float32Array(0) };
}
