/** `vitrine bundle build`: catalog (+ events, + vectors) → one binary bundle file. */
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBundle } from '../../shared/bundle/writer.ts';
import { headName } from '../../shared/bundle/head-name.ts';
import { encodeBundle } from '../../shared/bundle/index.ts';
import type { BundleInput } from '../../shared/bundle/types.ts';
import { gzipSizesInFile, sectionPlaces, sizeLines } from '../section-sizes.ts';
import { writeFileAtomic, writeFileAtomicWith } from '../atomic-write.ts';
import type { Command } from '../command.ts';
import { collectGarbage, collectGarbageEarly } from '../heap-growth.ts';
import { badOption, delimiterOption, integer, parsingOptions } from '../options.ts';
import { DEFAULT_DIM, assembleInputs, readInputs, type BuildOptions, type ReadInputs } from '../bundle-builder/build.ts';
import { CATALOG_ALIASES, CATALOG_FIELDS, EVENT_ALIASES, EVENT_FIELDS, parseFieldMapping } from '../bundle-builder/fields.ts';
import { NO_MODEL, readModelFile } from '../bundle-builder/model-file.ts';
import { createProgress } from '../bundle-builder/progress.ts';
import { DEFAULT_HEAD_PRODUCTS, headBundleInput } from '../bundle-builder/head-part.ts';
import { scanKernels } from '../bundle-builder/vector-code.ts';
import { MIN_RECALL, parseVectorCode, type VectorChoice, type VectorCodeOption } from '../bundle-builder/vector-code.ts';
import { DEFAULT_MAX_SESSIONS } from '../bundle-builder/session-index.ts';
import { renumberProducts } from '../bundle-builder/product-order.ts';

const help = `Usage: vitrine bundle build --catalog FILE --out FILE [options]

Turns a product catalog (JSON array, JSONL or CSV/TSV), optionally an events log and vectors
computed elsewhere, into one binary bundle for the Vitrine engine. Schema: docs/cli.md.

Options:
  --catalog FILE              catalog file (required); format from the extension, else the content
  --out FILE                  bundle to write (required), e.g. shop.vtb
  --events FILE               events log: session, product, time, type (repeatable); yoochoose TSV,
                              OTTO JSONL sessions and DummyJSON carts.json are recognised
  --embeddings FILE           vectors keyed by product id: JSONL {"id","vector"} or CSV id,v0,v1,...
  --dim N                     content vector dimensions (default ${DEFAULT_DIM}: the catalog's TF-IDF reduced by a
                              truncated SVD; imported vectors set their own)
  --quantize int8|auto|none|pqN   vector code (default int8: a per-row scale, recall@10 against
                              float32 0.97-0.98 on every catalog measured); auto measures, on a sample
                              of this catalog's rows, each code's recall@10 against float32 and keeps
                              the smallest on the wire that holds --min-recall (int8 on one shared
                              step, int8 with a per-row scale, product quantisation pqN), else
                              float32; none = float32; pqN = N-subspace product quantisation (N
                              divides the dims; 1 byte per subspace + a 256-centroid codebook)
  --min-recall R              recall@10 against float32 that --quantize auto holds (default ${MIN_RECALL})
  --field canonical=source    map a catalog field to a source column or dotted JSON path (repeatable)
  --event-field canonical=source   same for the events log: session, product, time, type (repeatable)
  --delimiter C               separator of CSV inputs: , ; tab | or any ASCII character (default: sniffed
                              from each file's header, outside quotes)
  --currency CODE             currency when the catalog names none (default EUR)
  --skip-invalid              report bad rows and go on (default: abort on the first bad row)
  --top-m N                   neighbours kept per product in the co-visitation/co-purchase graphs (default 50)
  --trending-days N           trending window: the last N days of the events log (default 7)
  --max-sessions N            most recent training sessions shipped for session-kNN (default 100000; 0 = none)
  --model FILE|none           the session model to ship: a file from \`vitrine eval --tune\`, or none for
                              the built-in defaults (default: fitted on the events log, see --fit)
  --fit auto|none             without --model, fit the session-kNN constants and component weights on the
                              events log's last sessions by time (auto, default), or ship the defaults
                              (none). Too few validation predictions keep the defaults, and say so
  --seed N                    seed of the content SVD's random sketch (default 1); same seed, same bytes
  --head-products N           products in the head part written next to the bundle (shop.vtb ->
                              shop.head.vtb; default ${DEFAULT_HEAD_PRODUCTS}): the engine serves it while the full
                              bundle downloads, when the script tag names it (data-bundle-head). 0, or a catalog no larger than N, writes none (and
                              removes a head part an earlier build left there)
  --built-at ISO              build time stored in the bundle (default SOURCE_DATE_EPOCH, else now)
  --progress                  draw the progress bar (counts, time left) even when stderr is not a terminal
  --json                      print the summary as JSON
  -h, --help                  this text

Example:
  npx vitrine bundle build --catalog flipkart.csv --out shop.vtb --currency INR --skip-invalid \\
    --field id=uniq_id --field title=product_name --field category=product_category_tree \\
    --field price=retail_price --field sale_price=discounted_price --field url=product_url \\
    --field attributes=product_specifications --field rating=product_rating`;

