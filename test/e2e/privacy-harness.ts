/**
 * Egress witnesses for the privacy specs (RELIABILITY V1: interception alone must never be able to
 * turn a no-egress test green). Each test gets its own loopback server serving the built script
 * tag from dist/, the demo bundle and the test pages, and logging every request it receives;
 * `context.route('**\/*')` logs every request the browser makes, page and worker alike.
 */
import type { BrowserContext } from '@playwright/test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type ReceivedRequest } from '../../demo/serve.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BrowserRequest {
  method: string;
  url: string;
  postData: string | null;
  headers: Record<string, string>;
}

export interface Witnesses {
  origin: string;
  /** What the server received. */
  server: ReceivedRequest[];
  /** What the browser sent (page and worker). */
  browser: BrowserRequest[];
  close(): Promise<void>;
}

/** Path of the measurement endpoint the measurement page is configured with. */
export const STATS_PATH = '/stats/vitrine';

export async function startWitnessedShop(context: BrowserContext): Promise<Witnesses> {
  const server: ReceivedRequest[] = [];
  const browser: BrowserRequest[] = [];
  const http: Server = await startStaticServer(
    [
      ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
      ['/vitrine/', join(ROOT, 'dist')],
      ['/images/', join(ROOT, 'demo/build/images')],
      ['/', join(ROOT, 'test/e2e/pages')],
    ],
    0,
    '127.0.0.1',
    {
      onRequest(request) {
        server.push(request);
        if (request.method === 'POST' && request.url === STATS_PATH) return { status: 204 };
      },
    },
  );
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await context.route('**/*', async (route) => {
    const request = route.request();
    browser.push({ method: request.method(), url: request.url(), postData: request.postData(), headers: await request.allHeaders() });
    await route.continue();
  });
  return {
    origin,
    server,
    browser,
    close: () => {
      const closed = new Promise<void>((done) => http.close(() => done()));
      // Preconnected sockets that never sent a request would hold `close` for Node's 60 s headers timeout.
      http.closeAllConnections();
      return closed;
    },
  };
}
