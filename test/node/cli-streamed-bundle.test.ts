/**
 * `vitrine bundle build` writes the bundle section by section into its temporary file (`writeBundle`
 * into `writeFileAtomicWith`) instead of encoding it whole first (issue 14: bounded memory). The file
 * must hold exactly the bytes `encodeBundle` makes of the same input, and a failed write must still
 * leave the previous bundle as it was.
 */
import { renumberProducts } from '../../src/cli/bundle-builder/product-order.ts';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mulberry32 } from '../../src/shared/random.ts';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeFileAtomicWith } from '../../src/cli/atomic-write.ts';
import { gzipSizesInFile, sectionPlaces } from '../../src/cli/section-sizes.ts';
import { buildBundleInput } from '../../src/cli/bundle-builder/build.ts';
import { CATALOG_ALIASES, CATALOG_FIELDS, EVENT_ALIASES, EVENT_FIELDS, parseFieldMapping } from '../../src/cli/bundle-builder/fields.ts';
import { noProgress } from '../../src/cli/bundle-builder/progress.ts';
import { decodeBundle, encodeBundle } from '../../src/shared/bundle/index.ts';
import type { BundleInput } from '../../src/shared/bundle/types.ts';
import { writeBundle } from '../../src/shared/bundle/writer.ts';
import { makeFixtureInput } from '../fixtures/bundle-fixture.ts';
import { CARTS, DUMMYJSON, build, tempDir } from './cli-helpers.ts';

/** What `writeBundle` hands a sink, put together in memory. */
function streamed(input: BundleInput): { bytes: Uint8Array; appends: number; result: ReturnType<typeof writeBundle> } {
  const parts: Uint8Array[] = [];
  const patches: [number, Uint8Array][] = [];
  const result = writeBundle(input, {
    append: (bytes) => parts.push(bytes.slice()),
    patch: (at, bytes) => patches.push([at, bytes.slice()]),
  });
  const bytes = new Uint8Array(Buffer.concat(parts));
  for (const [at, patch] of patches) bytes.set(patch, at);
  return { bytes, appends: parts.length, result };
}

describe('streamed bundle writing', () => {
  it.each([
    ['f32, with optional JSON sections', makeFixtureInput({ rows: 40 })],
    ['int8', makeFixtureInput({ rows: 30, dtype: 'i8' })],
  ])('should hand a sink exactly the bytes encodeBundle makes (%s), one section at a time', (_, input) => {
    const whole = encodeBundle(input);
    const { bytes, appends, result } = streamed(input);
    expect(bytes).toEqual(whole);
    expect(result.length).toBe(whole.length);
    // Header and table, then one piece per section.
    expect(appends).toBe(1 + result.sections.length);
    expect(decodeBundle(bytes).products.count).toBe(input.products.length);
  });

  it('should write with `bundle build` the bytes encodeBundle makes of the same catalog and events, stored by category', async () => {
    const dir = tempDir();
    const out = join(dir, 'shop.vtb');
    const builtAt = '2024-01-01T00:00:00.000Z';
    await build(['--catalog', DUMMYJSON, '--events', CARTS, '--out', out, '--built-at', builtAt, '--fit', 'none', '--quantize', 'none']);
    const { input } = buildBundleInput({
      catalog: DUMMYJSON,
      events: [CARTS],
      quantize: 'none',
      catalogFields: parseFieldMapping([], CATALOG_FIELDS, CATALOG_ALIASES, '--field'),
      eventFields: parseFieldMapping([], EVENT_FIELDS, EVENT_ALIASES, '--event-field'),
      skipInvalid: false,
      topM: 50,
      trendingDays: 7,
      seed: 1,
      currency: 'EUR',
      builtAt,
      progress: noProgress,
      log: () => {},
    });
    expect(input.meta.sourceCounts.events).toBeGreaterThan(0);
    expect(new Uint8Array(readFileSync(out))).toEqual(encodeBundle(renumberProducts(input)));
    expect(readdirSync(dir)).toEqual(['shop.vtb']);
  });

  it("should measure each section's gzip size from the written file as gzipSync of the section does", async () => {
    const file = join(tempDir(), 'shop.vtb');
    // 3,000 rows × 128 dims of noise: an embeddings section of 1.5 MB, read and compressed in several pieces.
    const input = makeFixtureInput({ rows: 3000, dim: 128 });
    const rand = mulberry32(7);
    if (input.embeddings.dtype === 'f32') for (let i = 0; i < input.embeddings.data.length; i++) input.embeddings.data[i] = rand() - 0.5;
    const measured = sectionPlaces();
    const written = writeFileAtomicWith(file, (out) => writeBundle(input, measured.around(out)));
    const bytes = readFileSync(file);
    expect(measured.places.map((p) => p.length)).toEqual(written.sections.map((s) => s.length));
    expect(Math.max(...measured.places.map((p) => p.length))).toBeGreaterThan(1 << 20);
    const places = [...measured.places, { offset: 0, length: 0 }];
    const expected = places.map(({ offset, length }) => gzipSync(bytes.subarray(offset, offset + length), { level: 9 }).length);
    expect(await gzipSizesInFile(file, places)).toEqual(expected);
  });

  it('should leave the previous file and no temporary file when the writing fails part-way', () => {
    const dir = tempDir();
    const file = join(dir, 'shop.vtb');
    writeFileSync(file, 'previous bundle');
    const input = makeFixtureInput({ rows: 20 });
    let appends = 0;
    expect(() =>
      writeFileAtomicWith(file, (out) =>
        writeBundle(input, {
          append: (bytes) => {
            if (++appends > 3) throw new Error('ENOSPC: no space left on device, write');
            out.append(bytes);
          },
          patch: out.patch,
        }),
      ),
    ).toThrow(/cannot write .*shop\.vtb: ENOSPC.*previous shop\.vtb is unchanged/);
    expect(readFileSync(file, 'utf8')).toBe('previous bundle');
    expect(readdirSync(dir)).toEqual(['shop.vtb']);
  });
});
