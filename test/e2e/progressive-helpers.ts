/**
 * A shop for the progressive-loading specs (issue 16): a 2,000-product bundle and its head part
 * (cut by the CLI's own `headBundleInput`), served by a loopback server that can hold the full
 * bundle's response until the test releases it, serve a corrupt or no head part, and mark the
 * visitor's connection as saving data (by prefixing the engine worker's script, the only code that
 * runs in the worker before Vitrine's: an init script reaches pages, not workers).
 */
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBundle } from '../../src/shared/bundle/index.ts';
import { readHeader } from '../../src/shared/bundle/table.ts';
import { headBundleInput } from '../../src/cli/bundle-builder/head-part.ts';
import { syntheticBundleInput } from '../../bench/cases/synthetic-bundle.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

export interface Bundles {
  full: Uint8Array;
  head: Uint8Array;
  fullHash: string;
  headHash: string;
  headIds: string[];
}

export function makeBundles(): Bundles {
  const input = syntheticBundleInput(2_000, 16);
  const full = encodeBundle(input);
  const fullHash = readHeader(full).storedChecksum.toString(16).padStart(8, '0');
  const headInput = headBundleInput(input, { contentHash: fullHash, bytes: full.length });
  const head = encodeBundle(headInput);
  const headHash = readHeader(head).storedChecksum.toString(16).padStart(8, '0');
  return { full, head, fullHash, headHash, headIds: headInput.products.map((p) => p.id) };
}

export interface ShopOptions {
  /** What `/b/shop.head.vtb` answers: the head part (default), corrupt bytes, or a 404. */
  head?: 'ok' | 'corrupt' | 'missing';
  /** The worker sees `navigator.connection.saveData === true`. */
  saveData?: boolean;
  /** `data-max-download` on the script tag. */
  maxDownload?: number;
  /** The script tag names the head part (`data-bundle-head`, default true). */
  named?: boolean;
}

export interface ProgressiveShop {
  origin: string;
  /** Paths of bundle requests received (`/b/...`), in order. */
  bundleRequests: string[];
  /** Sends the held full bundle. */
  release(): void;
  close(): Promise<void>;
}

function page(options: ShopOptions): string {
  const cap = options.maxDownload === undefined ? '' : ` data-max-download="${options.maxDownload}"`;
  const named = options.named === false ? '' : ' data-bundle-head="/b/shop.head.vtb"';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
    <script src="/vitrine/vitrine.js" data-bundle="/b/shop.vtb"${named}${cap} async></script></head>
    <body><div data-vitrine="trending" data-limit="6"></div><div data-vitrine="for_you" data-limit="6"></div></body></html>`;
}

export async function startProgressiveShop(bundles: Bundles, options: ShopOptions = {}): Promise<ProgressiveShop> {
  const bundleRequests: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://shop').pathname;
    const send = (status: number, type: string, body: Uint8Array | string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/page.html') return send(200, 'text/html', page(options));
    if (path.startsWith('/b/')) {
      bundleRequests.push(path);
      if (path === '/b/shop.vtb') return void released.then(() => send(200, 'application/octet-stream', bundles.full));
      if (path === '/b/shop.head.vtb') {
        if (options.head === 'missing') return send(404, 'text/plain', 'not here');
        const head = options.head === 'corrupt' ? bundles.head.slice(0, bundles.head.length >> 1) : bundles.head;
        return send(200, 'application/octet-stream', head);
      }
      return send(404, 'text/plain', 'not here');
    }
    if (path.startsWith('/vitrine/')) {
      const file = join(DIST, normalize(path.slice('/vitrine/'.length)));
      if (!file.startsWith(DIST) || !existsSync(file)) return send(404, 'text/plain', 'not here');
      let body: Uint8Array | string = readFileSync(file);
      // The engine worker's entry (assets/worker-*.js): with saveData, the visitor's connection says so.
      if (options.saveData && /assets\/worker-(?!chunk)[\w-]+\.js$/.test(path))
        body =
          `Object.defineProperty(WorkerNavigator.prototype, 'connection', { get: () => ({ saveData: true, effectiveType: '4g' }) });\n` +
          body.toString();
      return send(200, TYPES[extname(file)] ?? 'application/octet-stream', body);
    }
    send(404, 'text/plain', 'not here');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bundleRequests,
    release,
    close: () => {
      release();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
