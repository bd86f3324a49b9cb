/** `vitrine bandit fold`: received arm counts + the previous priors file → the next priors file, with forgetting. */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parsePriorsFile } from '../../shared/bandit/priors-file.ts';
import { VitrineError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import type { Command } from '../command.ts';
import { badOption, parsingOptions } from '../options.ts';
import { foldCounts, readCounts } from '../bandit/fold.ts';
import { plainMessage } from '../bandit/receiver.ts';

const help = `Usage: vitrine bandit fold --counts FILE... --priors PRIORS --out PRIORS [options]

Merges arm counts (the JSONL lines \`vitrine bandit receive\` appends) into the next priors file
(\`data-bandit-priors\`). Each arm's evidence above the flat Beta(1, 1) prior decays by
0.5^(age / half-life): the previous priors' from their updatedAt, each count line's from its
receivedAt. Only lines received after the previous priors' updatedAt are added, so running the
fold again on the same growing file never counts a line twice. Lines with epsilon (randomised
response) are debiased. The new file's updatedAt is --now.

Options:
  --counts FILE       a counts JSONL file (required; repeat for several)
  --priors PRIORS     the previous priors file (required; a missing file starts from flat priors)
  --out PRIORS        where the next priors file goes (may be the same as --priors)
  --half-life DAYS    days after which old evidence counts half (default: no forgetting)
  --now ISO           the fold's time (default: now)
  --json              print the summary as JSON
  -h, --help          this text

Example (nightly, from cron):
  npx vitrine bandit fold --counts /var/lib/vitrine/counts.jsonl --priors public/priors.json --out public/priors.json --half-life 14`;

const OPTIONS = {
  counts: { type: 'string', multiple: true },
  priors: { type: 'string' },
  out: { type: 'string' },
  'half-life': { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function runBanditFold(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  if (!values.counts?.length) throw badOption('--counts', 'is required');
  if (!values.priors) throw badOption('--priors', 'is required');
  if (!values.out) throw badOption('--out', 'is required');
  const halfLife = values['half-life'] === undefined ? Infinity : Number(values['half-life']);
  if (!(halfLife > 0)) throw badOption('--half-life', `must be a number of days > 0, got "${values['half-life']}"`);
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (Number.isNaN(now)) throw badOption('--now', `must be an ISO 8601 time, got "${values.now}"`);

  let previous = null;
  if (existsSync(values.priors)) {
    try {
      previous = parsePriorsFile(readFileSync(values.priors, 'utf8'));
    } catch (error) {
      const cause = error as VitrineError;
      throw new VitrineError(cause.code ?? 'PRIORS_INVALID', `${values.priors}: ${plainMessage(cause)}`, {
        ...cause.details,
        file: values.priors,
      });
    }
    if (Date.parse(previous.updatedAt) > now) throw badOption('--now', `is before the previous fold (${previous.updatedAt})`);
  }
  const { priors, summary } = foldCounts(previous, readCounts(values.counts), { halfLifeDays: halfLife, now });
  // Written whole then renamed: a server reading the priors file never sees half of it.
  writeFileAtomic(values.out, `${JSON.stringify(priors, null, 2)}\n`);
  const experiments = Object.keys(priors.experiments).length;
  if (values.json) out(JSON.stringify({ out: values.out, updatedAt: priors.updatedAt, experiments, ...summary }));
  else
    out(
      `folded ${summary.added} count lines (${summary.alreadyFolded} already folded, ${summary.future} from after --now) into ${experiments} experiments; wrote ${values.out} (updatedAt ${priors.updatedAt})`,
    );
  return 0;
}

export const banditFold: Command = {
  path: ['bandit', 'fold'],
  summary: 'Fold received arm counts into the next bandit priors file, with forgetting',
  help,
  run: (argv) => runBanditFold(argv),
};
