/** `npm run bench`: the kernel scans in Node next to the C yardstick, int8 recall, the targets of issue #2, then the bandit kernels. */
import type { EmbeddingMatrix } from '../../src/shared/bundle/types.ts';
import { quantizeInt8 } from '../../src/shared/bundle/quantize.ts';
import { loadNodeKernels } from '../../src/cli/kernels-node.ts';
import { loadNodeBanditKernels } from '../../src/cli/bandit-kernels-node.ts';
import { banditTableLines, benchBandit, type BanditBenchRow } from '../cases/bandit-kernels.ts';
import { int8Recall, type RecallResult } from '../cases/int8-recall.ts';
import { benchQuery, type BenchRow } from '../cases/kernel-scan.ts';
import { randomMatrix } from '../cases/matrices.ts';
import { targetLines } from '../cases/targets.ts';
import { compileCBaseline, type CBaseline } from './c-baseline.ts';
import { catalogEmbeddings } from './catalog-embeddings.ts';
import { measureCliMemory } from './cli-memory.ts';
import { printSizes } from './download-sizes.ts';
import type { BenchOptions } from './options.ts';
import { printer } from './printer.ts';

export async function runNodeBench(options: BenchOptions): Promise<number> {
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
  if (options.bandit) {
    const banditRows: BanditBenchRow[] = [];
    for (const impl of options.impls) banditRows.push(...benchBandit(await loadNodeBanditKernels(impl), options.budgetMs));
    if (options.json)
      for (const row of banditRows)
        out.note('', { bandit: row.case, ...row, per_ms: +row.per_ms.toFixed(1), call_us: +row.call_us.toFixed(3) });
    else out.note(banditTableLines(banditRows).join('\n'));
  }
  if (options.cliMemory) {
    for (const withEvents of [false, true]) {
      const memory = measureCliMemory(undefined, withEvents);
      if (typeof memory === 'string') out.note(`note: CLI memory skipped: ${memory}`, { note: 'cli memory skipped', reason: memory });
      else {
        const events = memory.events ? ` + ${memory.events.toLocaleString('en-US')} events` : '';
        out.note(
          `\nvitrine bundle build, ${memory.products.toLocaleString('en-US')}-product synthetic catalog${events}: max RSS ${memory.maxRssMb} MB ` +
            `(${memory.maxRssMb < memory.budgetMb ? 'within' : 'OVER'} the ${memory.budgetMb} MB budget), ${memory.seconds} s`,
          { cliMemory: memory },
        );
      }
    }
  }
  printSizes(out);
  return 0;
}
