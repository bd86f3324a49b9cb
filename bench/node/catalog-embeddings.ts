/** The float32 embeddings the int8 recall check runs on: a given bundle, or the Flipkart sample built with the real CLI. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBundle } from '../../src/shared/bundle/index.ts';
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';
import { VitrineError } from '../../src/shared/errors.ts';

/** The Flipkart sample the issue names, relative to the working directory, with its column mapping. */
export const FLIPKART_CSV = '../shared/data/flipkart-products-1050/flipkart_com-ecommerce_sample_1050.csv';
const FLIPKART_FIELDS = [
  'id=uniq_id',
  'title=product_name',
  'category=product_category_tree',
  'price=retail_price',
  'sale_price=discounted_price',
  'url=product_url',
  'attributes=product_specifications',
  'rating=product_rating',
];

/** Builds a float32 bundle of the Flipkart sample with the real CLI (`vitrine bundle build`). */
function buildFlipkartBundle(dim: number): { bytes: Uint8Array; source: string } | string {
  if (!existsSync(FLIPKART_CSV)) return `${FLIPKART_CSV} not found (run from the package root)`;
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-recall-'));
  try {
    const out = join(dir, 'flipkart.vtb');
    // The CLI from source, as the benchmarks run (no build needed): bin/vitrine.js would run the compiled dist/cli/.
    const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const fields = FLIPKART_FIELDS.flatMap((f) => ['--field', f]);
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        'bundle',
        'build',
        '--catalog',
        FLIPKART_CSV,
        '--out',
        out,
        '--dim',
        String(dim),
        '--currency',
        'INR',
        '--skip-invalid',
        ...fields,
      ],
      { stdio: 'pipe' },
    );
    return { bytes: readFileSync(out), source: `vitrine bundle build of the Flipkart sample (d=${dim})` };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return `bundle build failed: ${(e.stderr?.toString() || e.message).trim().split('\n').pop()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads the f32 embeddings to test: from `bundleFile`, else a fresh Flipkart build. */
export function catalogEmbeddings(
  bundleFile: string | undefined,
  dim: number,
): { matrix: EmbeddingMatrix & { dtype: 'f32' }; source: string } | string {
  const built = bundleFile ? { bytes: readFileSync(bundleFile), source: bundleFile } : buildFlipkartBundle(dim);
  if (typeof built === 'string') return built;
  const { embeddings } = decodeBundle(built.bytes);
  if (embeddings.dtype !== 'f32') {
    throw new VitrineError('INPUT_BAD_OPTION', 'recall needs a float32 bundle (built without --quantize int8) as the exact reference', {
      field: '--bundle',
    });
  }
  return { matrix: embeddings, source: built.source };
}
