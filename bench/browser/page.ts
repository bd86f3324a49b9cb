/** Bench page: starts the worker with the options in `?options=` and hands every message to the driver. */
import type { BenchMessage } from './bench-protocol.ts';

declare global {
  interface Window {
    /** Installed by Playwright's exposeFunction in bench/node/browser-bench.ts. */
    benchReport?: (message: BenchMessage) => void;
  }
}

const options = JSON.parse(new URLSearchParams(location.search).get('options') ?? '{}');
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<BenchMessage>) => window.benchReport?.(event.data);
worker.onerror = (event) => window.benchReport?.({ type: 'error', message: event.message });
worker.postMessage(options);
