import { describe, expect, it } from 'vitest';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { simdSupported } from '../../src/shared/kernels/simd.ts';

describe('W6: simdSupported', () => {
  it('should detect SIMD in Node 20 (V8 validates v128)', () => {
    expect(simdSupported()).toBe(true);
  });

  it('should make auto pick the SIMD build where SIMD validates', async () => {
    expect((await loadNodeKernels('auto')).impl).toBe('wasm-simd');
    expect((await loadNodeKernels('js')).impl).toBe('js');
  });
});
