/**
 * The product graphs' scores (co-visitation, co-purchase), fill and explanation alike: a seed adds
 * each neighbour's edge weight scaled by the seed row's strongest edge, times the seed's weight.
 * The sum is linear in the seeds, so a seed's share of a product's value is exactly its own term.
 */
import type { CsrGraph } from '../../shared/bundle/types.ts';
import type { Seed } from '../query.ts';

/** Largest absolute weight in row `row` of a graph (rows are short: top-M neighbours). */
function rowMaxAbs(graph: CsrGraph, row: number): number {
  let max = 0;
  for (let e = graph.offsets[row]!; e < graph.offsets[row + 1]!; e++) max = Math.max(max, Math.abs(graph.weights[e]!));
  return max;
}

/**
 * What `seed`'s edge weights are multiplied by: its weight over its row's strongest edge, 0 for a
 * row without edges. A neighbour's term is `edge weight × scale`, in the fill and the explanation.
 */
function scaleOf(graph: CsrGraph, seed: Seed): number {
  const max = rowMaxAbs(graph, seed.row);
  return max === 0 ? 0 : seed.weight / max;
}

/** Overwrites `into` with every product's sum over `seeds`. */
export function fillGraph(graph: CsrGraph, seeds: readonly Seed[], into: Float32Array): void {
  into.fill(0);
  const { offsets, neighbors, weights } = graph;
  for (const seed of seeds) {
    const scale = scaleOf(graph, seed);
    if (scale === 0) continue;
    for (let e = offsets[seed.row]!; e < offsets[seed.row + 1]!; e++) into[neighbors[e]!]! += weights[e]! * scale;
  }
}

/** `seed`'s part of the sum at `row` (0 when `row` is not its neighbour). */
export function termAt(graph: CsrGraph, seed: Seed, row: number): number {
  const scale = scaleOf(graph, seed);
  if (scale === 0) return 0;
  const { offsets, neighbors, weights } = graph;
  let value = 0;
  for (let e = offsets[seed.row]!; e < offsets[seed.row + 1]!; e++) if (neighbors[e] === row) value += weights[e]! * scale;
  return value;
}

/** The sum over `seeds` at `row`, term by term as `fillGraph` adds them (same scale, same products). */
export function sumAt(graph: CsrGraph, seeds: readonly Seed[], row: number): number {
  let value = 0;
  for (const seed of seeds) value += termAt(graph, seed, row);
  return value;
}
