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

/** Calls `visit(neighbour, term)` for each of `seed`'s neighbours with that neighbour's term of the sum. */
function forEachTerm(graph: CsrGraph, seed: Seed, visit: (neighbour: number, term: number) => void): void {
  const max = rowMaxAbs(graph, seed.row);
  if (max === 0) return;
  const scale = seed.weight / max;
  for (let e = graph.offsets[seed.row]!; e < graph.offsets[seed.row + 1]!; e++) visit(graph.neighbors[e]!, graph.weights[e]! * scale);
}

/** Overwrites `into` with every product's sum over `seeds`. */
export function fillGraph(graph: CsrGraph, seeds: readonly Seed[], into: Float32Array): void {
  into.fill(0);
  for (const seed of seeds) forEachTerm(graph, seed, (neighbour, term) => (into[neighbour]! += term));
}

/** `seed`'s part of the sum at `row` (0 when `row` is not its neighbour). */
export function termAt(graph: CsrGraph, seed: Seed, row: number): number {
  let value = 0;
  forEachTerm(graph, seed, (neighbour, term) => {
    if (neighbour === row) value += term;
  });
  return value;
}

/** The sum over `seeds` at `row`: what `fillGraph` writes there. */
export function sumAt(graph: CsrGraph, seeds: readonly Seed[], row: number): number {
  let value = 0;
  for (const seed of seeds) value += termAt(graph, seed, row);
  return value;
}
