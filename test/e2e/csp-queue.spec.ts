/**
 * The README's inline queue snippet under the README's own policy (issue 14, finding 5):
 * `script-src 'self'` refuses an inline script, so its queued calls would be lost. The README's
 * three ways (a nonce, the hash of a fixed snippet, a file of the shop's origin) are taken from the
 * README itself and run here under that policy: the calls queued before `vitrine.js` loads must all
 * run, with zero violations. A control without them proves the policy does refuse the snippet.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startStaticServer } from '../../demo/serve.ts';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The inline script of section "1. One script tag": what is between `<script>` and `</script>`. */
const QUEUE_SNIPPET = /### 1\. One script tag[\s\S]*?```html\n<script>([\s\S]*?)<\/script>/.exec(README)![1]!;
/** The one-line snippet the README gives a hash for, and that hash. */
const HASHED_SNIPPET = /^ *<script>(window\.vitrine = [^\n]*?)<\/script>$/m.exec(README)![1]!;
const PRINTED_HASH = /'sha256-([A-Za-z0-9+/]+=*)'/.exec(README)![1]!;

/** The README's same-origin policy, with `extra` sources for scripts. */
const policy = (extra = '') =>
  `script-src 'self'${extra} 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; require-trusted-types-for 'script'`;

/** A page: `head` (the shop's snippet), then `vitrine.js` with a bundle at `bundle`. */
const page = (head: string, bundle = '/vitrine/shop.vtb') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title>Shop</title>
${head}
<script src="/vitrine/vitrine.js" data-bundle="${bundle}" async></script></head>
<body><p>A shop page</p></body></html>`;

let server: Server | undefined;
test.afterEach(async () => {
  if (!server) return;
  const closed = new Promise<void>((done) => server!.close(() => done()));
  server.closeAllConnections();
  await closed;
  server = undefined;
});

/** Serves `html` at /shop.html and `files` by path, everything under `csp`. */
async function serve(csp: string, html: string, files: Record<string, string> = {}): Promise<string> {
  server = await startStaticServer(
    [
      ['/vitrine/shop.vtb', join(ROOT, 'demo/build/shop.vtb')],
      ['/vitrine/', join(ROOT, 'dist')],
    ],
    0,
    '127.0.0.1',
    {
      headers: () => ({ 'content-security-policy': csp }),
      onRequest: ({ url }) => {
        const headers = { 'content-security-policy': csp };
        if (url === '/shop.html') return { status: 200, body: html, headers: { ...headers, 'content-type': 'text/html' } };
        if (url in files) return { status: 200, body: files[url], headers: { ...headers, 'content-type': 'text/javascript' } };
      },
    },
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/shop.html`;
}

/** Violations seen by the page, from before its first script. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { violations: string[] }).violations);
}

/** The engine's view once ready: whether it loaded, and how many events the profile holds (the queued `view`). */
const engineView = (page: Page) =>
  page.evaluate(async () => {
    const vitrine = (window as unknown as { vitrine: VitrineGlobal }).vitrine;
    const ready = await vitrine.ready;
    return { loaded: ready?.state === 'ready', events: (await vitrine.status()).profile?.events };
  });

/** The `console.info` lines of the snippet's queued `onError` listener. */
function infoLines(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => message.type() === 'info' && lines.push(message.text()));
  return lines;
}

test.describe("the README's queue snippet under the README's policy", () => {
  test('the snippet the README hashes should have the hash it prints', () => {
    expect(HASHED_SNIPPET).toContain("vitrine.push(['onError'");
    expect(createHash('sha256').update(HASHED_SNIPPET, 'utf8').digest('base64')).toBe(PRINTED_HASH);
  });

  test('should lose the inline calls without a nonce or hash (the control)', async ({ page: tab }) => {
    const url = await serve(policy(), page(`<script>${QUEUE_SNIPPET}</script>`));
    const violations = await watchViolations(tab);
    await tab.goto(url);
    expect(await engineView(tab)).toEqual({ loaded: true, events: 0 });
    expect(await violations()).toEqual(['script-src-elem inline']);
  });

  test('should run the calls queued in a nonced inline snippet before vitrine.js loaded', async ({ page: tab }) => {
    const nonce = 'r4nd0m-per-response';
    const url = await serve(policy(` 'nonce-${nonce}'`), page(`<script nonce="${nonce}">${QUEUE_SNIPPET}</script>`));
    const violations = await watchViolations(tab);
    await tab.goto(url);
    // The queued `track('view', …)` reached the profile.
    expect(await engineView(tab)).toEqual({ loaded: true, events: 1 });
    expect(await violations()).toEqual([]);
  });

  test('should run the queued onError of the hashed snippet (a bundle that cannot load makes it speak)', async ({ page: tab }) => {
    const url = await serve(policy(` 'sha256-${PRINTED_HASH}'`), page(`<script>${HASHED_SNIPPET}</script>`, '/vitrine/missing.vtb'));
    const violations = await watchViolations(tab);
    const lines = infoLines(tab);
    await tab.goto(url);
    expect(await tab.evaluate(() => (window as unknown as { vitrine: VitrineGlobal }).vitrine.ready)).toBeNull();
    await expect.poll(() => lines).toEqual(['Vitrine is off: BUNDLE_FETCH_FAILED']);
    expect(await violations()).toEqual([]);
  });

  test("should run the calls queued in a file of the shop's origin", async ({ page: tab }) => {
    const url = await serve(policy(), page('<script src="/js/vitrine-queue.js"></script>'), { '/js/vitrine-queue.js': QUEUE_SNIPPET });
    const violations = await watchViolations(tab);
    await tab.goto(url);
    expect(await engineView(tab)).toEqual({ loaded: true, events: 1 });
    expect(await violations()).toEqual([]);
  });
});
