/** Byte-level helpers for the bundle tests: find sections, patch values, re-seal the CRC. */
import { expect } from 'vitest';
import { isVitrineError, type ErrorCode, type VitrineError } from '../../src/shared/errors.ts';
import { SectionKind, type SectionName } from '../../src/shared/bundle/index.ts';
import { fileChecksum } from '../../src/shared/bundle/reader.ts';

export interface Located {
  kind: number;
  flags: number;
  offset: number;
  length: number;
  /** Position of the table entry. */
  entry: number;
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function sections(bytes: Uint8Array): Located[] {
  const v = view(bytes);
  const count = v.getUint32(12, true);
  return Array.from({ length: count }, (_, i) => {
    const entry = 32 + i * 16;
    return {
      kind: v.getUint32(entry, true),
      flags: v.getUint32(entry + 4, true),
      offset: v.getUint32(entry + 8, true),
      length: v.getUint32(entry + 12, true),
      entry,
    };
  });
}

export function section(bytes: Uint8Array, name: SectionName): Located {
  const found = sections(bytes).find((s) => s.kind === SectionKind[name]);
  if (!found) throw new Error(`test setup: no ${name} section`);
  return found;
}

/** Recomputes the stored CRC so that content validators (not the checksum) see the corruption. */
export function reseal(bytes: Uint8Array): Uint8Array {
  view(bytes).setUint32(20, fileChecksum(bytes), true);
  return bytes;
}

/** Runs `fn`, expecting a VitrineError with `code`; returns it for further checks. */
export function expectVitrineError(fn: () => unknown, code: ErrorCode): VitrineError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isVitrineError(caught), `expected ${code}, got ${String(caught)}`).toBe(true);
  const error = caught as VitrineError;
  expect(error.code, error.message).toBe(code);
  return error;
}

/**
 * File offset of array `index` of a binary section, recomputed from the documented layout: header 16 bytes,
 * then each array padded to 16. `sizes` are the byte lengths of the arrays before it.
 */
export function arrayOffset(sectionOffset: number, byteSizes: number[]): number {
  return sectionOffset + 16 + byteSizes.reduce((sum, s) => sum + Math.ceil(s / 16) * 16, 0);
}
