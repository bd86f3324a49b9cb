/** `vitrine bandit ope`: off-policy estimates of a bandit policy's click rate from a logged file. */
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { badOption, integer, parsingOptions } from '../options.ts';
import { REWARD_MODEL_PRIOR_IMPRESSIONS } from '../bandit/estimators.ts';
import { readObdLog } from '../bandit/obd-log.ts';
import { readCampaignPriors } from '../bandit/obd-priors.ts';
import { isLearning, offPolicyEvaluation, OPE_POLICIES, type OpePolicy, type OpeReport } from '../bandit/ope.ts';

const help = `Usage: vitrine bandit ope --log FILE --policy POLICY [options]

Estimates the click rate a bandit policy would get, from a log of what another (logging) policy
showed, with four estimators, each with a percentile bootstrap 95% interval:
  replay  Li et al. 2011: rows where the policy would show the logged item at the logged position
          count; their mean click. Needs a uniformly random logging policy.
  ips     inverse propensity scoring: mean of click · π(item | position) / logged propensity.
  snips   self-normalised IPS: Σ w·click / Σ w (less variance, a little bias).
  dr      doubly robust: a reward model (click rate per item and position, shrunk to the position's
          mean by ${REWARD_MODEL_PRIOR_IMPRESSIONS} pseudo-impressions, refitted in every resample) plus the IPS of its residuals.
ts and lin-ts learn while they are replayed, so they have no fixed π: only replay applies to them
(ips, snips and dr are reported with ctr null and "not_applicable").

Policies:
  uniform   every item equally likely at every position
  bts       Bernoulli Thompson sampling with the fixed Beta priors of --priors/--campaign; its
            π(item | position) by simulating --rankings rankings (the top --slots draws)
  ts        Beta-Bernoulli Thompson sampling (the worker's thompsonSlate) learning from the replay,
            from the campaign's priors when given, else Beta(1, 1)
  lin-ts    linear Thompson sampling learning from the replay, with the user features as context
            (an intercept + one-hot of each user_feature_* column, its 7 most frequent values
            and one slot for the rest)

Options:
  --log FILE           the logged file (required)
  --format F           obd: Open Bandit Dataset csv (item_id, position, click, propensity_score,
                       user_feature_*) (default obd, the only format)
  --policy P           ${OPE_POLICIES.join(' | ')} (required)
  --priors FILE        priors: OBD prior_bts.json or a Vitrine priors file (required for bts)
  --campaign NAME      the campaign (experiment) in --priors (required with --priors)
  --slots K            positions per ranking (default 3)
  --on-policy FILE     a log of the evaluated policy itself (same format): its click rate is
                       reported as the truth, with each estimate's relative error
  --bootstrap N        bootstrap resamples (default 1000; 50 for ts and lin-ts, which re-learn
                       on every resample)
  --rankings N         simulated rankings for bts (default 100000)
  --replay-passes N    replay passes pooled for the point estimate (default 100; 5 for ts, lin-ts)
  --seed N             seed of every random draw (default 1)
  --json               print the report as JSON
  -h, --help           this text

Example (the Open Bandit Dataset's protocol: estimate the shop's BTS from the random log):
  npx vitrine bandit ope --log ../shared/data/open-bandit-dataset/random/men/men.csv --policy bts \\
    --priors ../shared/data/open-bandit-dataset/prior_bts.json --campaign men \\
    --on-policy ../shared/data/open-bandit-dataset/bts/men/men.csv`;

