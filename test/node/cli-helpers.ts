/** Shared helpers for the CLI tests: temp dirs, in-process command runs, source-file readers. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBuild } from '../../src/cli/commands/bundle-build.ts';
import { runInspect } from '../../src/cli/commands/bundle-inspect.ts';
import { runEval } from '../../src/cli/commands/eval.ts';
import { decodeBundle, type Bundle } from '../../src/shared/bundle/index.ts';
export { vitrineRejection as rejection } from '../fixtures/rejection.ts';

/** The shared datasets, beside the checkout (`../shared/data`). */
export const DATA = fileURLToPath(new URL('../../../shared/data', import.meta.url));
export const FLIPKART = `${DATA}/flipkart-products-1050/flipkart_com-ecommerce_sample_1050.csv`;
export const DUMMYJSON = `${DATA}/dummyjson-products/products.json`;
export const CARTS = `${DATA}/dummyjson-products/carts.json`;
export const YOOCHOOSE_TEST = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_test.txt`;
export const OTTO = `${DATA}/otto-recsys-sample/train.jsonl`;
export const FIXTURES = new URL('../fixtures/cli/', import.meta.url).pathname;

export const FLIPKART_FIELDS = [
  '--field',
  'id=uniq_id',
  '--field',
  'title=product_name',
  '--field',
  'category=product_category_tree',
  '--field',
  'price=retail_price',
  '--field',
  'sale_price=discounted_price',
  '--field',
  'url=product_url',
  '--field',
  'attributes=product_specifications',
  '--field',
  'rating=product_rating',
  '--currency',
  'INR',
];

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vitrine-cli-'));
}

export interface Captured {
  code: number;
  out: string[];
  err: string[];
}

export async function build(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBuild(argv, { out: (l) => out.push(l), err: (l) => err.push(l), tty: false });
  return { code, out, err };
}

export async function inspect(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runInspect(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** Builds into a temp file and decodes the result. */
export async function buildAndDecode(argv: string[]): Promise<{ bundle: Bundle; bytes: Uint8Array; run: Captured; file: string }> {
  const file = join(tempDir(), 'shop.vtb');
  const run = await build([...argv, '--out', file, '--built-at', '2024-01-01T00:00:00Z']);
  const bytes = new Uint8Array(readFileSync(file));
  return { bundle: decodeBundle(bytes), bytes, run, file };
}

/** Rejection of a promise as a plain object, to assert on code and details. */
/** A minimal catalog CSV holding the given ids, for event logs whose items have no catalog. */
export function catalogFor(ids: Iterable<string>, dir: string): string {
  const file = join(dir, 'catalog.csv');
  const lines = ['id,title,price,category'];
  for (const id of ids) lines.push(`${id},Item ${id},10,Things`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Neighbour ids of product `id` in a CSR graph of a decoded bundle. */
export function neighbourIds(bundle: Bundle, graph: 'covisitation' | 'copurchase', id: string): string[] {
  const g = bundle[graph];
  const i = bundle.products.indexOf(id);
  const out: string[] = [];
  for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) out.push(bundle.products.id(g.neighbors[k]!));
  return out;
}

/** Runs `vitrine eval` in-process, capturing stdout and stderr lines. */
export async function evalCli(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEval(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
