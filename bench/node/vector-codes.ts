/**
 * Recall@10 against exact float32 and wire bytes of each candidate vector code (bench/node/vector-code-cases.ts),
 * on real catalogs' vectors as `vitrine bundle build` makes them, and on issue 16's synthetic target
 * shape; then the code `bundle build --quantize auto` picks for each:
 *
 *   npx tsx bench/node/vector-codes.ts [--json] [--synthetic N] [--only NAME]
 *
 * Real sets (run from the package root, ../shared/data beside it): the demo's DummyJSON catalog with
 * its carts (the demo's bundle), the Flipkart sample, and YOOCHOOSE's item vectors (bare item ids,
 * so content + session smoothing: behaviour only). Synthetic: leaf centroid + isotropic noise, the
 * worst case for small codes (a high intrinsic dimension).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TARGET_SHAPE, syntheticBundleInput } from '../cases/synthetic-bundle.ts';
import { measureCodes, type CodeResult } from './vector-code-cases.ts';
import { buildBundleInput, type BuildOptions } from '../../src/cli/bundle-builder/build.ts';
import { CATALOG_ALIASES, CATALOG_FIELDS, EVENT_ALIASES, EVENT_FIELDS, parseFieldMapping } from '../../src/cli/bundle-builder/fields.ts';
import { createProgress } from '../../src/cli/bundle-builder/progress.ts';
import { chooseVectorCode, type MeasuredCode } from '../../src/cli/bundle-builder/vector-code.ts';
import { FLIPKART_CSV } from './catalog-embeddings.ts';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';

const { values } = parseArgs({
  options: { json: { type: 'boolean' }, synthetic: { type: 'string' }, only: { type: 'string' } },
  strict: true,
});
const YOOCHOOSE = '../shared/data/yoochoose-rsc15-100k/yoochoose-clicks-100k_train_full.txt';

/** The float32 vectors `bundle build` makes from these inputs (`--quantize none`). */
function built(catalog: string, events: string[], fields: string[], extra: Partial<BuildOptions> = {}) {
  const { input } = buildBundleInput({
    catalog,
    events,
    quantize: 'none',
    catalogFields: parseFieldMapping(fields, CATALOG_FIELDS, CATALOG_ALIASES, '--field'),
    eventFields: parseFieldMapping([], EVENT_FIELDS, EVENT_ALIASES, '--event-field'),
    skipInvalid: true,
    topM: 50,
    trendingDays: 7,
    seed: 1,
    currency: 'EUR',
    builtAt: new Date(0).toISOString(),
    progress: createProgress(false),
    log: () => {},
    ...extra,
  });
  const m = input.embeddings;
  if (m.dtype !== 'f32') throw new Error('expected f32 vectors');
  return { data: m.data, rows: m.rows, dim: m.dim };
}

/** YOOCHOOSE has no catalog: one row per item id seen in the training clicks. */
function yoochoose() {
  const ids = new Set<string>();
  for (const line of readFileSync(YOOCHOOSE, 'utf8').split('\n').slice(1)) {
    const id = line.split('\t')[1];
    if (id) ids.add(id);
  }
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-codes-'));
  try {
    const catalog = join(dir, 'items.csv');
    writeFileSync(catalog, `id,title\n${[...ids].map((id) => `${id},item ${id}`).join('\n')}\n`);
    return built(catalog, [YOOCHOOSE], []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FLIPKART_FIELDS = [
  'id=uniq_id',
  'title=product_name',
  'category=product_category_tree',
  'price=retail_price',
  'attributes=product_specifications',
];
const datasets: [string, () => { data: Float32Array; rows: number; dim: number }][] = [
  // The demo's carts feed the co-purchase graph only, so its vectors are the catalog's content vectors.
  ['dummyjson (demo catalog)', () => built('demo/data/products.json', ['demo/data/carts.json'], [])],
  ['flipkart 1050', () => built(FLIPKART_CSV, [], FLIPKART_FIELDS, { currency: 'INR' })],
  ['yoochoose items (sessions)', yoochoose],
  [
    `synthetic ${values.synthetic ?? 100_000} x 64 (target shape)`,
    () => {
      const input = syntheticBundleInput(Number(values.synthetic ?? 100_000), 64, 7, TARGET_SHAPE);
      if (input.embeddings.dtype !== 'f32') throw new Error('synthetic vectors are f32');
      return input.embeddings;
    },
  ],
];

const kernels = await loadNodeKernels();
const all: CodeResult[] = [];
const choices: object[] = [];
for (const [name, load] of datasets) {
  if (values.only && !name.includes(values.only)) continue;
  if (name.startsWith('flipkart') && !existsSync(FLIPKART_CSV)) continue;
  if (name.startsWith('yoochoose') && !existsSync(YOOCHOOSE)) continue;
  const { data, rows, dim } = load();
  const results = measureCodes(name, data, rows, dim, kernels);
  all.push(...results);
  const started = performance.now();
  const choice = chooseVectorCode(data, rows, dim, 'auto', { kernels });
  const seconds = (performance.now() - started) / 1000;
  const row = {
    metric: 'vector_code_auto',
    dataset: name,
    n: rows,
    code: choice.code,
    recall: choice.recall,
    measured: choice.measured,
    seconds,
  };
  choices.push(row);
  if (values.json) for (const r of [...results, row]) console.log(JSON.stringify(r));
}
if (!values.json) {
  const f = (x: number) => x.toFixed(3);
  console.log('| dataset | n × d | code | bytes | gzip | recall@10 | recall@10, f32 query | f32 query, exact re-rank of 50 |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (const r of all)
    console.log(
      `| ${r.dataset} | ${r.n} × ${r.d} | ${r.code} | ${r.bytes} | ${r.gzip} | ${f(r.recall)} | ${f(r.recall_exact_query)} | ${f(r.reranked)} |`,
    );
  console.log('\n`bundle build --quantize auto` picks:');
  for (const c of choices as { dataset: string; code: string; recall: number; measured: MeasuredCode[]; seconds: number }[]) {
    const tried = c.measured.map((m) => `${m.code}: ${f(m.recall)}, ${m.gzip} B gzip`).join('; ');
    console.log(`- ${c.dataset}: **${c.code}** (recall ${f(c.recall)}), in ${c.seconds.toFixed(1)} s; tried ${tried}`);
  }
}