const OPTIONS = {
  catalog: { type: 'string' },
  out: { type: 'string' },
  events: { type: 'string', multiple: true },
  embeddings: { type: 'string' },
  dim: { type: 'string' },
  quantize: { type: 'string' },
  'min-recall': { type: 'string' },
  field: { type: 'string', multiple: true },
  'event-field': { type: 'string', multiple: true },
  delimiter: { type: 'string' },
  currency: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  'top-m': { type: 'string' },
  'trending-days': { type: 'string' },
  seed: { type: 'string' },
  'max-sessions': { type: 'string' },
  model: { type: 'string' },
  fit: { type: 'string' },
  'built-at': { type: 'string' },
  'head-products': { type: 'string' },
  progress: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Where output goes; tests pass their own to capture it. */
export interface BuildIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether to draw the progress bar (default: stderr is a TTY). */
  tty: boolean;
}

const defaultIo: BuildIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  tty: Boolean(process.stderr.isTTY),
};

export async function runBuild(argv: string[], io: BuildIo = defaultIo): Promise<number> {
  const started = performance.now();
  const args = parse(argv);
  const { values } = args;
  if (!values.catalog) throw badOption('--catalog', 'is required');
  if (!values.out) throw badOption('--out', 'is required');
  const dim = values.dim === undefined ? undefined : integer('--dim', values.dim, 1, 4096);
  const quantize = vectorCodeOption(values.quantize, dim);
  const minRecall = values['min-recall'] === undefined ? MIN_RECALL : fraction('--min-recall', values['min-recall']);
  let vectors: VectorChoice | undefined;
  const currency = (values.currency ?? 'EUR').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw badOption('--currency', `must be a 3-letter ISO 4217 code, got "${values.currency}"`);

  const fitMode = values.fit ?? 'auto';
  if (fitMode !== 'auto' && fitMode !== 'none') throw badOption('--fit', `must be auto or none, got "${fitMode}"`);
  if (values.model !== undefined && values.fit !== undefined)
    throw badOption('--fit', 'and --model exclude each other (--model already says which model)');
  const fromFile = values.model === undefined || values.model === NO_MODEL ? undefined : modelFromFile(values.model);
  const progress = createProgress(values.progress ?? io.tty);
  const options: BuildOptions = {
    catalog: values.catalog,
    events: values.events ?? [],
    embeddings: values.embeddings,
    dim,
    quantize,
    minRecall,
    onVectorCode: (choice) => (vectors = choice),
    // The recall scans of --quantize auto run in the engine's SIMD kernels (a 100k catalog: seconds, not minutes).
    kernels: quantize === 'auto' ? await scanKernels() : undefined,
    catalogFields: parseFieldMapping(values.field ?? [], CATALOG_FIELDS, CATALOG_ALIASES, '--field'),
    eventFields: parseFieldMapping(values['event-field'] ?? [], EVENT_FIELDS, EVENT_ALIASES, '--event-field'),
    skipInvalid: values['skip-invalid'] ?? false,
    topM: integer('--top-m', values['top-m'] ?? '50', 1, 10_000),
    trendingDays: integer('--trending-days', values['trending-days'] ?? '7', 1, 36_500),
    seed: integer('--seed', values.seed ?? '1', 0, 0xffffffff),
    currency,
    builtAt: builtAt(values['built-at']),
    maxSessions: integer('--max-sessions', values['max-sessions'] ?? String(DEFAULT_MAX_SESSIONS), 0, 10_000_000),
    delimiter: delimiterOption(values.delimiter),
    ...(fromFile ?? {}),
    progress,
    // Warnings go on their own line, not after the bar.
    log: (line) => {
      progress.clear();
      io.err(line);
    },
  };
  const headProducts = integer('--head-products', values['head-products'] ?? String(DEFAULT_HEAD_PRODUCTS), 0, 1_000_000);
  const read = readInputs(options);
  // Fitted before the bundle's own vectors, graphs and session index exist: the fitting builds a
  // bundle of its own (and loads it into the kernels), and both at once made the build's peak memory.
  const fit = values.model === undefined && fitMode === 'auto';
  const { summary: model, fitted } = await sessionModelOf(read, fit, values.model, io);
  // The fitting's bundle and kernels (130 MB at 200,000 products) are garbage now: freed before the shop's vectors.
  if (fit) collectGarbage();
  // Stored by category, then popularity: neighbour ids close together take fewer bytes (product-order.ts).
  // The catalog-order input is not kept: only the renumbered one stays referenced.
  const { input, skippedRows } = inStorageOrder(assembleInputs({ ...options, ...fitted, consumeDescriptions: true }, read));
  // Section by section into a temporary file, then renamed: the bundle is never whole in memory,
  // and a failed write (a full disk) leaves the previous bundle intact. Each section's gzip size
  // (the visitor's download of it) is then read back from the file, in pieces.
  const measured = sectionPlaces();
  const written = writeFileAtomicWith(values.out, (file) => writeBundle(input, measured.around(file)));
  const gzipSizes = await gzipSizesInFile(values.out, measured.places);
  const head = writeHead(values.out, input, written, headProducts);
  const summary = {
    out: values.out,
    products: input.products.length,
    dim: input.embeddings.dim,
    dtype: input.meta.dtype,
    vectors: vectors && vectorSummary(vectors),
    embeddingSource: input.meta.embeddingSource,
    events: input.meta.sourceCounts.events ?? 0,
    sessions: input.meta.sourceCounts.sessions ?? 0,
    skippedRows,
    model,
    sections: written.sections.map((s, i) => ({ kind: s.name, bytes: s.length, gzip: gzipSizes[i]! })),
    bytes: written.length,
    head,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
  };
  if (values.json) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(
      `wrote ${summary.out}: ${summary.products} products, ${summary.dim} dims ${summary.dtype} (${summary.embeddingSource}), ${summary.events} events in ${summary.sessions} sessions, ${skippedRows} rows skipped`,
    );
    io.out(`  session model: ${model.source}`);
    if (summary.vectors) io.out(`  vectors: ${vectorLine(summary.vectors)}`);
    for (const line of sizeLines(summary.sections, '  ')) io.out(line);
    io.out(`  ${'file'.padEnd(14)} ${String(summary.bytes).padStart(12)} bytes in ${summary.seconds} s`);
    if (head) {
      io.out(`  head part ${head.out}: ${head.products} products, ${head.bytes} bytes`);
      io.out(`  name it on the script tag: data-bundle-head="…/${basename(head.out)}" (npm: load(url, { head }))`);
    }
  }
  return 0;
}

