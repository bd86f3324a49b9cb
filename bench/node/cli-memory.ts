/**
 * The memory `vitrine bundle build` needs at shop scale (issue 14: a 200,000-product catalog in
 * under 400 MB): generates the synthetic catalog of test/node/cli-synthetic-catalog.ts (and its
 * events log, 3 events per product) and builds it in a child process under `/usr/bin/time`, whose
 * maximum resident set size is the number reported: the catalog alone, or with the events (which
 * add the session graphs, the blend, the session index and the session model's fitting).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Products in the measured catalog, and the bound the build must stay under. */
export const CLI_MEMORY_PRODUCTS = 200_000;
export const CLI_MEMORY_BUDGET_MB = 400;

const TIME = '/usr/bin/time';

export interface CliMemory {
  products: number;
  /** Events in the log given to the build (0: catalog only). */
  events: number;
  maxRssMb: number;
  budgetMb: number;
  seconds: number;
}

/** The build's peak memory, or why it could not be measured. */
export function measureCliMemory(products = CLI_MEMORY_PRODUCTS, withEvents = false): CliMemory | string {
  if (!existsSync(TIME)) return `${TIME} not found (apt-get install time)`;
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-cli-memory-'));
  try {
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'test/node/cli-synthetic-catalog.ts', String(products), dir], {
      encoding: 'utf8',
    });
    if (made.status !== 0) return `catalog generation failed: ${made.stderr.trim()}`;
    const started = performance.now();
    const run = spawnSync(
      TIME,
      [
        '-f',
        'maxrss_kb=%M',
        process.execPath,
        '--import',
        'tsx',
        'src/cli/main.ts',
        'bundle',
        'build',
        '--catalog',
        join(dir, 'catalog.csv'),
        '--out',
        join(dir, 'shop.vtb'),
        ...(withEvents ? ['--events', join(dir, 'events.csv')] : []),
      ],
      { encoding: 'utf8' },
    );
    const seconds = (performance.now() - started) / 1000;
    const rss = /maxrss_kb=(\d+)/.exec(run.stderr);
    if (run.status !== 0 || !rss) return `build failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`;
    return {
      products,
      events: withEvents ? products * 3 : 0,
      maxRssMb: Math.round(Number(rss[1]) / 1024),
      budgetMb: CLI_MEMORY_BUDGET_MB,
      seconds: Number(seconds.toFixed(1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
