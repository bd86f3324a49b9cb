/// <reference lib="webworker" />
/**
 * Runs inside a module Worker for kernels-worker.test.ts: instantiates the release SIMD build the
 * way the engine does (a fetched module, no Node APIs) and compares it with the TS reference.
 */
import { createReferenceKernels } from '../../src/shared/kernels/reference.ts';
import { simdSupported } from '../../src/shared/kernels/simd.ts';
import { instantiateKernels } from '../../src/shared/kernels/wasm-kernels.ts';
import { quantize, randomF32, randomMask, randomQuery } from '../node/kernels-fixtures.ts';

export interface WorkerReport {
  simd: boolean;
  impl: string;
  cases: { dtype: string; dim: number; maxScoreDiff: number; topEqual: boolean; mmrEqual: boolean; topLength: number }[];
  error?: string;
}

addEventListener('message', async (event: MessageEvent<{ wasmUrl: string }>) => {
  const report: WorkerReport = { simd: simdSupported(), impl: '', cases: [] };
  try {
    const module = await WebAssembly.compileStreaming(fetch(event.data.wasmUrl));
    const wasm = await instantiateKernels(module, 'wasm-simd');
    report.impl = wasm.impl;
    const ref = createReferenceKernels();
    for (const dim of [3, 64, 65]) {
      const f = randomF32(3001, dim, dim);
      for (const matrix of [f, quantize(f)]) {
        wasm.setMatrix(matrix);
        ref.setMatrix(matrix);
        const q = randomQuery(dim, 17);
        const a = wasm.scoreQuery(q);
        const b = ref.scoreQuery(q);
        let maxScoreDiff = 0;
        for (let r = 0; r < a.length; r++) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a[r]! - b[r]!));
        // Same scores on both sides, then compare the selection exactly.
        ref.slot(0).set(a);
        const mask = randomMask(matrix.rows, 0.4, dim);
        const ta = wasm.topK(0, 25, mask);
        const tb = ref.topK(0, 25, mask);
        const topEqual = ta.indices.join() === tb.indices.join() && ta.scores.join() === tb.scores.join();
        const candidates = tb.indices.slice();
        const relevance = tb.scores.slice();
        const mmrEqual = wasm.mmr(candidates, relevance, 10, 0.5).join() === ref.mmr(candidates, relevance, 10, 0.5).join();
        report.cases.push({ dtype: matrix.dtype, dim, maxScoreDiff, topEqual, mmrEqual, topLength: ta.indices.length });
      }
    }
  } catch (error) {
    report.error = String(error);
  }
  postMessage(report);
});