/**
 * Writes the head part next to the bundle (`headName`), naming the bundle it was cut from; with
 * nothing to cut (0, or a catalog no larger than the head) removes a stale one, which would
 * otherwise be served with a bundle it does not belong to.
 */
function writeHead(
  out: string,
  input: BundleInput,
  full: { checksum: number; length: number },
  maxProducts: number,
): { out: string; products: number; bytes: number } | null {
  const file = headName(out);
  if (input.products.length <= maxProducts) {
    rmSync(file, { force: true });
    return null;
  }
  const contentHash = full.checksum.toString(16).padStart(8, '0');
  const head = headBundleInput(input, { contentHash, bytes: full.length }, maxProducts);
  const bytes = encodeBundle(head);
  writeFileAtomic(file, bytes);
  return { out: file, products: head.products.length, bytes: bytes.length };
}

function inStorageOrder({ input, skippedRows }: { input: BundleInput; skippedRows: number }): { input: BundleInput; skippedRows: number } {
  return { input: renumberProducts(input), skippedRows };
}

/** `--quantize`, checked (pqN must divide --dim when given). */
function vectorCodeOption(value: string | undefined, dim: number | undefined): VectorCodeOption {
  try {
    // int8 by default: at auto's 0.95 bar the demo's personalised search order moved visibly (a
    // bargain visitor's top result), and no re-rank from a finer copy ships to restore it.
    return parseVectorCode(value ?? 'int8', dim);
  } catch (error) {
    throw badOption('--quantize', (error as Error).message);
  }
}

