/**
 * The built `<script>` embed, `dist/vitrine.js` (npm test builds first), run the way a shop runs
 * it: a classic script tag under a sub-path (`/dist/`) of a page that lives elsewhere. Its worker
 * and wasm must be found relative to the script, and it must never throw into the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import { makeEngineBundle } from './engine-fixture.ts';

const SCRIPT = '/dist/vitrine.js';
const HINT = 'dist/vitrine.js is missing: run `npm run build` (npm test does it first)';
const FILE = `test/browser/served/script-tag-${Date.now()}.vtb`;

function base64(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function addScript(attributes: Record<string, string> = {}): Promise<void> {
  const response = await fetch(SCRIPT, { method: 'HEAD' });
  expect(response.ok, HINT).toBe(true);
  const script = document.createElement('script');
  script.src = SCRIPT;
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  await new Promise<void>((resolve, reject) => {
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${SCRIPT}`));
    document.head.append(script);
  });
}

const pageErrors: unknown[] = [];
const onError = (event: ErrorEvent): void => void pageErrors.push(event.error ?? event.message);
window.addEventListener('error', onError);

afterEach(async () => {
  window.vitrine?.close();
  delete window.vitrine;
  document.querySelectorAll(`script[src="${SCRIPT}"]`).forEach((script) => script.remove());
  await commands.removeFile(FILE).catch(() => undefined);
  pageErrors.length = 0;
});

describe('dist/vitrine.js', () => {
  it('should load data-bundle, set window.vitrine and answer with the wasm kernels', async () => {
    // Packed graphs, the format's default: an f32-graph file needs the lazily loaded legacy reader,
    // whose dynamic import this test server rewrites for its own runner (test/e2e/hostile-catalog.spec.ts
    // loads one from the built files instead).
    const { bytes } = makeEngineBundle({ rows: 40, seed: 9, graphs: 'packed' });
    await commands.writeFile(FILE, base64(bytes), 'base64');
    await addScript({ 'data-bundle': `/${FILE}` });
    const vitrine = window.vitrine as VitrineGlobal;
    expect(vitrine).toBeDefined();
    const status = await vitrine.ready;
    expect(status?.state).toBe('ready');
    expect(status?.bundle?.products).toBe(40);
    expect(status?.kernels).toBe('wasm-simd');
    const result = await vitrine.recommend({ placement: 'trending', limit: 3 });
    expect(result.items).toHaveLength(3);
    expect(pageErrors).toEqual([]);
  });

  it('should start without a bundle, keep the first engine when included twice, and not throw', async () => {
    await addScript();
    const first = window.vitrine as VitrineGlobal;
    expect(await first.ready).toBeNull();
    await addScript({ 'data-bundle': '/nothing-here.vtb' });
    expect(window.vitrine).toBe(first);
    expect((await first.status()).state).toBe('idle');
    expect(pageErrors).toEqual([]);
  });

  it('should resolve ready to null, not throw, when the bundle cannot be loaded', async () => {
    await addScript({ 'data-bundle': `/missing-${Date.now()}.vtb` });
    expect(await (window.vitrine as VitrineGlobal).ready).toBeNull();
    expect((await window.vitrine!.status()).lastError?.code).toBe('BUNDLE_FETCH_FAILED');
    expect(pageErrors).toEqual([]);
  });
});
