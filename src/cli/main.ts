/**
 * The `vitrine` command line. Every sub-command answers `--help`; errors are VitrineErrors
 * printed as `code: message (where)` with exit code 1, never a stack trace for bad input.
 */
import { isVitrineError } from '../shared/errors.ts';
import { errorLine, runMain, type Command } from './command.ts';
import { commands } from './commands/index.ts';

function usage(): string {
  const lines = commands.map((c) => `  vitrine ${c.path.join(' ').padEnd(16)} ${c.summary}`);
  return [
    'Usage: vitrine <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `vitrine <command> --help` for the options of one command.',
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

// Run when executed directly (bin/vitrine.js or `tsx src/cli/main.ts`), not when imported by tests.
const entry = process.argv[1] ?? '';
if (entry.endsWith('main.ts') || entry.endsWith('vitrine.js') || entry.endsWith('vitrine')) runMain(main);
