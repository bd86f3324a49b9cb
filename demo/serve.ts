/**
 * The demo's static server: the shop's pages built into demo/build/shop/ (one HTML per page type,
 * mapped to the shop's routes), Vitrine's built files from dist/ under /vitrine/, the demo bundle
 * and the product images. Loopback only; no framework needed for a handful of static files.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { receiveBatch } from '../src/cli/bandit/receiver.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** MIME types by extension; `.wasm` must be application/wasm for streaming compilation. */
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.vtb': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * URL → what serves it, first match wins: a path ending in `/` is a prefix mapped to a directory,
 * another path is exact, and a pattern is a route mapped to one file (a page).
 */
export type Mounts = [prefix: string | RegExp, target: string][];

const SHOP = join(ROOT, 'demo/build/shop');

/** The shop's routes: each page type is one built HTML page, which reads the rest of the URL itself. */
export const SHOP_ROUTES: Mounts = [
  [/^\/$/, join(SHOP, 'home.html')],
  [/^\/c\/[^/]+$/, join(SHOP, 'category.html')],
  [/^\/p\/[^/]+$/, join(SHOP, 'product.html')],
  [/^\/search$/, join(SHOP, 'search.html')],
  [/^\/cart$/, join(SHOP, 'cart.html')],
  [/^\/privacy$/, join(SHOP, 'privacy.html')],
];

export const DEMO_MOUNTS: Mounts = [
  ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
  // Written by `vitrine bandit fold` from the counts below (404 until the first fold: flat priors).
  ['/vitrine/priors.json', join(ROOT, 'demo/build/priors.json')],
  ['/vitrine/', join(ROOT, 'dist')],
  ['/images/', join(ROOT, 'demo/build/images')],
  ['/assets/', join(SHOP, 'assets')],
  // The plain page with nothing but the script tag and placeholders: served as written, no build step.
  ['/embed.html', join(ROOT, 'demo/embed.html')],
  ...SHOP_ROUTES,
];

function resolvePath(mounts: Mounts, pathname: string): string | undefined {
  for (const [prefix, target] of mounts) {
    if (prefix instanceof RegExp) {
      if (prefix.test(pathname)) return target;
      continue;
    }
    if (pathname === prefix) return target;
    if (prefix.endsWith('/') && pathname.startsWith(prefix)) {
      const file = normalize(join(target, pathname.slice(prefix.length)));
      // Refuse `..` escapes out of the mounted directory.
      return file.startsWith(resolve(target)) ? file : undefined;
    }
  }
  return undefined;
}

/** One request as the server received it (tests keep these as a second egress witness). */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The request body as text ('' for none). */
  body: string;
}

export interface StaticServerOptions {
  /**
   * Sees every request first, body included. Return a response to answer it (e.g. a test's
   * measurement endpoint), or nothing to serve the mounted files.
   */
  onRequest?: (request: ReceivedRequest) => { status: number; body?: string; headers?: Record<string, string> } | void;
  /** Extra response headers for a served file (a test's Content-Security-Policy, a CDN's CORS). */
  headers?: (pathname: string) => Record<string, string>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

export function startStaticServer(
  mounts: Mounts,
  port: number,
  host = '127.0.0.1',
  { onRequest, headers }: StaticServerOptions = {},
): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (onRequest) {
      const answer = onRequest({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: { ...req.headers },
        body: await readBody(req),
      });
      if (answer) {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = resolvePath(mounts, decodeURIComponent(url.pathname));
    try {
      if (file && (await stat(file)).isDirectory()) file = join(file, 'index.html');
      if (!file) throw new Error('not mounted');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...headers?.(url.pathname) });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready(server));
  });
}

/** Where the demo receives the bandits' arm counts (the page's `data-bandit-counts-endpoint`). */
export const DEMO_COUNTS_PATH = '/bandit/counts';
/** Where the demo page's aggregate measurement goes: accepted and dropped (the demo keeps no statistics). */
export const DEMO_STATS_PATH = '/stats/vitrine';

/** The demo's own endpoints: the reference receiver appends arm counts to `countsFile`. */
export function demoEndpoints(countsFile: string): StaticServerOptions['onRequest'] {
  return ({ method, url, headers, body }) => {
    const path = new URL(url, 'http://localhost').pathname;
    if (path === DEMO_STATS_PATH) return { status: method === 'POST' ? 204 : 405 };
    if (path !== DEMO_COUNTS_PATH) return;
    const header = headers['content-type'];
    return receiveBatch(method, Array.isArray(header) ? header[0] : header, body, countsFile);
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const port = Number(process.env.PORT ?? 5173);
  const countsFile = process.env.VITRINE_COUNTS ?? join(ROOT, 'demo/build/counts.jsonl');
  startStaticServer(DEMO_MOUNTS, port, '127.0.0.1', { onRequest: demoEndpoints(countsFile) }).then(
    () => console.log(`Vitrine demo shop: http://127.0.0.1:${port}/`),
    (error: unknown) => {
      console.error(`Cannot serve the demo on port ${port}: ${String(error)}`);
      process.exitCode = 1;
    },
  );
}
