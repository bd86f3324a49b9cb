/** Option parsing shared by the commands: typed INPUT_BAD_OPTION errors for bad arguments. */
import { VitrineError } from '../shared/errors.ts';
import { parseDelimiter } from './bundle-builder/csv.ts';

export function badOption(option: string, message: string): VitrineError {
  return new VitrineError('INPUT_BAD_OPTION', `${option} ${message}`, { field: option });
}

/** Runs a `parseArgs` call; its failure (unknown option, missing value) becomes INPUT_BAD_OPTION. */
export function parsingOptions<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    throw badOption('arguments', error instanceof Error ? error.message : String(error));
  }
}

/** A whole number from `min` to `max` given as `option`'s text. */
export function integer(option: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw badOption(option, `must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

/** `--delimiter C` (eval, split, bundle build): one ASCII character, `\t` or `tab` for a tab; undefined = sniff it. */
export function delimiterOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const delimiter = parseDelimiter(text);
  if (delimiter === undefined)
    throw badOption('--delimiter', `must be one ASCII character other than a quote or line break, got "${text}"`);
  return delimiter;
}
