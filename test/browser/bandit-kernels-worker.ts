/// <reference lib="webworker" />
/**
 * Runs inside a module Worker for bandit-kernels.test.ts: loads the bandit kernels the way the
 * engine will (`import()` of the lazy loader, which fetches bandit.simd.wasm) and compares them with
 * the TypeScript reference on fixed seeds.
 */
import { createReferenceBanditKernels } from '../../src/shared/bandit/kernels.ts';
import { createLinTs } from '../../src/shared/bandit/lin-ts.ts';
import { seededRandom } from '../../src/shared/random.ts';

export interface BanditWorkerReport {
  impl: string;
  slatesEqual: number;
  statesEqual: number;
  maxRelativeDrawDiff: number;
  inverseEqual: boolean;
  argmaxEqual: number;
  maxScoreDiff: number;
  error?: string;
}

addEventListener('message', async () => {
  const report: BanditWorkerReport = {
    impl: '',
    slatesEqual: 0,
    statesEqual: 0,
    maxRelativeDrawDiff: 0,
    inverseEqual: false,
    argmaxEqual: 0,
    maxScoreDiff: 0,
  };
  try {
    const { loadBanditKernels } = await import('../../src/worker/bandit-kernels.ts');
    const kernels = await loadBanditKernels();
    const reference = createReferenceBanditKernels();
    report.impl = kernels.impl;
    for (let seed = 0; seed < 100; seed++) {
      const shape = seededRandom(seed + 1000);
      const arms = Array.from({ length: 50 }, () => ({ alpha: 0.2 + 900 * shape.next(), beta: 0.2 + 181_745 * shape.next() }));
      const a = seededRandom(seed);
      const b = seededRandom(seed);
      const drawsA = kernels.drawRates(a, arms);
      const drawsB = reference.drawRates(b, arms);
      drawsA.forEach((value, i) => {
        report.maxRelativeDrawDiff = Math.max(report.maxRelativeDrawDiff, Math.abs(value - drawsB[i]!) / drawsB[i]!);
      });
      if (JSON.stringify(kernels.thompsonSlate(a, arms, 3)) === JSON.stringify(reference.thompsonSlate(b, arms, 3))) report.slatesEqual++;
      if (a.state === b.state) report.statesEqual++;
    }
    const stateA = createLinTs(50, 16);
    const stateB = createLinTs(50, 16);
    const data = seededRandom(7);
    const argmax = (values: Float64Array) => values.indexOf(Math.max(...values));
    for (let step = 0; step < 500; step++) {
      const x = Array.from({ length: 16 }, () => 2 * data.next() - 1);
      const arm = Math.floor(50 * data.next());
      const reward = data.next() < 0.3 ? 1 : 0;
      kernels.updateLinTs(stateA, arm, x, reward);
      reference.updateLinTs(stateB, arm, x, reward);
      if (step % 10 !== 0) continue;
      const scoresA = kernels.drawScores(seededRandom(step), stateA, x);
      const scoresB = reference.drawScores(seededRandom(step), stateB, x);
      scoresA.forEach((value, i) => (report.maxScoreDiff = Math.max(report.maxScoreDiff, Math.abs(value - scoresB[i]!))));
      if (argmax(scoresA) === argmax(scoresB)) report.argmaxEqual++;
    }
    report.inverseEqual = stateA.inverse.every((value, i) => value === stateB.inverse[i]);
  } catch (error) {
    report.error = String(error);
  }
  postMessage(report);
});