function fraction(name: string, value: string): number {
  const x = Number(value);
  if (!(x >= 0 && x <= 1) || value.trim() === '') throw badOption(name, `must be a number from 0 to 1, got "${value}"`);
  return x;
}

/** The vector code in the build summary: chosen code, its recall, what was measured. */
function vectorSummary(choice: VectorChoice) {
  const round = (x: number) => Number(x.toFixed(4));
  return {
    code: choice.code,
    recall: choice.recall === null ? null : round(choice.recall),
    reason: choice.reason,
    measured: choice.measured.map((m) => ({ ...m, recall: round(m.recall) })),
  };
}

function vectorLine(v: ReturnType<typeof vectorSummary>): string {
  const chosen =
    v.recall === null ? `${v.code} (${v.reason})` : `${v.code}, recall@10 ${v.recall.toFixed(3)} against float32 (${v.reason})`;
  const tried = v.measured.map((m) => `${m.code} ${m.recall.toFixed(3)} / ${m.gzip} B gzip`).join(', ');
  return tried ? `${chosen}; measured ${tried}` : chosen;
}

function modelFromFile(file: string): Pick<BuildOptions, 'modelWeights' | 'sessionModel'> {
  const { weights, sessionModel } = readModelFile(file);
  return { modelWeights: weights, sessionModel };
}

interface ModelSummary {
  source: string;
  fitted: boolean;
  seconds: number;
}

/**
 * Fits the session model when asked (no --model, --fit auto, an events log), and says where the
 * shipped model came from. A fit that keeps the defaults still ships the sessionModel section, so
 * the bundle itself says why.
 */
async function sessionModelOf(
  read: ReadInputs,
  fit: boolean,
  file: string | undefined,
  io: BuildIo,
): Promise<{ summary: ModelSummary; fitted: Pick<BuildOptions, 'sessionModel' | 'modelWeights'> }> {
  const kept = (source: string) => ({ summary: { source, fitted: false, seconds: 0 }, fitted: {} });
  if (file === NO_MODEL) return kept('built-in defaults (--model none)');
  if (file !== undefined) return kept(`model file ${file}`);
  if (!fit) return kept('built-in defaults (--fit none)');
  if (!read.events) return kept('built-in defaults (no events log to fit on)');
  // The fitting runs the engine (wasm kernels): loaded only when a build fits.
  const { fitOnEventLog } = await import('../eval/fit.ts');
  const result = await fitOnEventLog(
    read.events,
    read.catalog.products.map((p) => p.id),
    { log: io.err },
  );
  const seconds = Number(result.seconds.toFixed(2));
  return {
    summary: { source: `${result.note} (fitting took ${seconds} s)`, fitted: result.fitted, seconds },
    fitted: { sessionModel: result.sessionModel, ...(result.weights ? { modelWeights: result.weights } : {}) },
  };
}

function parse(argv: string[]) {
  return parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
}

/** `--built-at`, else SOURCE_DATE_EPOCH (reproducible-builds.org), else now. */
function builtAt(option: string | undefined): string {
  if (option !== undefined) {
    const t = Date.parse(option);
    if (!Number.isFinite(t)) throw badOption('--built-at', `is not an ISO 8601 time: "${option}"`);
    return new Date(t).toISOString();
  }
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString();
}

export const bundleBuild: Command = {
  path: ['bundle', 'build'],
  summary: 'Build a binary product bundle from a catalog (+ events, + vectors)',
  help,
  run: (argv) => {
    // Only in the CLI's own process: tests call runBuild inside theirs.
    collectGarbageEarly();
    return runBuild(argv);
  },
};
