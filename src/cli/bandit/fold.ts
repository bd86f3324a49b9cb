/**
 * `vitrine bandit fold`: the next priors file from the previous one and the received arm counts,
 * with forgetting. Each arm's evidence is what its Beta prior holds beyond the flat Beta(1, 1)
 * (alpha - 1 successes, beta - 1 failures); evidence of age Δt counts 0.5^(Δt / half-life):
 *
 * - the previous priors' evidence decays from their `updatedAt` to `now`;
 * - each count line adds its successes (debiased when it carries epsilon) and failures, weighted by
 *   its own age from `receivedAt` to `now`;
 * - only lines received after the previous `updatedAt` (and not after `now`) are added, so folding
 *   the same growing file again never counts a line twice. The output's `updatedAt` is `now`.
 *
 * A variant that stops working so loses its old successes over a few half-lives and its traffic
 * with them, while one that keeps working keeps its evidence fed by new counts.
 */
import { readFileSync } from 'node:fs';
import { debiasSuccesses, type ArmPrior, type PriorsFile, type ReceivedCount } from '../../shared/bandit/counts.ts';
import { PRIORS_LIMITS, validatePriorsFile } from '../../shared/bandit/priors-file.ts';
import { VitrineError } from '../../shared/errors.ts';
import { checkCount, checkEpsilon, plainMessage } from './receiver.ts';

const DAY_MS = 86_400_000;

export interface FoldOptions {
  /** Days after which evidence counts half; `Infinity`: no forgetting. */
  halfLifeDays: number;
  /** The fold's time (ms since epoch). */
  now: number;
}

export interface FoldSummary {
  /** Count lines added, and those skipped as already folded (received before the previous fold) or from the future. */
  added: number;
  alreadyFolded: number;
  future: number;
}

/** One line of a counts file, checked: a count, `receivedAt` (ISO 8601) and optional `epsilon`. */
export function parseReceivedLine(text: string, file: string, line: number): ReceivedCount {
  const where = (error: unknown) =>
    new VitrineError('COUNTS_INVALID', `${file}:${line}: ${plainMessage(error)}`, {
      file,
      line,
      field: (error as VitrineError).details?.field,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw where(error);
  }
  try {
    const record = parsed as Record<string, unknown>;
    const randomised = typeof record === 'object' && record !== null && record.epsilon !== undefined;
    const count = checkCount(parsed, 'line', randomised, ['receivedAt', 'epsilon']);
    if (typeof record.receivedAt !== 'string' || Number.isNaN(Date.parse(record.receivedAt)))
      throw new VitrineError('COUNTS_INVALID', 'line.receivedAt: must be an ISO 8601 time', { field: 'line.receivedAt' });
    const received: ReceivedCount = { ...count, receivedAt: record.receivedAt };
    if (randomised) received.epsilon = checkEpsilon(record.epsilon, 'line.epsilon');
    return received;
  } catch (error) {
    throw where(error);
  }
}

/** Every line of the counts files (blank lines skipped); the first bad line stops the fold, named by file and line. */
export function readCounts(files: readonly string[]): ReceivedCount[] {
  const counts: ReceivedCount[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new VitrineError('INPUT_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { file });
    }
    text.split('\n').forEach((line, i) => {
      if (line.trim()) counts.push(parseReceivedLine(line, file, i + 1));
    });
  }
  return counts;
}

const weight = (ageMs: number, halfLifeDays: number) =>
  Number.isFinite(halfLifeDays) ? 0.5 ** (Math.max(0, ageMs) / (halfLifeDays * DAY_MS)) : 1;

/** The next priors from `previous` (null: flat priors, nothing folded yet) and `counts`. */
export function foldCounts(
  previous: PriorsFile | null,
  counts: readonly ReceivedCount[],
  { halfLifeDays, now }: FoldOptions,
): { priors: PriorsFile; summary: FoldSummary } {
  const since = previous ? Date.parse(previous.updatedAt) : -Infinity;
  const keep = previous ? weight(now - since, halfLifeDays) : 1;
  const experiments: PriorsFile['experiments'] = {};
  const arm = (experiment: string, segment: string, name: string): ArmPrior => {
    const segments = (experiments[experiment] ??= {});
    const arms = (segments[segment] ??= {});
    return (arms[name] ??= { alpha: 1, beta: 1 });
  };
  for (const [experiment, segments] of Object.entries(previous?.experiments ?? {}))
    for (const [segment, arms] of Object.entries(segments))
      for (const [name, prior] of Object.entries(arms)) {
        const next = arm(experiment, segment, name);
        next.alpha = 1 + keep * (prior.alpha - 1);
        next.beta = 1 + keep * (prior.beta - 1);
      }
  const summary: FoldSummary = { added: 0, alreadyFolded: 0, future: 0 };
  for (const count of counts) {
    const at = Date.parse(count.receivedAt);
    if (at <= since) {
      summary.alreadyFolded += 1;
      continue;
    }
    if (at > now) {
      summary.future += 1;
      continue;
    }
    const successes = count.epsilon === undefined ? count.successes : debiasSuccesses(count.successes, count.trials, count.epsilon);
    const w = weight(now - at, halfLifeDays);
    const next = arm(count.experiment, count.segment, count.arm);
    next.alpha += w * successes;
    next.beta += w * (count.trials - successes);
    summary.added += 1;
  }
  const priors: PriorsFile = { version: 1, updatedAt: new Date(now).toISOString(), experiments };
  // The worker reads what the fold writes: hold it to the same checks and caps.
  try {
    validatePriorsFile(priors);
  } catch (error) {
    throw new VitrineError('COUNTS_INVALID', `the folded priors break a limit (${JSON.stringify(PRIORS_LIMITS)}): ${plainMessage(error)}`, {
      field: (error as VitrineError).details.field,
    });
  }
  return { priors, summary };
}
