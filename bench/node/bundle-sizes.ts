/**
 * Wire size of a bundle, per section, raw and gzip -9, on issue 16's target shape (100,000
 * products, 64 dims, 30 neighbours per graph, 50,000 training sessions: bench/cases/synthetic-bundle.ts),
 * before and after the compact encodings:
 *
 *   npx tsx bench/node/bundle-sizes.ts [products]
 *
 * "f32 graphs" is the version-1 layout (the graphs' and sessions' bytes are the same as a v1 file's),
 * with f32 or int8 vectors (`bundle build --quantize int8`), products in the synthetic catalog's
 * order; the last two columns are products stored by category (`renumberProducts`) with
 * `encodeBundle`'s default encodings, strings, products and popularity in the fixed layout of
 * version 3 (`layout: 'blocks'`) and in the column streams of version 4 (what `bundle build` writes).
 */
import { TARGET_SHAPE, syntheticBundleInput } from '../cases/synthetic-bundle.ts';
import { encodeBundle, type BundleInput } from '../../src/shared/bundle/index.ts';
import type { EncodeOptions } from '../../src/shared/bundle/writer.ts';
import { renumberProducts } from '../../src/cli/bundle-builder/product-order.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { readHeader, readTable } from '../../src/shared/bundle/table.ts';
import { sectionSizes, type SectionSize } from '../../src/cli/section-sizes.ts';

const products = Number(process.argv[2] ?? 100_000);
const f32 = syntheticBundleInput(products, 64, 7, TARGET_SHAPE);
if (f32.embeddings.dtype !== 'f32') throw new Error('synthetic vectors are f32');
const i8: BundleInput = { ...f32, embeddings: quantizeInt8(f32.embeddings), meta: { ...f32.meta, dtype: 'i8' } };

const v1: EncodeOptions = { graphs: 'f32', sessions: 'u32', layout: 'blocks' };
const stored = renumberProducts(i8);
const variants: [string, BundleInput, EncodeOptions][] = [
  ['f32 vectors, f32 graphs (v1 layout)', f32, v1],
  ['int8 vectors, f32 graphs (v1 layout)', i8, v1],
  ['int8 vectors, version 3 (fixed strings, products, popularity)', stored, { layout: 'blocks' }],
  ['int8 vectors, what `bundle build` writes (version 4)', stored, {}],
];
const columns: SectionSize[][] = variants.map(([, input, options]) => {
  const bytes = encodeBundle(input, options);
  const table = readTable(bytes, readHeader(bytes)).map((e) => ({ kind: e.name, offset: e.offset, length: e.length }));
  return sectionSizes(bytes, table)!;
});

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
console.log(
  `${products} products, 64 dims, ${TARGET_SHAPE.neighbours[0]} neighbours per graph row, ${TARGET_SHAPE.sessions} sessions; MB = 10^6 bytes`,
);
console.log(`| section | ${variants.map(([name]) => `${name}: raw / gzip`).join(' | ')} |`);
console.log(`|---|${variants.map(() => '---:').join('|')}|`);
// Sessions are `sessions` (plain) in one column, `packedSessions` in another: rows follow the section order.
for (const i of columns[0]!.keys()) {
  const names = new Set(columns.map((c) => c[i]!.kind));
  console.log(`| ${[...names].join(' / ')} | ${columns.map((c) => `${mb(c[i]!.bytes)} / ${mb(c[i]!.gzip)}`).join(' | ')} |`);
}
const sum = (c: SectionSize[], key: 'bytes' | 'gzip') => c.reduce((total, s) => total + s[key], 0);
console.log(`| **total** | ${columns.map((c) => `${mb(sum(c, 'bytes'))} / ${mb(sum(c, 'gzip'))}`).join(' | ')} |`);
