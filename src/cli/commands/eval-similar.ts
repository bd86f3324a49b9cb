/** `vitrine eval similar`: do `similar` lists stay in the viewed product's category? */
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { badOption, integer, parsingOptions } from '../options.ts';
import { DEFAULT_DIM, buildBundleInput } from '../bundle-builder/build.ts';
import { CATALOG_ALIASES, CATALOG_FIELDS, EVENT_ALIASES, EVENT_FIELDS, parseFieldMapping } from '../bundle-builder/fields.ts';
import { createProgress } from '../bundle-builder/progress.ts';
import { scanKernels } from '../bundle-builder/vector-code.ts';
import { parseVectorCode, type VectorCodeOption } from '../bundle-builder/vector-code.ts';
import { formatSimilarQuality, similarQuality, SIMILAR_CUTOFFS } from '../eval/similar-quality.ts';

const help = `Usage: vitrine eval similar --catalog FILE [options]

Builds the bundle \`vitrine bundle build\` would make from the same inputs (in memory), asks the
engine's \`similar\` strategy for every product as the worker does for a product page seen by a new
visitor (no events, no profile), and reports, for every depth of the category path (1 = top
level), the share of the top-${SIMILAR_CUTOFFS.join(' and top-')} items that share the viewed product's category
at that depth. A list shorter than k counts its missing places as misses. Products with no
category at a depth, or alone in theirs, are left out of that depth ("scored" says how many count).

Next to it, in the same run:
  tfidf   an exact TF-IDF cosine baseline: each product is the bag of words of its title,
          description and brand; weight (1 + ln tf) x (ln((n + 1) / (df + 1)) + 1), rows
          L2-normalised; its list is the k other products of highest exact cosine (no hashing,
          no reduction; ties in catalog order)
  best    the best any list could score: for each product min(k, other products in its
          category) / k, averaged

Options:
  --catalog FILE              catalog file (required), as for \`bundle build\`
  --field canonical=source    map a catalog field to a source column or JSON path (repeatable)
  --currency CODE             currency when the catalog names none (default EUR)
  --skip-invalid              report bad rows and go on (default: abort on the first bad row)
  --events FILE               events log (repeatable): its graphs and blended vectors take part
  --event-field canonical=source   map an events field (repeatable)
  --embeddings FILE           imported vectors, as for \`bundle build\`
  --dim N                     embedding dimensions (default ${DEFAULT_DIM})
  --quantize auto|int8|none|pqN   vector code, as for \`bundle build\` (default int8: what the build ships)
  --seed N                    build seed (default 1)
  --json                      print one JSON object instead of the table
  -h, --help                  this text

Example:
  npx vitrine eval similar --catalog demo/data/products.json
  npx vitrine eval similar --catalog flipkart.csv --currency INR --skip-invalid \\
    --field id=uniq_id --field title=product_name --field category=product_category_tree \\
    --field price=retail_price --field sale_price=discounted_price --json`;

const OPTIONS = {
  catalog: { type: 'string' },
  field: { type: 'string', multiple: true },
  currency: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  events: { type: 'string', multiple: true },
  'event-field': { type: 'string', multiple: true },
  embeddings: { type: 'string' },
  dim: { type: 'string' },
  quantize: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Where output goes; tests pass their own to capture it. */
export interface EvalSimilarIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: EvalSimilarIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

export async function runEvalSimilar(argv: string[], io: EvalSimilarIo = defaultIo): Promise<number> {
  const { values } = parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  if (!values.catalog) throw badOption('--catalog', 'is required');
  const dim = values.dim === undefined ? undefined : integer('--dim', values.dim, 1, 4096);
  let quantize: VectorCodeOption;
  try {
    quantize = parseVectorCode(values.quantize ?? 'int8', dim);
  } catch (error) {
    throw badOption('--quantize', (error as Error).message);
  }
  const currency = (values.currency ?? 'EUR').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw badOption('--currency', `must be a 3-letter ISO 4217 code, got "${values.currency}"`);
  const { input, descriptions } = buildBundleInput({
    catalog: values.catalog,
    events: values.events ?? [],
    embeddings: values.embeddings,
    dim,
    quantize,
    kernels: quantize === 'auto' ? await scanKernels() : undefined,
    catalogFields: parseFieldMapping(values.field ?? [], CATALOG_FIELDS, CATALOG_ALIASES, '--field'),
    eventFields: parseFieldMapping(values['event-field'] ?? [], EVENT_FIELDS, EVENT_ALIASES, '--event-field'),
    skipInvalid: values['skip-invalid'] ?? false,
    topM: 50,
    trendingDays: 7,
    seed: integer('--seed', values.seed ?? '1', 0, 0xffffffff),
    currency,
    builtAt: new Date(0).toISOString(),
    progress: createProgress(false),
    log: io.err,
  });
  const report = await similarQuality(input, descriptions);
  if (values.json) io.out(JSON.stringify(report));
  else for (const line of formatSimilarQuality(report)) io.out(line);
  return 0;
}

export const evalSimilar: Command = {
  path: ['eval', 'similar'],
  summary: 'Share of similar items in the viewed product category, vs exact TF-IDF and the best possible',
  help,
  run: (argv) => runEvalSimilar(argv),
};
