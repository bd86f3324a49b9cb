/** `vitrine bandit simulate`: the bandit policies against baselines in a world of known click rates. */
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { badOption, integer, parsingOptions } from '../options.ts';
import { SEGMENTS, SIM_POLICIES, simulate, type SimulationReport } from '../bandit/simulation.ts';

const help = `Usage: vitrine bandit simulate --arms N --horizon T [options]

Simulates visitors in a world of known click rates and runs, on the same traffic (same visitors,
same click draws), Thompson sampling (ts: the worker's Beta-Bernoulli policy, with forgetting),
linear Thompson sampling (lin-ts, with the visitor's segment as context), UCB1, ε-greedy and a
fixed uniform A/B split. The world: arm 0 has 20%, arm 1 19% (close), arm a ≥ 2 has 12% · 0.85^(a−2);
at half the horizon the middle arm jumps to 26% and becomes the best.
With --context, visitors come in four segments (${SEGMENTS.map((s) => `${s.name} ${s.share * 100}%`).join(', ')}),
each with its own winner (the profile rotated by a quarter of the arms); the change is in the first
segment only. lin-ts sees an intercept + one-hot of the segment; the others see no context.

Reports per policy, averaged over --runs runs:
  regret               expected clicks lost against always showing the current best arm (per segment)
  best_arm_share       share of the last tenth of the traffic on the current best arm
                       (best_arm_share_by_tenth: every tenth)
  trials_to_identify   impressions after which the policy names the best arm (every segment's)
                       in ≥ 95% of runs, at every later checkpoint (every 1/50 of the first half)
                       until the change; null: not within the first half. What a policy names:
                       ts the highest posterior mean, lin-ts the highest mean score per segment,
                       the others (the uniform split included) the highest observed click rate.
                       Context-free policies name one arm for all segments.
  trials_to_reidentify the same after the change, counted from the change

Options:
  --arms N          arms (2 to 1000, required)
  --horizon T       impressions per run (100 to 10,000,000, required)
  --context         visitors in segments with different winners
  --runs R          independent runs (default 20)
  --seed N          seed of the traffic and the policies' draws (default 1)
  --half-life H     Thompson sampling forgets: the evidence halves every H impressions
                    (default 10000; 0: never forgets)
  --epsilon E       ε of ε-greedy (default 0.1)
  --json            print the report as JSON
  -h, --help        this text

Example:
  npx vitrine bandit simulate --arms 10 --horizon 20000 --context`;

const OPTIONS = {
  arms: { type: 'string' },
  horizon: { type: 'string' },
  context: { type: 'boolean' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  'half-life': { type: 'string' },
  epsilon: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface SimulateIo {
  out: (line: string) => void;
}

const defaultIo: SimulateIo = { out: (line) => console.log(line) };

/** The report as a text table. */
export function simulationTable(report: SimulationReport): string[] {
  const lines = [
    `${report.arms} arms, ${report.horizon} impressions, ${report.context ? 'four segments with different winners' : 'no context'}, ${report.runs} runs (seed ${report.seed}); ` +
      `best arm ${report.best_arm_before.join('/')} until impression ${report.change_at}, then ${report.best_arm_after.join('/')}`,
    `${'policy'.padEnd(16)}${'regret'.padStart(9)}${'best share'.padStart(12)}${'identify'.padStart(10)}${'re-identify'.padStart(13)}  best arm share by tenth`,
  ];
  const trials = (n: number | null) => (n === null ? '—' : String(n));
  for (const p of report.policies)
    lines.push(
      `${p.policy.padEnd(16)}${p.regret.toFixed(1).padStart(9)}${p.best_arm_share.toFixed(2).padStart(12)}${trials(p.trials_to_identify).padStart(10)}` +
        `${trials(p.trials_to_reidentify).padStart(13)}  ${p.best_arm_share_by_tenth.map((x) => x.toFixed(2)).join(' ')}`,
    );
  return lines;
}

export async function runBanditSimulate(argv: string[], io: SimulateIo = defaultIo): Promise<number> {
  const { values } = parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  if (values.arms === undefined) throw badOption('--arms', 'is required');
  if (values.horizon === undefined) throw badOption('--horizon', 'is required');
  const epsilon = Number(values.epsilon ?? '0.1');
  if (!(epsilon >= 0 && epsilon <= 1)) throw badOption('--epsilon', `must be a number from 0 to 1, got "${values.epsilon}"`);
  const halfLife = integer('--half-life', values['half-life'] ?? '10000', 0, 1_000_000_000);
  const report = simulate(integer('--arms', values.arms, 2, 1000), integer('--horizon', values.horizon, 100, 10_000_000), {
    context: values.context ?? false,
    runs: integer('--runs', values.runs ?? '20', 1, 10_000),
    seed: integer('--seed', values.seed ?? '1', 0, 100_000_000),
    halfLife: halfLife === 0 ? Infinity : halfLife,
    epsilon,
  });
  if (values.json) io.out(JSON.stringify(report));
  else for (const line of simulationTable(report)) io.out(line);
  return 0;
}

export const banditSimulate: Command = {
  path: ['bandit', 'simulate'],
  summary: `Regret, traffic share and trials to identify the best arm: ${SIM_POLICIES.join(', ')}`,
  help,
  run: (argv) => runBanditSimulate(argv),
};
