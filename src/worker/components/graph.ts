/**
 * The product graphs' scores (co-visitation, co-purchase), fill and explanation alike: a seed adds
 * each neighbour's link strength times the seed's weight. Link strengths are absolute and already
 * weighed by their evidence at build time (docs/cli.md, "Events"): a product whose best link was
 * seen once keeps a weak link, it is not scaled up to its row's best. The sum is linear in the
 * seeds, so a seed's share of a product's value is exactly its own term.
 */
import type { CsrGraph } from '../../shared/bundle/types.ts';
import { SINGLE_SESSION_STRENGTH } from '../../shared/link-evidence.ts';
import type { Seed } from '../query.ts';

/** Overwrites `into` with every product's sum over `seeds`. */
export function fillGraph(graph: CsrGraph, seeds: readonly Seed[], into: Float32Array): void {
  into.fill(0);
  const { offsets, neighbors, weights } = graph;
  for (const seed of seeds) {
    for (let e = offsets[seed.row]!; e < offsets[seed.row + 1]!; e++) into[neighbors[e]!]! += weights[e]! * seed.weight;
  }
}

/** The link strength between `from` and `to` (0 without a link). */
export function linkAt(graph: CsrGraph, from: number, to: number): number {
  const { offsets, neighbors, weights } = graph;
  let value = 0;
  for (let e = offsets[from]!; e < offsets[from + 1]!; e++) if (neighbors[e] === to) value += weights[e]!;
  return value;
}

/**
 * Whether the link from `from` to `to` is stronger than one shared session can make it, i.e. the
 * pair was seen in at least two sessions: the evidence a reason needs ("shoppers who…", "often…").
 */
export function evidenced(graph: CsrGraph, from: number, to: number): boolean {
  // Weights are float32: rounding is monotonic, so above the rounded bound means above the bound.
  return linkAt(graph, from, to) > Math.fround(SINGLE_SESSION_STRENGTH);
}

/** `seed`'s part of the sum at `row` (0 when `row` is not its neighbour). */
export function termAt(graph: CsrGraph, seed: Seed, row: number): number {
  return linkAt(graph, seed.row, row) * seed.weight;
}

/** The sum over `seeds` at `row`, term by term as `fillGraph` adds them. */
export function sumAt(graph: CsrGraph, seeds: readonly Seed[], row: number): number {
  let value = 0;
  for (const seed of seeds) value += termAt(graph, seed, row);
  return value;
}
