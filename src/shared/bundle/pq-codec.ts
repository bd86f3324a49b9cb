/**
 * Product-quantised embeddings (format version 3, docs/bundle-format.md, "embeddings"): the reader
 * rebuilds each row from its centroids once at load, straight into the int8 rows and per-row scales
 * the kernels scan today, so no scoring code knows about the codes. Scoring the rebuilt rows ranks
 * like an asymmetric-distance table scan, without a second kernel.
 */
import { PQ_CENTROIDS } from './format.ts';

/**
 * Row r = its centroids side by side, stored int8 with scale max|value| / 127 (as `quantizeInt8`).
 * The caller has checked `dim % subspaces === 0`, the lengths and a finite codebook; every u8 code
 * names a stored centroid, so the codes need no check.
 */
export function decodePq(codebook: Float32Array, codes: Uint8Array, rows: number, dim: number, subspaces: number) {
  const width = dim / subspaces;
  const data = new Int8Array(rows * dim);
  const scales = new Float32Array(rows);
  const row = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let m = 0; m < subspaces; m++) {
      const from = (m * PQ_CENTROIDS + codes[r * subspaces + m]!) * width;
      for (let j = 0; j < width; j++) max = Math.max(max, Math.abs((row[m * width + j] = codebook[from + j]!)));
    }
    scales[r] = max / 127;
    if (max > 0) for (let j = 0; j < dim; j++) data[r * dim + j] = Math.round((row[j]! * 127) / max);
  }
  return { data, scales };
}
