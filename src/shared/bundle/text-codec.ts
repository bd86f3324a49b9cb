/**
 * UTF-8 encoder / decoder. `src/shared` compiles against lib ES2022 only (no DOM, no worker
 * globals), yet TextEncoder/TextDecoder exist in every runtime Vitrine targets (browsers, workers,
 * Node >= 11), so they are typed here by the little we use.
 */
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface Utf8Encoder {
  encode(input: string): Uint8Array;
  encodeInto(input: string, into: Uint8Array): { read: number; written: number };
}
interface TextGlobals {
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
}

const globals = globalThis as unknown as TextGlobals;

/** Throws a TypeError on malformed UTF-8; keeps a leading BOM as U+FEFF (no silent stripping). */
export const strictUtf8Decoder: Utf8Decoder = new globals.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const utf8Encoder: Utf8Encoder = new globals.TextEncoder();
