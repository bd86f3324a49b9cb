/** The scoring kernels: contract, TS reference, WASM loader and SIMD detection. */
export type { KernelImpl, Kernels, TopK } from './types.ts';
export { createReferenceKernels } from './reference.ts';
export { instantiateKernels } from './wasm-kernels.ts';
export { simdSupported } from './simd.ts';
export type { WasmSource } from './wasm-api.ts';
