/**
 * The README's evaluation table, reproduced end to end: fit the session model's weights on the
 * train_tr → train_valid split only, then evaluate on train_full → test with the same CLI a reader
 * runs. The targets are the (at least the best published peer, VSTAN, on both metrics).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, evalCli, tempDir } from './cli-helpers.ts';

const YOOCHOOSE = `${DATA}/yoochoose-rsc15-100k/yoochoose-clicks-100k_`;

describe('vitrine eval on yoochoose-rsc15-100k', () => {
  it(
    'should reach HR@20 >= 0.69 and MRR@20 >= 0.376 with weights tuned on train_tr -> train_valid only',
    { timeout: 900_000 },
    async () => {
      const model = join(tempDir(), 'vitrine-model.json');
      const tuned = await evalCli([
        '--tune',
        '--train',
        `${YOOCHOOSE}train_tr.txt`,
        '--test',
        `${YOOCHOOSE}train_valid.txt`,
        '--model-out',
        model,
      ]);
      expect(tuned.code).toBe(0);
      const weights = JSON.parse(readFileSync(model, 'utf8')).weights as Record<string, number>;
      expect(weights.sessionKnn).toBe(1);

      const run = await evalCli([
        '--train',
        `${YOOCHOOSE}train_full.txt`,
        '--test',
        `${YOOCHOOSE}test.txt`,
        '--model',
        model,
        '--models',
        'vitrine,pop',
        '--json',
      ]);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.out[0]!) as { results: Array<Record<string, number | string>> };
      const vitrine = report.results.find((row) => row.model === 'vitrine')!;
      expect(vitrine['HR@20']).toBeGreaterThanOrEqual(0.69);
      expect(vitrine['MRR@20']).toBeGreaterThanOrEqual(0.376);
      expect(vitrine.ms_per_prediction).toBeLessThan(1);
      // The committed weights (docs/eval/) are what this run fits: the README's table comes from them.
      const committed = JSON.parse(readFileSync(new URL('../../docs/eval/yoochoose-model.json', import.meta.url), 'utf8')).weights;
      expect(weights).toEqual(committed);
    },
  );
});
