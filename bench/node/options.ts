/** The bench's command line (`npm run bench -- …`): its help text and options. */
import { parseArgs } from 'node:util';
import { VitrineError } from '../../src/shared/errors.ts';
import type { KernelImpl } from '../../src/shared/kernels/types.ts';

const SIZES_N = [10_000, 100_000, 1_000_000];
const SIZES_D = [64, 128];
const IMPLS: KernelImpl[] = ['wasm-simd', 'wasm', 'js'];

export const HELP = `Usage: npm run bench -- [options]
       npm run bench:browser -- [options]   (the same as --browser)

Times one query (score every row + exact top-10) for each kernel implementation, f32 and int8,
over n in {${SIZES_N.join(', ')}} and d in {${SIZES_D.join(', ')}}, next to a C AVX2/FMA baseline
(compiled with gcc at bench time when gcc exists), then int8 recall@10 against exact f32 on the
Flipkart sample's embeddings, then the bandit kernels (draws, slates and updates per millisecond).

Options:
  --n N              run only this row count (default: all of ${SIZES_N.join(', ')})
  --d D              run only this dimension (default: all of ${SIZES_D.join(', ')})
  --dtype f32|i8     run only this matrix type (default: both)
  --impl LIST        comma-separated implementations (default ${IMPLS.join(',')})
  --json             one JSON object per line instead of the table
  --browser          run the kernels in a headless Chromium worker instead of Node (Playwright;
                     CHROMIUM_PATH, default /usr/bin/chromium), plus the 100000 x 64 bundle load time
                     and full recommend() requests per placement on a realistic 100k-product bundle
  --bundle FILE      float32 bundle whose embeddings the recall check uses (default: build the
                     Flipkart sample with \`vitrine bundle build\`)
  --skip-c           do not build or run the C baseline
  --skip-recall      do not measure int8 recall
  --skip-bandit      do not time the bandit kernels (Thompson draws and slates at 50 arms, linear TS
                     score draws and Sherman–Morrison updates at d = 16)
  --skip-cli-memory  do not measure \`vitrine bundle build\`'s peak memory on a synthetic 200,000-product
                     catalog (max RSS under /usr/bin/time; about a minute)
  --budget-ms MS     measured time per case before stopping early (default 1500; at least 7 runs)
  -h, --help         this text

Example:
  npm run bench -- --n 100000 --d 64
  npm run -s bench -- --json > bench.jsonl`;

const OPTIONS = {
  n: { type: 'string' },
  d: { type: 'string' },
  dtype: { type: 'string' },
  impl: { type: 'string' },
  json: { type: 'boolean' },
  browser: { type: 'boolean' },
  bundle: { type: 'string' },
  'skip-c': { type: 'boolean' },
  'skip-recall': { type: 'boolean' },
  'skip-bandit': { type: 'boolean' },
  'skip-cli-memory': { type: 'boolean' },
  'budget-ms': { type: 'string' },
} as const;

function bad(option: string, message: string): VitrineError {
  return new VitrineError('INPUT_BAD_OPTION', `${option} ${message}`, { field: option });
}

function positiveInt(option: string, value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw bad(option, `must be a positive integer, got "${value}"`);
  return [n];
}

export interface BenchOptions {
  ns: number[];
  ds: number[];
  dtypes: ('f32' | 'i8')[];
  impls: KernelImpl[];
  json: boolean;
  browser: boolean;
  bundle: string | undefined;
  c: boolean;
  recall: boolean;
  bandit: boolean;
  cliMemory: boolean;
  budgetMs: number;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new VitrineError('INPUT_BAD_OPTION', (error as Error).message);
  }
  const dtype = values.dtype;
  if (dtype !== undefined && dtype !== 'f32' && dtype !== 'i8') throw bad('--dtype', `must be f32 or i8, got "${dtype}"`);
  const dtypes: ('f32' | 'i8')[] = dtype === undefined ? ['f32', 'i8'] : [dtype];
  const impls = values.impl === undefined ? IMPLS : values.impl.split(',').map((s) => s.trim());
  for (const impl of impls)
    if (!(IMPLS as string[]).includes(impl)) throw bad('--impl', `unknown implementation "${impl}" (use ${IMPLS.join(', ')})`);
  const budget = values['budget-ms'] === undefined ? 1500 : Number(values['budget-ms']);
  if (!(budget > 0)) throw bad('--budget-ms', 'must be a positive number');
  return {
    ns: positiveInt('--n', values.n, SIZES_N),
    ds: positiveInt('--d', values.d, SIZES_D),
    dtypes,
    impls: impls as KernelImpl[],
    json: values.json ?? false,
    browser: values.browser ?? false,
    bundle: values.bundle,
    c: !values['skip-c'],
    recall: !values['skip-recall'],
    bandit: !values['skip-bandit'],
    cliMemory: !values['skip-cli-memory'],
    budgetMs: budget,
  };
}
