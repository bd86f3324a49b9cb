import { describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/worker/engine.ts';
import { classifyWasmError, loadKernelFactory, type Compile } from '../../src/worker/kernel-loader.ts';
import { makeEngineBundle } from './engine-fixture.ts';

/** The smallest valid module: magic + version. */
const EMPTY_MODULE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Compiles in a frame whose CSP lacks 'wasm-unsafe-eval' and returns Chromium's own refusal. */
async function realCspRefusal(): Promise<unknown> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><meta http-equiv="Content-Security-Policy" content="script-src 'unsafe-inline'">
<script>
WebAssembly.compile(new Uint8Array([${EMPTY_MODULE.join(',')}]))
  .then(() => parent.postMessage({ csp: 'compiled' }, '*'), (e) => parent.postMessage({ csp: String(e && e.message) }, '*'));
</script>`;
  const answer = new Promise<unknown>((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      if (typeof event.data === 'object' && event.data && 'csp' in event.data) {
        window.removeEventListener('message', onMessage);
        resolve((event.data as { csp: unknown }).csp);
      }
    };
    window.addEventListener('message', onMessage);
  });
  document.body.append(frame);
  try {
    return await answer;
  } finally {
    frame.remove();
  }
}

describe('kernel loader', () => {
  it('should pick the SIMD build in Chromium and make working kernels', async () => {
    const factory = await loadKernelFactory();
    expect(factory.impl).toBe('wasm-simd');
    expect(factory.fallback).toBeNull();
    const kernels = await factory.create();
    expect(kernels.impl).toBe('wasm-simd');
    kernels.setMatrix({ dtype: 'f32', rows: 2, dim: 4, data: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]) });
    expect(Array.from(kernels.scoreQuery(Float32Array.from([0, 2, 0, 0]), 0))).toEqual([0, 2]);
  });

  it('W1: should fall back to the JS reference with WASM_BLOCKED when a CSP refuses compilation', async () => {
    const message = await realCspRefusal();
    expect(message).not.toBe('compiled');
    let attempts = 0;
    const refuse: Compile = async () => {
      attempts++;
      throw new WebAssembly.CompileError(String(message));
    };
    const factory = await loadKernelFactory({ compile: refuse });
    expect(factory.impl).toBe('js');
    expect(factory.fallback?.code).toBe('WASM_BLOCKED');
    // A policy refusal applies to every module: the plain build is not tried as well.
    expect(attempts).toBe(1);
    expect((await factory.create()).impl).toBe('js');
  });

  it('W6: should try the plain WASM build when the SIMD one fails to compile for another reason', async () => {
    let attempts = 0;
    const simdBroken: Compile = async (bytes) => {
      attempts++;
      if (attempts === 1) throw new WebAssembly.CompileError('invalid opcode 0xfd');
      return WebAssembly.compile(bytes);
    };
    const factory = await loadKernelFactory({ compile: simdBroken });
    expect(factory.impl).toBe('wasm');
    expect((await factory.create()).impl).toBe('wasm');
  });

  it('should report WASM_UNAVAILABLE when no build compiles for reasons other than policy', async () => {
    const factory = await loadKernelFactory({ compile: async () => Promise.reject(new RangeError('out of memory')) });
    expect(factory.impl).toBe('js');
    expect(factory.fallback?.code).toBe('WASM_UNAVAILABLE');
  });

  it('should say once on the console, when the JavaScript kernels are first used, which .wasm URL failed and where the fix is, but not for a CSP refusal (issue 14)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // What a production build's HTML fallback page gives for a .wasm it did not emit.
      const html: Compile = () => WebAssembly.compile(new TextEncoder().encode('<!doctype html>'));
      const refused: Compile = async () => Promise.reject(new WebAssembly.CompileError("Refused to compile: 'wasm-unsafe-eval'"));
      const blocked = await loadKernelFactory({ compile: refused });
      await blocked.create();
      expect(warn).not.toHaveBeenCalled();
      const factory = await loadKernelFactory({ compile: html });
      expect(factory.fallback?.code).toBe('WASM_UNAVAILABLE');
      expect(warn).not.toHaveBeenCalled();
      await factory.create();
      await factory.create();
      expect(warn).toHaveBeenCalledTimes(1);
      const [message] = warn.mock.calls[0]! as [string];
      expect(message).toContain(new URL('../../wasm/build/kernels.wasm', import.meta.url).href);
      expect(message).toContain('found 3c 21 64 6f');
      expect(message).toContain('README "WebAssembly files"');
    } finally {
      warn.mockRestore();
    }
  });

  it('should classify the wordings of CSP refusals as WASM_BLOCKED', () => {
    expect(
      classifyWasmError(new Error("Refused to compile or instantiate WebAssembly module because 'wasm-unsafe-eval' is not allowed"), 'wasm')
        .code,
    ).toBe('WASM_BLOCKED');
    expect(classifyWasmError(new Error('call to WebAssembly.compile() blocked by CSP: Content Security Policy'), 'wasm').code).toBe(
      'WASM_BLOCKED',
    );
    expect(classifyWasmError(new Error('invalid magic'), 'wasm').code).toBe('WASM_UNAVAILABLE');
  });

  it('should serve the same results on the JS fallback as on WASM, and say why in status()', async () => {
    const csp: Compile = async () => {
      throw new WebAssembly.CompileError("Refused to compile or instantiate WebAssembly module because 'wasm-unsafe-eval' is not allowed");
    };
    const blocked = new Engine(() => loadKernelFactory({ compile: csp }));
    const wasm = new Engine(() => loadKernelFactory());
    for (const engine of [blocked, wasm]) await engine.load(makeEngineBundle({ rows: 90, seed: 4 }).bytes);
    expect(blocked.status()).toMatchObject({ kernels: 'js', kernelsFallback: { code: 'WASM_BLOCKED' }, state: 'ready' });
    expect(wasm.status()).toMatchObject({ kernels: 'wasm-simd', kernelsFallback: null });
    const request = { placement: 'for_you' as const, limit: 10, context: { recent: ['sku-4', 'sku-8'] } };
    const a = blocked.recommend(request);
    const b = wasm.recommend(request);
    expect(a.items.map((item) => item.productId)).toEqual(b.items.map((item) => item.productId));
    a.items.forEach((item, i) => expect(item.score).toBeCloseTo(b.items[i]!.score, 5));
  });
});
