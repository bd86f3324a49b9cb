import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isVitrineError } from '../../src/shared/errors.ts';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import { makeFixtureInput, seededRandom } from '../fixtures/bundle-fixture.ts';
import { reseal, section } from './bundle-helpers.ts';
import { FLIPKART, FLIPKART_FIELDS, buildAndDecode } from './cli-helpers.ts';

const BUNDLE_CODES = new Set<string>(ERROR_CODES.filter((c) => c.startsWith('BUNDLE_')));

/** Decodes `bytes`; returns the error code, or 'ok'. Anything but a VitrineError fails the test. */
function outcome(bytes: Uint8Array, label: string): string {
  try {
    decodeBundle(bytes);
    return 'ok';
  } catch (error) {
    if (!isVitrineError(error) || !BUNDLE_CODES.has(error.code)) {
      throw new Error(`${label}: unexpected ${String(error)}${error instanceof Error ? `\n${error.stack}` : ''}`, { cause: error });
    }
    expect(typeof error.details.section, `${label}: ${error.message}`).toBe('string');
    expect(typeof error.details.offset, `${label}: ${error.message}`).toBe('number');
    return error.code;
  }
}

function flip(original: Uint8Array, random: () => number): Uint8Array {
  const bytes = original.slice();
  const flips = 1 + Math.floor(random() * 4);
  for (let k = 0; k < flips; k++) {
    // Half the flips aim at the first 512 bytes (header, table, section headers), where structure lives.
    const at = random() < 0.5 ? Math.floor(random() * Math.min(512, bytes.length)) : Math.floor(random() * bytes.length);
    bytes[at]! ^= 1 << Math.floor(random() * 8);
    if (random() < 0.2) bytes[at] = [0, 0xff, 0x7f, 0x80][Math.floor(random() * 4)]!;
  }
  return bytes;
}

function splice(original: Uint8Array, random: () => number): Uint8Array {
  const from = Math.floor(random() * original.length);
  const to = Math.floor(random() * original.length);
  const length = Math.floor(random() * 64);
  const bytes = original.slice();
  bytes.copyWithin(to, from, from + length);
  return bytes;
}

/** Counts of each outcome over thousands of seeded corruptions of `bundle`. */
function fuzz(bundle: Uint8Array, seed: number): Map<string, number> {
  const random = seededRandom(seed);
  const seen = new Map<string, number>();
  const count = (code: string) => seen.set(code, (seen.get(code) ?? 0) + 1);
  for (let i = 0; i < 1500; i++) {
    const bytes = flip(bundle, random);
    const code = outcome(bytes, `flip #${i}`);
    // With the CRC untouched, only a no-op corruption (flips that cancel out) may decode.
    if (code === 'ok') expect(bytes).toEqual(bundle);
    count(code);
  }
  for (let i = 0; i < 2500; i++) count(outcome(reseal(flip(bundle, random)), `resealed flip #${i}`));
  for (let i = 0; i < 300; i++) count(outcome(bundle.slice(0, Math.floor(random() * bundle.length)), `truncation #${i}`));
  for (let i = 0; i < 300; i++) count(outcome(reseal(splice(bundle, random)), `splice #${i}`));
  return seen;
}

function expectStructuralCoverage(seen: Map<string, number>, codes: string[]): void {
  // The structural validators, not just the CRC, must have been exercised.
  for (const code of codes) expect(seen.get(code) ?? 0, `${code} never seen`).toBeGreaterThan(0);
}

/**
 * A decoder that hangs on some input fails the test by this deadline. Generous: the cases take a
 * few seconds alone, several times that on 2 cores shared with the browser tests.
 */
const HANG_GUARD_MS = 120_000;

const STRUCTURAL = [
  'BUNDLE_SECTION_MALFORMED',
  'BUNDLE_SECTION_OUT_OF_RANGE',
  'BUNDLE_BAD_MAGIC',
  'BUNDLE_CHECKSUM_MISMATCH',
  'BUNDLE_TRUNCATED',
];

describe('B6: decodeBundle fuzzing (seeded)', () => {
  for (const dtype of ['f32', 'i8'] as const) {
    it(
      `should throw only typed errors for corrupted ${dtype} bundles`,
      () => {
        const bundle = encodeBundle(makeFixtureInput({ dtype, dim: 16 }));
        const seen = fuzz(bundle, dtype === 'f32' ? 1234 : 5678);
        // NON_FINITE only for f32: in an i8 bundle floats are too few for random flips to hit reliably.
        expectStructuralCoverage(seen, [...STRUCTURAL, ...(dtype === 'f32' ? ['BUNDLE_NON_FINITE'] : [])]);
      },
      HANG_GUARD_MS,
    );
  }

  it(
    'should throw only typed errors for corrupted column streams (strings, products, popularity of version 4) and for the same content in the version-3 blocks',
    () => {
      const input = makeFixtureInput({ dtype: 'i8', dim: 8 });
      const bundle = encodeBundle(input);
      const random = seededRandom(4321);
      const seen = new Map<string, number>();
      for (const name of ['strings', 'products', 'popularity'] as const) {
        const { offset, length } = section(bundle, name);
        for (let i = 0; i < 700; i++) {
          const bytes = bundle.slice();
          // Damage inside the section only (header fields included), resealed: the stream checks must catch it.
          for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
            const at = offset + Math.floor(random() * Math.min(length, random() < 0.5 ? 64 : length));
            bytes[at] = random() < 0.3 ? [0, 0x7f, 0x80, 0xff][Math.floor(random() * 4)]! : bytes[at]! ^ (1 << Math.floor(random() * 8));
          }
          const code = outcome(reseal(bytes), `${name} #${i}`);
          seen.set(code, (seen.get(code) ?? 0) + 1);
        }
      }
      expectStructuralCoverage(seen, ['BUNDLE_SECTION_MALFORMED']);
      expectStructuralCoverage(fuzz(encodeBundle(input, { layout: 'blocks' }), 2468), STRUCTURAL);
    },
    HANG_GUARD_MS,
  );

  it(
    'should throw only typed errors for a corrupted bundle built by the CLI from the Flipkart catalog',
    async () => {
      const { bytes } = await buildAndDecode(['--catalog', FLIPKART, ...FLIPKART_FIELDS, '--dim', '16']);
      expectStructuralCoverage(fuzz(bytes, 9012), STRUCTURAL);
    },
    HANG_GUARD_MS,
  );
});
