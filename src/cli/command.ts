import type { VitrineError } from '../shared/errors.ts';

/** How a command line prints a VitrineError: `error <code>: <message> (key=value …)`, never a stack trace. */
export function errorLine(error: VitrineError): string {
  const where = Object.entries(error.details)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `error ${error.message}${where ? ` (${where})` : ''}`;
}

/** Runs a command line's `main` on this process's arguments and sets the exit code (70: a bug, with its stack). */
export function runMain(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 70;
    },
  );
}

/** One `vitrine` sub-command. Each lives in `src/cli/commands/<name>.ts`. */
export interface Command {
  /** Words after `vitrine`, e.g. `['bundle', 'build']`. */
  path: string[];
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text: usage, every option with its default, an example. */
  help: string;
  /** Runs with the arguments after the command words; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
