/**
 * A shop for the progressive-loading specs (issue 16): a 2,000-product bundle and its head part
 * (cut by the CLI's own `headBundleInput`), served by a loopback server that can hold the full
 * bundle's or the head part's responses until the test releases them, hold the worker's read of its
 * cached full bundle (`holdCache`), serve a corrupt or no head part, and mark the
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
  /**
   * The worker's read of the full bundle from Cache Storage takes until `releaseCache()`, as the read
   * and decoding of a large cached bundle take seconds (by prefixing the worker's script, like `saveData`).
   */
  holdCache?: boolean;
}

export interface ProgressiveShop {
  origin: string;
  /** Paths of bundle requests received (`/b/...`), in order. */
  bundleRequests: string[];
  /** Sends the held full bundle. */
  release(): void;
  /** Holds the full bundle's responses again, until `release()`. */
  holdFull(): void;
  /** Holds the head part's responses from now on (a stalled network), until `releaseHead()`. */
  holdHead(): void;
  releaseHead(): void;
  /** Lets the worker read the full bundle from Cache Storage (`holdCache`). */
  releaseCache(): void;
  close(): Promise<void>;
}

function page(options: ShopOptions): string {
  const cap = options.maxDownload === undefined ? '' : ` data-max-download="${options.maxDownload}"`;
  const named = options.named === false ? '' : ' data-bundle-head="/b/shop.head.vtb"';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
    <script src="/vitrine/vitrine.js" data-bundle="/b/shop.vtb"${named}${cap} async></script></head>
    <body><div data-vitrine="trending" data-limit="6"></div><div data-vitrine="for_you" data-limit="6"></div></body></html>`;
}

/** Responses wait while a gate is held; `held`: whether it starts so. */
function gate(held: boolean): { passed(): Promise<void>; hold(): void; release(): void } {
  let open = (): void => undefined;
  let opened = Promise.resolve();
  const hold = () => void (opened = new Promise<void>((resolve) => (open = resolve)));
  if (held) hold();
  return { passed: () => opened, hold, release: () => open() };
}

/**
 * Worker prefix for `holdCache`: a Cache Storage match of the full bundle answers at once with its
 * headers (content hash, validators), its body only once `/hold/cache` answers.
 */
const HOLD_CACHE_READ = `{
  const match = Cache.prototype.match;
  Cache.prototype.match = async function (request, options) {
    const response = await match.call(this, request, options);
    if (!response || !String(request.url ?? request).endsWith('/b/shop.vtb')) return response;
    const body = fetch('/hold/cache').then(() => response.arrayBuffer());
    return new Response(
      new ReadableStream({ async pull(controller) { controller.enqueue(new Uint8Array(await body)); controller.close(); } }),
      { headers: response.headers },
    );
  };
}
`;

export async function startProgressiveShop(bundles: Bundles, options: ShopOptions = {}): Promise<ProgressiveShop> {
  const bundleRequests: string[] = [];
  const full = gate(true);
  const head = gate(false);
  const cache = gate(true);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://shop').pathname;
    const send = (status: number, type: string, body: Uint8Array | string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/page.html') return send(200, 'text/html', page(options));
    if (path === '/hold/cache') return void cache.passed().then(() => send(200, 'text/plain', 'go'));
    if (path.startsWith('/b/')) {
      bundleRequests.push(path);
      if (path === '/b/shop.vtb') return void full.passed().then(() => send(200, 'application/octet-stream', bundles.full));
      if (path === '/b/shop.head.vtb') {
        if (options.head === 'missing') return send(404, 'text/plain', 'not here');
        const body = options.head === 'corrupt' ? bundles.head.slice(0, bundles.head.length >> 1) : bundles.head;
        return void head.passed().then(() => send(200, 'application/octet-stream', body));
      }
      return send(404, 'text/plain', 'not here');
    }
    if (path.startsWith('/vitrine/')) {
      const file = join(DIST, normalize(path.slice('/vitrine/'.length)));
      if (!file.startsWith(DIST) || !existsSync(file)) return send(404, 'text/plain', 'not here');
      let body: Uint8Array | string = readFileSync(file);
      // The engine worker's entry (assets/worker-*.js): with saveData, the visitor's connection says so.
      if (/assets\/worker-(?!chunk)[\w-]+\.js$/.test(path)) {
        if (options.saveData)
          body =
            `Object.defineProperty(WorkerNavigator.prototype, 'connection', { get: () => ({ saveData: true, effectiveType: '4g' }) });\n` +
            body.toString();
        if (options.holdCache) body = HOLD_CACHE_READ + body.toString();
      }
      return send(200, TYPES[extname(file)] ?? 'application/octet-stream', body);
    }
    send(404, 'text/plain', 'not here');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bundleRequests,
    release: full.release,
    holdFull: full.hold,
    holdHead: head.hold,
    releaseHead: head.release,
    releaseCache: cache.release,
    close: () => {
      for (const held of [full, head, cache]) held.release();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
