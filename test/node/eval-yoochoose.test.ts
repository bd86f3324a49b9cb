/**
 * The README's evaluation table, reproduced end to end with the CLI a reader runs: the command's
 * default (the session model fitted on train_full alone, next to the published defaults), and the
 * committed model file the README's table row comes from.
 */
import { describe, expect, it } from 'vitest';
import { DATA, evalCli } from './cli-helpers.ts';

const YOOCHOOSE = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_`;
const COMMITTED = new URL('../../docs/eval/yoochoose-model.json', import.meta.url).pathname;

type Row = Record<string, number | string>;

async function evaluate(extra: string[]): Promise<{ results: Row[]; vitrineModels?: Array<{ row: string; source: string }> }> {
  const run = await evalCli([
    '--train',
    `${YOOCHOOSE}train_full.txt`,
    '--test',
    `${YOOCHOOSE}test.txt`,
    '--models',
    'vitrine',
    '--json',
    ...extra,
  ]);
  expect(run.code).toBe(0);
  return JSON.parse(run.out[0]!);
}

describe('vitrine eval on yoochoose-rsc15-100k', () => {
  it('should fit on the training file alone and not fall below the published defaults', { timeout: 900_000 }, async () => {
    const report = await evaluate([]);
    const [defaults, fitted] = report.results;
    expect(defaults!.model).toBe('vitrine (defaults)');
    expect(fitted!.model).toBe('vitrine (fitted)');
    expect(report.vitrineModels![1]!.source).toMatch(
      /^fitted on the last sessions of .*train_full\.txt: fitted on \d+ and \d+ sessions, validated on the next \d+ and \d+/,
    );
    // The published defaults: V-STAN's constants and the built-in weights.
    expect(defaults!['HR@20']).toBeGreaterThanOrEqual(0.685);
    expect(defaults!['MRR@20']).toBeGreaterThanOrEqual(0.374);
    // The fit only keeps changes beyond noise on its validation part, so it does not lose on test.
    expect(fitted!['HR@20']).toBeGreaterThanOrEqual(defaults!['HR@20'] as number);
    expect(fitted!['MRR@20']).toBeGreaterThanOrEqual((defaults!['MRR@20'] as number) - 0.001);
    expect(fitted!.ms_per_prediction).toBeLessThan(1);
  });

  it('should reach HR@20 >= 0.69 and MRR@20 >= 0.376 with the committed model file', { timeout: 900_000 }, async () => {
    const report = await evaluate(['--model', COMMITTED]);
    const vitrine = report.results.find((row) => row.model === 'vitrine')!;
    expect(vitrine['HR@20']).toBeGreaterThanOrEqual(0.69);
    expect(vitrine['MRR@20']).toBeGreaterThanOrEqual(0.376);
  });
});
