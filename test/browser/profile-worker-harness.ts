/// <reference lib="webworker" />
/**
 * Runs the profile store inside a module Worker for profile-faults.test.ts (S8), so the test can
 * `terminate()` it in the middle of a write transaction, as a crashed or closed tab would.
 * Message `{ dbName, products, hang }`: records one view per product in one batch; with `hang`,
 * the batch's transaction stops after its events are put (fault `terminateAfterPut`) and the
 * worker posts `'put'`; without, it posts `'written'` once the batch committed.
 */
import { validateEvent } from '../../src/shared/events.ts';
import { createProfileStore } from '../../src/worker/profile/index.ts';

export interface HarnessRequest {
  dbName: string;
  products: string[];
  hang: boolean;
  now: number;
}

addEventListener('message', async (event: MessageEvent<HarnessRequest>) => {
  const { dbName, products, hang, now } = event.data;
  const store = createProfileStore({
    dbName,
    now: () => now,
    maxEvents: 3,
    faults: {
      terminateAfterPut: () => {
        if (hang) postMessage('put');
        return hang;
      },
    },
  });
  await store.enablePersistence();
  await Promise.all(products.map((product, i) => store.record(validateEvent({ type: 'view', product, time: now - 1000 + i }, now))));
  postMessage('written');
});
