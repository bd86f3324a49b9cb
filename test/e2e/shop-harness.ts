/**
 * A shop for the widget specs: the test pages of test/e2e/pages (with `%VITRINE%` replaced by where
 * Vitrine's files are served from), the built dist/ under /vitrine/, the demo bundle and its
 * product images. Optionally a second origin serving dist/ with CORS, as a CDN would, and response
 * headers (a Content-Security-Policy) on everything the shop serves. CSP violation reports sent to
 * /csp-report are kept: with the page's own `securitypolicyviolation` events they are the two
 * witnesses that a policy held (the worker's violations only reach the report).
 */
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type ReceivedRequest } from '../../demo/serve.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = join(ROOT, 'test/e2e/pages');
/** Pages whose `%VITRINE%` is replaced by where `vitrine.js` is served from. */
const SUBSTITUTED_PAGES = ['widgets.html', 'failures.html'];
export const CSP_REPORT_PATH = '/csp-report';

export interface ShopOptions {
  /** Serve dist/ from a second origin (`http://localhost:<port>`, with CORS) and load it from there. */
  cdn?: boolean;
  /** Headers for every response of the shop's origin; `%CDN%` is replaced by the CDN's origin. */
  headers?: Record<string, string>;
}

export interface Shop {
  origin: string;
  /** Where `vitrine.js` is served from: the shop's `/vitrine` or the CDN's. */
  vitrineBase: string;
  /** Bodies of the CSP violation reports the browser sent. */
  cspReports: string[];
  /** Every request the shop's origin received. */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

function address(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function closing(server: Server): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  // Chromium keeps preconnected sockets that never sent a request: Node would wait out its
  // 60 s headers timeout for them before `close` calls back.
  server.closeAllConnections();
  return closed;
}

export async function startShop({ cdn = false, headers = {} }: ShopOptions = {}): Promise<Shop> {
  const servers: Server[] = [];
  let cdnOrigin = '';
  if (cdn) {
    const cdnServer = await startStaticServer([['/vitrine/', join(ROOT, 'dist')]], 0, '127.0.0.1', {
      headers: () => ({ 'access-control-allow-origin': '*' }),
    });
    servers.push(cdnServer);
    // Another host name is another origin, on the same loopback server.
    cdnOrigin = `http://localhost:${address(cdnServer)}`;
  }
  const withCdn = (value: string): string => value.replaceAll('%CDN%', cdnOrigin);
  const shopHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, withCdn(value)]));
  const cspReports: string[] = [];
  const requests: ReceivedRequest[] = [];
  const vitrineBase = cdn ? `${cdnOrigin}/vitrine` : '/vitrine';
  // The pages are few and small: read them up front, so `onRequest` can answer synchronously.
  const pages = new Map<string, { status: number; body: string; headers: Record<string, string> }>();
  for (const name of SUBSTITUTED_PAGES) {
    const html = await readFile(join(PAGES, name), 'utf8');
    pages.set(name, {
      status: 200,
      body: html.replaceAll('%VITRINE%', vitrineBase),
      headers: { ...shopHeaders, 'content-type': 'text/html; charset=utf-8' },
    });
  }
  const shop = await startStaticServer(
    [
      ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
      ['/vitrine/', join(ROOT, 'dist')],
      ['/images/', join(ROOT, 'demo/build/images')],
      ['/', PAGES],
    ],
    0,
    '127.0.0.1',
    {
      headers: () => shopHeaders,
      onRequest(request) {
        requests.push(request);
        const path = new URL(request.url, 'http://shop').pathname;
        if (request.method === 'POST' && path === CSP_REPORT_PATH) {
          cspReports.push(request.body);
          return { status: 204 };
        }
        return pages.get(path.slice(1));
      },
    },
  );
  servers.push(shop);
  return {
    origin: `http://127.0.0.1:${address(shop)}`,
    vitrineBase,
    cspReports,
    requests,
    close: async () => {
      await Promise.all(servers.map(closing));
    },
  };
}
