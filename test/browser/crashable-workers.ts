/**
 * Real engine workers, kept so a test can crash the current one: a message comlink cannot read
 * (`argumentList` that is no array) throws an uncaught TypeError in the worker, a genuine crash.
 */
export interface CrashableWorkers {
  /** Give it to `createVitrine({ createWorker })`. */
  create: () => Worker;
  made: Worker[];
  /** Crashes the latest worker; resolves on its `error` event (the bridge listened first, so it has dropped the worker). */
  crash: () => Promise<void>;
}

export function crashableWorkers(): CrashableWorkers {
  const made: Worker[] = [];
  return {
    made,
    create: () => {
      const worker = new Worker(new URL('../../src/worker/index.ts', import.meta.url), { type: 'module' });
      made.push(worker);
      return worker;
    },
    crash: () => {
      const worker = made.at(-1)!;
      const crashed = new Promise<void>((resolve) => worker.addEventListener('error', () => resolve(), { once: true }));
      worker.postMessage({ argumentList: 1 });
      return crashed;
    },
  };
}
