/**
 * The plain TypeScript kernels (impl `js`): the definition every WASM build is tested against, and
 * the fallback where WebAssembly is unavailable. Written for obviousness, not speed: dot products
 * accumulate in f64, top-k keeps a small sorted list, MMR recomputes what it needs.
 */
import type { EmbeddingMatrix } from '../bundle/types.ts';
import type { Kernels, TopK } from './types.ts';
import { checkMatrix, checkMmr, checkQuery, checkSlot, checkTopK, checkWeights } from './validate.ts';

const f32 = Math.fround;

/** True when (sa, ia) ranks before (sb, ib): higher score, then lower row. */
function better(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa > sb || (sa === sb && ia < ib);
}

class ReferenceKernels implements Kernels {
  readonly impl = 'js' as const;
  rows = 0;
  dim = 0;
  private matrix: EmbeddingMatrix | null = null;
  private slots: Float32Array[] = [];

  setMatrix(matrix: EmbeddingMatrix, options?: { scoreSlots?: number }): void {
    const slotCount = checkMatrix(matrix, options);
    // Copy, like the WASM kernels do: the caller may reuse or transfer its buffers.
    this.matrix =
      matrix.dtype === 'f32'
        ? { dtype: 'f32', rows: matrix.rows, dim: matrix.dim, data: matrix.data.slice() }
        : { dtype: 'i8', rows: matrix.rows, dim: matrix.dim, data: matrix.data.slice(), scales: matrix.scales.slice() };
    this.rows = matrix.rows;
    this.dim = matrix.dim;
    this.slots = Array.from({ length: slotCount }, () => new Float32Array(matrix.rows));
  }

  slot(index: number): Float32Array {
    checkSlot(index, this.slots.length);
    return this.slots[index]!;
  }

  scoreQuery(query: Float32Array, into = 0): Float32Array {
    const out = this.slot(into);
    checkQuery(query, this.dim);
    const m = this.matrix;
    if (!m) return out;
    const { dim } = m;
    for (let r = 0; r < m.rows; r++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += m.data[r * dim + j]! * query[j]!;
      out[r] = m.dtype === 'f32' ? sum : sum * m.scales[r]!;
    }
    return out;
  }

  combine(weights: ArrayLike<number>, into: number): Float32Array {
    const out = this.slot(into);
    checkWeights(weights, this.slots.length);
    // f32 arithmetic in slot order, the order the WASM kernel sums in, so results match exactly.
    for (let r = 0; r < this.rows; r++) {
      let acc = 0;
      for (let j = 0; j < weights.length; j++) acc = f32(acc + f32(f32(weights[j]!) * this.slots[j]![r]!));
      out[r] = acc;
    }
    return out;
  }

  topK(from: number, k: number, allow?: Uint8Array): TopK {
    const scores = this.slot(from);
    checkTopK(k, this.rows, allow);
    const idx: number[] = [];
    const val: number[] = [];
    for (let r = 0; r < this.rows; r++) {
      if (allow && ((allow[r >> 3]! >> (r & 7)) & 1) === 0) continue;
      const s = scores[r]!;
      if (Number.isNaN(s)) continue;
      // Insert into the sorted list, dropping whatever falls past position k.
      let pos = idx.length;
      while (pos > 0 && better(s, r, val[pos - 1]!, idx[pos - 1]!)) pos--;
      if (pos >= k) continue;
      idx.splice(pos, 0, r);
      val.splice(pos, 0, s);
      if (idx.length > k) {
        idx.pop();
        val.pop();
      }
    }
    return { indices: Int32Array.from(idx), scores: Float32Array.from(val) };
  }

  mmr(candidates: Int32Array, relevance: Float32Array, k: number, lambda: number): Int32Array {
    checkMmr(candidates, relevance, k, lambda, this.rows);
    const m = this.matrix;
    const picked: number[] = [];
    if (!m) return new Int32Array(0);
    const lam = f32(lambda);
    const diversity = f32(1 - lam);
    const done = candidates.map((_, i) => (Number.isNaN(relevance[i]!) ? 1 : 0));
    const maxSim = new Float32Array(candidates.length);
    while (picked.length < Math.min(k, candidates.length)) {
      let best = -1;
      let bestScore = 0;
      let bestRel = 0;
      for (let i = 0; i < candidates.length; i++) {
        if (done[i]) continue;
        const rel = relevance[i]!;
        const s = f32(f32(lam * rel) - f32(diversity * maxSim[i]!));
        if (best < 0 || s > bestScore || (s === bestScore && rel > bestRel)) {
          best = i;
          bestScore = s;
          bestRel = rel;
        }
      }
      if (best < 0) break;
      done[best] = 1;
      const row = candidates[best]!;
      picked.push(row);
      for (let i = 0; i < candidates.length; i++) {
        if (done[i]) continue;
        const sim = this.similarity(m, candidates[i]!, row);
        maxSim[i] = picked.length === 1 ? sim : Math.max(maxSim[i]!, sim);
      }
    }
    return Int32Array.from(picked);
  }

  private similarity(m: EmbeddingMatrix, a: number, b: number): number {
    let sum = 0;
    for (let j = 0; j < m.dim; j++) sum += m.data[a * m.dim + j]! * m.data[b * m.dim + j]!;
    return m.dtype === 'f32' ? sum : f32(sum) * f32(m.scales[a]! * m.scales[b]!);
  }
}

/** The plain-TypeScript kernels (impl `js`). */
export function createReferenceKernels(): Kernels {
  return new ReferenceKernels();
}
