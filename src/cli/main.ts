/**
 * The `vitrine` command line. Every sub-command answers `--help`; errors are VitrineErrors
 * printed as `code: message (where)` with exit code 1, never a stack trace for bad input.
 */
import { isVitrineError } from '../shared/errors.ts';
import { errorLine, runMain, type Command } from './command.ts';
import { commands } from './commands/index.ts';
import { packageVersion } from './version.ts';

export { runMain };

function usage(): string {
  const lines = commands.map((c) => `  vitrine ${c.path.join(' ').padEnd(16)} ${c.summary}`);
  return [
    'Usage: vitrine <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `vitrine <command> --help` for the options of one command, `vitrine --version` for the version.',
  ].join('\n');
}

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  // Longest match first, so `bundle build` wins over a hypothetical `bundle`.
  const sorted = [...commands].sort((a, b) => b.path.length - a.path.length);
  for (const command of sorted) {
    if (command.path.every((word, i) => argv[i] === word)) {
      return { command, rest: argv.slice(command.path.length) };
    }
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(usage());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(packageVersion());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    console.error(`Unknown command: vitrine ${argv.join(' ')}\n\n${usage()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    console.log(found.command.help);
    return 0;
  }
  try {
    return await found.command.run(found.rest);
  } catch (error) {
    if (isVitrineError(error)) {
      console.error(errorLine(error));
      return 1;
    }
    throw error;
  }
}

// Run when executed from source (`tsx src/cli/main.ts`, the repository's way without a build), not when
// imported by tests; bin/vitrine.js runs the compiled dist/cli/main.js itself.
if ((process.argv[1] ?? '').endsWith('main.ts')) runMain(main);
