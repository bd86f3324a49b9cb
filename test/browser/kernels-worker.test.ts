import { describe, expect, it } from 'vitest';
import wasmUrl from '../../wasm/build/kernels.simd.wasm?url';
import type { WorkerReport } from './kernels-worker.ts';

describe('kernels in a Chromium worker', () => {
  it('should run the release SIMD build and match the TS reference', async () => {
    const worker = new Worker(new URL('./kernels-worker.ts', import.meta.url), { type: 'module' });
    try {
      const report = await new Promise<WorkerReport>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<WorkerReport>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ wasmUrl: new URL(wasmUrl, location.href).href });
      });
      expect(report.error).toBeUndefined();
      expect(report.simd).toBe(true);
      expect(report.impl).toBe('wasm-simd');
      expect(report.cases).toHaveLength(6);
      for (const c of report.cases) {
        expect(c.maxScoreDiff, `${c.dtype} d=${c.dim}`).toBeLessThan(c.dtype === 'f32' ? 1e-5 : 1e-3);
        expect(c.topEqual, `${c.dtype} d=${c.dim}`).toBe(true);
        expect(c.mmrEqual, `${c.dtype} d=${c.dim}`).toBe(true);
        expect(c.topLength).toBe(25);
      }
    } finally {
      worker.terminate();
    }
  });
});
