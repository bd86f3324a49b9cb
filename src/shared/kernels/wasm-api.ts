/**
 * The slice of the WebAssembly JS API the kernels use, typed locally: `src/shared` compiles with
 * lib ES2022 only (no DOM, no webworker), where the `WebAssembly` namespace is not declared.
 */

/** A compiled module (`WebAssembly.Module`); opaque here. */
export type WasmModule = object;

/** Bytes of a .wasm file or a module compiled elsewhere (e.g. `WebAssembly.compileStreaming`). */
export type WasmSource = ArrayBuffer | ArrayBufferView | WasmModule;

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmNamespace {
  validate(bytes: ArrayBuffer | ArrayBufferView): boolean;
  compile(bytes: ArrayBuffer | ArrayBufferView): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
  Module: abstract new (...args: never[]) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The host's WebAssembly, or undefined where it is missing or disabled (some locked-down browsers). */
export function wasmApi(): WasmNamespace | undefined {
  return (globalThis as { WebAssembly?: WasmNamespace }).WebAssembly;
}

/** One page of WebAssembly linear memory. */
export const WASM_PAGE_BYTES = 65536;
