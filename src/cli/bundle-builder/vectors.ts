/**
 * Item vectors: content vectors, smoothed by the session graphs, or imported. Blending rule
 * (docs/cli.md, "Embeddings"): a product seen in s sessions gets
 *   v = normalise((1 - β) · content + β · sessionVec),  β = s / (s + BLEND_PRIOR),
 * where s counts the sessions that viewed it and sessionVec is the weighted mean of the content
 * vectors of its co-visited neighbours (substitutes; co-purchases are complements and stay out of a
 * look-alike vector), minus the catalog's mean content vector. Centring matters: a plain mean of many
 * neighbours drifts towards the catalog mean, which made unrelated busy products look alike.
 * It stays in the content space, so a brand-new product (β = 0) keeps its content vector and
 * remains comparable with every other product.
 */
import type { CsrGraph } from '../../shared/bundle/types.ts';
import { normalizeInto } from './text-embeddings.ts';

/** Sessions after which behaviour and content weigh the same. */
export const BLEND_PRIOR = 20;

export function blendWithSessions(
  content: Float32Array,
  dim: number,
  graphs: readonly CsrGraph[],
  sessionCount: Uint32Array,
): Float32Array {
  const n = sessionCount.length;
  const out = new Float32Array(content);
  const acc = new Float64Array(dim);
  const unit = new Float32Array(dim);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += content[i * dim + d]! / n;
  for (let i = 0; i < n; i++) {
    const s = sessionCount[i]!;
    if (s === 0) continue;
    acc.fill(0);
    for (const g of graphs) {
      for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) {
        const j = g.neighbors[k]!;
        const w = g.weights[k]!;
        for (let d = 0; d < dim; d++) acc[d]! += w * (content[j * dim + d]! - mean[d]!);
      }
    }
    if (!normalizeInto(unit, 0, acc)) continue;
    const beta = s / (s + BLEND_PRIOR);
    for (let d = 0; d < dim; d++) acc[d] = (1 - beta) * content[i * dim + d]! + beta * unit[d]!;
    normalizeInto(out, i * dim, acc);
  }
  return out;
}
