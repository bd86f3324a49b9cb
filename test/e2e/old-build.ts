/** An "old build" in a page: a raw IndexedDB connection that ignores versionchange (RELIABILITY C4). */
import type { Page } from '@playwright/test';

/** Opens `name` in `page` and keeps the connection, with no versionchange handler. */
export function holdOpen(page: Page, name: string): Promise<void> {
  return page.evaluate(
    (db) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open(db);
        request.onsuccess = () => {
          (window as unknown as { heldOpen: IDBDatabase }).heldOpen = request.result;
          resolve();
        };
        request.onerror = () => reject(request.error);
      }),
    name,
  );
}

/** Lets go of the connection `holdOpen` kept. */
export function letGo(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as { heldOpen: IDBDatabase }).heldOpen.close());
}
