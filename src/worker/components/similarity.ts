/**
 * Content similarity: the cosine of each product with the page product (`similar`) or with the
 * recency-weighted mean of the session's products (rows are unit length), scored in the kernels.
 */
import type { EmbeddingMatrix } from '../../shared/bundle/types.ts';
import { seedsWithout, type Seed } from '../query.ts';
import { cite, MAX_EVIDENCE_SEEDS, perRequest, strongestSeed } from './evidence.ts';
import type { ScoreComponent } from './types.ts';

/** Adds `weight * row` (dequantised) to `into`. */
function addRow(matrix: EmbeddingMatrix, row: number, weight: number, into: Float32Array): void {
  const { dim } = matrix;
  const scale = matrix.dtype === 'i8' ? matrix.scales[row]! * weight : weight;
  for (let j = 0; j < dim; j++) into[j]! += matrix.data[row * dim + j]! * scale;
}

function dotRow(matrix: EmbeddingMatrix, row: number, vector: Float32Array): number {
  const { dim } = matrix;
  let dot = 0;
  for (let j = 0; j < dim; j++) dot += matrix.data[row * dim + j]! * vector[j]!;
  return matrix.dtype === 'i8' ? dot * matrix.scales[row]! : dot;
}

/** The unit vector of the seeds' weighted sum; null when there is none. */
function sessionVector(matrix: EmbeddingMatrix, seeds: readonly Seed[]): Float32Array | null {
  const vector = new Float32Array(matrix.dim);
  for (const seed of seeds) addRow(matrix, seed.row, seed.weight, vector);
  let norm = 0;
  for (let j = 0; j < vector.length; j++) norm += vector[j]! * vector[j]!;
  if (norm === 0) return null;
  const inverse = 1 / Math.sqrt(norm);
  for (let j = 0; j < vector.length; j++) vector[j]! *= inverse;
  return vector;
}

/**
 * Zeroes the cosines within chance of the page product's (`similar` and the lists filling it up): a
 * product sharing nothing in particular with it is not "similar", whatever small overlap the reduced
 * vectors give it, so it does not qualify and the list says it was filled up. Chance is read off the
 * negative cosines, which only unrelated products have: three times their root mean square.
 */
function keepAboveChance(scores: Float32Array): void {
  let squares = 0;
  let count = 0;
  for (const score of scores) {
    if (score >= 0) continue;
    squares += score * score;
    count++;
  }
  const floor = 3 * Math.sqrt(squares / (count || 1));
  for (let row = 0; row < scores.length; row++) if (scores[row]! < floor) scores[row] = 0;
}

export const similarity: ScoreComponent<(row: number) => Float32Array | null> = {
  name: 'similarity',
  defaultWeight: 0.3,
  strategies: ['similar', 'for_you', 'rerank'],
  signal: true,
  active: (query) => query.seeds.length > 0,
  fill(query, into, slot) {
    const { bundle, kernels } = query.loaded;
    const vector = sessionVector(bundle.embeddings, query.seeds);
    if (vector) {
      kernels.scoreQuery(vector, slot);
      if (query.placement == 'similar') keepAboveChance(kernels.slot(slot));
    } else into.fill(0);
    // The session vector had the session never held a product, for leave-one-out explanations.
    return perRequest((row) => sessionVector(bundle.embeddings, seedsWithout(query, row)));
  },
  explain(query, at, vectorWithout) {
    const { products, embeddings } = query.loaded.bundle;
    if (query.strategy === 'similar' && query.page !== null) {
      const page = query.page;
      return { contribution: at.value, message: 'similarTo', params: { title: products.title(page) }, evidenceProduct: products.id(page) };
    }
    const best = strongestSeed(query.seeds.slice(0, MAX_EVIDENCE_SEEDS), (seed) => {
      const without = vectorWithout(seed.row);
      return at.weight * (at.score - (without ? dotRow(embeddings, at.row, without) : 0));
    });
    // Look-alike views back each other up, so removing one alone explains little: then the reason
    // names them all, whose removal takes the whole value.
    if (!best || best.drop < at.value / 2) {
      const titles = query.seeds.map((seed) => products.title(seed.row)).join(', ');
      return { contribution: at.value, message: 'viewed', params: { title: titles } };
    }
    return cite(query, best, 'viewed', at.row);
  },
};
