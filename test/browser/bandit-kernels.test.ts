import { describe, expect, it } from 'vitest';
import type { BanditWorkerReport } from './bandit-kernels-worker.ts';

describe('bandit kernels in a Chromium worker', () => {
  it('should load the SIMD wasm lazily and match the TypeScript reference on fixed seeds', async () => {
    const worker = new Worker(new URL('./bandit-kernels-worker.ts', import.meta.url), { type: 'module' });
    try {
      const report = await new Promise<BanditWorkerReport>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<BanditWorkerReport>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage(null);
      });
      expect(report.error).toBeUndefined();
      expect(report.impl).toBe('wasm-simd');
      expect(report.slatesEqual).toBe(100);
      expect(report.statesEqual).toBe(100);
      expect(report.maxRelativeDrawDiff).toBeLessThan(1e-14);
      expect(report.inverseEqual).toBe(true);
      expect(report.argmaxEqual).toBe(50);
      expect(report.maxScoreDiff).toBeLessThan(1e-12);
    } finally {
      worker.terminate();
    }
  });
});