const OPTIONS = {
  log: { type: 'string' },
  format: { type: 'string' },
  policy: { type: 'string' },
  priors: { type: 'string' },
  campaign: { type: 'string' },
  slots: { type: 'string' },
  'on-policy': { type: 'string' },
  bootstrap: { type: 'string' },
  rankings: { type: 'string' },
  'replay-passes': { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface OpeIo {
  out: (line: string) => void;
}

const defaultIo: OpeIo = { out: (line) => console.log(line) };

const percent = (x: number | null | undefined, digits = 5) =>
  x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits);

/** The report as a small text table. */
export function opeTable(report: OpeReport): string[] {
  const lines = [
    `policy ${report.policy} on ${report.n} logged rows (${report.items} items, ${report.slots} positions); logged click rate ${percent(report.logged_ctr)}`,
  ];
  if (report.on_policy_ctr !== undefined) lines.push(`on-policy click rate ${percent(report.on_policy_ctr)} (${report.on_policy_n} rows)`);
  lines.push(
    `${'estimator'.padEnd(10)}${'ctr'.padStart(9)}  ${'95% interval'.padEnd(19)}${report.on_policy_ctr !== undefined ? 'relative error' : ''}`,
  );
  for (const [name, e] of Object.entries(report.estimators)) {
    if (e.ctr === null) {
      lines.push(`${name.padEnd(10)}${'n/a'.padStart(9)}  (not applicable to a learning policy)`);
      continue;
    }
    const interval = e.ci95 ? `${percent(e.ci95[0])}–${percent(e.ci95[1])}` : '';
    const error = e.relative_error === undefined || e.relative_error === null ? '' : `${(e.relative_error * 100).toFixed(1)}%`;
    lines.push(`${name.padEnd(10)}${percent(e.ctr).padStart(9)}  ${interval.padEnd(19)}${error}`);
  }
  const extra = [
    `replay counted ${report.replay_matched.toFixed(1)} rows per pass (${report.replay_passes} passes)`,
    `${report.bootstrap} bootstrap resamples`,
  ];
  if (report.rankings) extra.push(`${report.rankings} simulated rankings`);
  if (report.max_weight !== undefined) extra.push(`largest weight ${report.max_weight.toFixed(2)}`);
  lines.push(`${extra.join('; ')}; seed ${report.seed}`);
  return lines;
}

export async function runBanditOpe(argv: string[], io: OpeIo = defaultIo): Promise<number> {
  const { values } = parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  if (!values.log) throw badOption('--log', 'is required');
  if ((values.format ?? 'obd') !== 'obd') throw badOption('--format', `must be obd (Open Bandit Dataset csv), got "${values.format}"`);
  if (!values.policy) throw badOption('--policy', `is required (${OPE_POLICIES.join(', ')})`);
  if (!(OPE_POLICIES as readonly string[]).includes(values.policy))
    throw badOption('--policy', `must be one of ${OPE_POLICIES.join(', ')}, got "${values.policy}"`);
  const policy = values.policy as OpePolicy;
  if (values.priors !== undefined && values.campaign === undefined)
    throw badOption('--campaign', 'is required with --priors (which campaign of the file)');
  if (values.campaign !== undefined && values.priors === undefined) throw badOption('--priors', 'is required with --campaign');
  if (policy === 'bts' && values.priors === undefined) throw badOption('--priors', 'is required for --policy bts (with --campaign)');
  const learning = isLearning(policy);
  const priors = values.priors !== undefined ? readCampaignPriors(values.priors, values.campaign!) : undefined;
  const report = offPolicyEvaluation(readObdLog(values.log), {
    policy,
    priors,
    slots: integer('--slots', values.slots ?? '3', 1, 100),
    seed: integer('--seed', values.seed ?? '1', 0, 2 ** 32 - 1),
    bootstrap: integer('--bootstrap', values.bootstrap ?? (learning ? '50' : '1000'), 1, 100_000),
    rankings: integer('--rankings', values.rankings ?? '100000', 1, 100_000_000),
    passes: integer('--replay-passes', values['replay-passes'] ?? (learning ? '5' : '100'), 1, 10_000),
    onPolicy: values['on-policy'] !== undefined ? readObdLog(values['on-policy']) : undefined,
  });
  if (values.json) io.out(JSON.stringify(report));
  else for (const line of opeTable(report)) io.out(line);
  return 0;
}

export const banditOpe: Command = {
  path: ['bandit', 'ope'],
  summary: 'Off-policy estimates (replay, IPS, SNIPS, DR) of a bandit policy from a logged file',
  help,
  run: (argv) => runBanditOpe(argv),
};
