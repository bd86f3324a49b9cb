/** SIMD feature detection by validation, never by user-agent sniffing. */
import { wasmApi } from './wasm-api.ts';

/**
 * The smallest module using a v128 instruction: one function `() -> v128` whose body is
 * `v128.const 0` (opcode 0xfd 0x0c + 16 immediate bytes). Engines without SIMD reject the v128
 * type and opcode at validation.
 */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: [] -> [v128]
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c, // code section: one body, no locals, v128.const
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0x0b, // end
]);

let cached: boolean | undefined;

/** True when this engine validates WebAssembly SIMD (v128). */
export function simdSupported(): boolean {
  if (cached === undefined) {
    const api = wasmApi();
    cached = api !== undefined && api.validate(SIMD_PROBE);
  }
  return cached;
}
