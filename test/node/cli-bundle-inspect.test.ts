import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DUMMYJSON, buildAndDecode, inspect, rejection, tempDir } from './cli-helpers.ts';

describe('bundle inspect', () => {
  it('should show the header, every section and exit 0 for a good bundle', async () => {
    const { file, bundle } = await buildAndDecode(['--catalog', DUMMYJSON]);
    const run = await inspect([file]);
    expect(run.code).toBe(0);
    const text = run.out.join('\n');
    for (const kind of ['meta', 'strings', 'products', 'popularity', 'covisitation', 'copurchase', 'embeddings'])
      expect(text).toMatch(new RegExp(`^\\s+${kind}\\s+\\d+\\s+\\d+`, 'm'));
    expect(text).toMatch(/valid/);
    expect(text).toContain(bundle.contentHash);
    // The sizes table: raw and gzip bytes per section, then their sums.
    expect(text).toMatch(/^\s+section\s+raw bytes\s+gzip bytes$/m);
    expect(text).toMatch(/^\s+embeddings\s+\d+\s+\d+$/m);
    expect(text).toMatch(/^\s+sections sum\s+\d+\s+\d+$/m);
  });

  it('should print the report as JSON with --json', async () => {
    const { file, bytes } = await buildAndDecode(['--catalog', DUMMYJSON]);
    const run = await inspect([file, '--json']);
    const report = JSON.parse(run.out.join('\n')) as {
      ok: boolean;
      header: { actualLength: number };
      sections: { kind: string; length: number }[];
    };
    expect(report.ok).toBe(true);
    expect(report.header.actualLength).toBe(bytes.length);
    expect(report.sections.find((s) => s.kind === 'products')!.length).toBeGreaterThan(0);
  });

  it('should exit 1 and name the typed error for a corrupted copy', async () => {
    const { file } = await buildAndDecode(['--catalog', DUMMYJSON]);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 0xff;
    const bad = join(tempDir(), 'bad.vtb');
    writeFileSync(bad, bytes);
    const run = await inspect([bad]);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/invalid: BUNDLE_CHECKSUM_MISMATCH/);
  });

  it('should exit 1 with the section and offset for a truncated copy', async () => {
    const { file } = await buildAndDecode(['--catalog', DUMMYJSON]);
    const bytes = readFileSync(file);
    const bad = join(tempDir(), 'short.vtb');
    writeFileSync(bad, bytes.subarray(0, bytes.length - 64));
    const run = await inspect([bad, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out.join('\n')) as { ok: boolean; errors: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toContain('BUNDLE_TRUNCATED');
  });

  it('should reject a file that is not a bundle at all', async () => {
    const run = await inspect([DUMMYJSON]);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/BUNDLE_BAD_MAGIC/);
  });

  it('should fail with INPUT_UNREADABLE for a missing file and INPUT_BAD_OPTION without one', async () => {
    expect((await rejection(inspect([join(tempDir(), 'none.vtb')]))).code).toBe('INPUT_UNREADABLE');
    expect((await rejection(inspect([]))).code).toBe('INPUT_BAD_OPTION');
  });
});
