/**
 * Test page for the profile store's Playwright specs: the store runs on this page (the same code
 * the worker runs), driven through `window.profileTest`. Query: `?db=<name>&max=<maxEvents>`, optionally
 * `&timeout=<openTimeoutMs>` and `&fault=<StorageFaults key>` (repeatable).
 * Inside an iframe it runs the sandbox scenario by itself and reports to the parent.
 */
import { validateEvent, type TrackEvent } from '../../../src/shared/events.ts';
import { createProfileStore } from '../../../src/worker/profile/index.ts';

const params = new URLSearchParams(location.search);
const store = createProfileStore({
  dbName: params.get('db') ?? 'vitrine-e2e',
  maxEvents: Number(params.get('max') ?? 5000),
  openTimeoutMs: Number(params.get('timeout') ?? 2000),
  // Test-only faults by name (`&fault=failMigration`); the spec's server runs in mode 'test' so they are compiled in.
  faults: Object.fromEntries(params.getAll('fault').map((name) => [name, true])),
});

const api = {
  store,
  track: (event: TrackEvent) => store.record(validateEvent(event, Date.now())),
};
declare global {
  interface Window {
    profileTest: typeof api;
  }
}
window.profileTest = api;

if (window.parent !== window) {
  // Sandboxed iframe scenario (opaque origin): everything must keep working in memory.
  void (async () => {
    try {
      await api.track({ type: 'view', product: 'sku-1' });
      await store.enablePersistence();
      await api.track({ type: 'view', product: 'sku-2' });
      const summary = await store.summary();
      parent.postMessage({ status: store.status(), problems: summary.sections.find((s) => s.topic === 'problems')?.text ?? null }, '*');
    } catch (error) {
      parent.postMessage({ error: String(error) }, '*');
    }
  })();
}
