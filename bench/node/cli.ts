/**
 * The bench's entry (`npm run bench`, `npm run bench:browser`): a development tool, not part of the
 * published `vitrine` CLI. Bad options print as the CLI prints them (`error …`, exit code 1).
 */
import { errorLine, runMain } from '../../src/cli/command.ts';
import { isVitrineError } from '../../src/shared/errors.ts';
import { HELP, parseBenchArgs } from './options.ts';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  try {
    const options = parseBenchArgs(argv);
    // Loaded on demand: the browser driver pulls in Vite and Playwright.
    if (options.browser) return await (await import('./browser-bench.ts')).runBrowserBench(options);
    return await (await import('./node-bench.ts')).runNodeBench(options);
  } catch (error) {
    if (!isVitrineError(error)) throw error;
    console.error(errorLine(error));
    return 1;
  }
}

runMain(main);
