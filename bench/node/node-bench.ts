/** `vitrine bench`: runs the cases, prints rows as they finish, then the targets of issue #2. */
import type { EmbeddingMatrix } from '../../shared/bundle/types.ts';
import type { KernelImpl } from '../../shared/kernels/types.ts';
import { loadNodeKernels } from '../kernels-node.ts';
import { compileCBaseline, type CBaseline } from './c-baseline.ts';
import { randomMatrix } from './data.ts';
import { quantizeInt8 } from '../../shared/bundle/quantize.ts';
import { catalogEmbeddings, int8Recall, type RecallResult } from './recall.ts';
import { jsonRow, tableHeader, tableRow } from './report.ts';
import { benchQuery, type BenchRow } from './scan-bench.ts';
import { targetLines } from './targets.ts';
import { distSizes, sizeLines } from './sizes.ts';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url));

/** The download sizes of the built dist/, or a note that there is none to measure. */
export function printSizes(out: Printer): void {
  if (!existsSync(`${DIST}vitrine.js`)) return out.note('note: download sizes skipped: no dist/ (run `npm run build`)', { note: 'sizes skipped' });
  const sizes = distSizes(DIST);
  out.note(sizeLines(sizes).join('\n'), sizes);
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
  budgetMs: number;
}

/** Output sink: JSON lines or a table with notes, on stdout. */
export interface Printer {
  row(row: BenchRow): void;
  note(text: string, data?: object): void;
}

export function printer(json: boolean): Printer {
  let headed = false;
  return {
    row(row) {
      if (json) return console.log(jsonRow(row));
      if (!headed) console.log(tableHeader());
      headed = true;
      console.log(tableRow(row));
    },
    note(text, data) {
      // In JSON mode only lines that carry data are printed; headings are for the table.
      if (!json) console.log(text);
      else if (data) console.log(JSON.stringify(data));
    },
  };
}

export async function runBench(options: BenchOptions): Promise<number> {
  if (options.browser) {
    const { runBrowserBench } = await import('./browser.ts');
    return runBrowserBench(options);
  }
  const out = printer(options.json);
  const rows: BenchRow[] = [];
  const emit = (row: BenchRow) => {
    rows.push(row);
    out.row(row);
  };

  let c: CBaseline | undefined;
  if (options.c) {
    const compiled = compileCBaseline();
    if (typeof compiled === 'string') out.note(`note: C baseline skipped: ${compiled}`, { note: 'c-avx2 skipped', reason: compiled });
    else c = compiled;
  }
  try {
    for (const d of options.ds) {
      for (const n of options.ns) {
        const f32 = randomMatrix(n, d, 42);
        for (const dtype of options.dtypes) {
          const matrix: EmbeddingMatrix = dtype === 'f32' ? f32 : quantizeInt8(f32);
          for (const impl of options.impls) {
            const kernels = await loadNodeKernels(impl, 'release');
            emit(benchQuery(kernels, matrix, options.budgetMs));
          }
          if (c) emit(c.run(n, d, dtype));
        }
      }
    }
  } finally {
    c?.dispose();
  }

  let recall: RecallResult | undefined;
  if (options.recall) {
    const loaded = catalogEmbeddings(options.bundle, 64);
    if (typeof loaded === 'string') {
      out.note(`note: int8 recall skipped: ${loaded}`, { note: 'int8 recall skipped', reason: loaded });
    } else {
      recall = int8Recall(await loadNodeKernels('auto', 'release'), loaded.matrix, loaded.source);
      out.note(
        `\nint8 recall@10 vs exact f32 on ${recall.source}, ${recall.n} x ${recall.d}, each product as query: ` +
          `${recall.recall.toFixed(4)}; int8 top-${recall.rescore_candidates} + exact f32 re-score: ${recall.rescored_recall.toFixed(4)}`,
        recall,
      );
    }
  }
  for (const line of targetLines(rows, recall)) out.note(line.text, line.data);
  printSizes(out);
  return 0;
}
