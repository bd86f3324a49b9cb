/** `vitrine bandit receive`: the reference receiver of arm counts, appending to a JSONL file. */
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { badOption, integer, parsingOptions } from '../options.ts';
import { startReceiver } from '../bandit/receiver.ts';

const help = `Usage: vitrine bandit receive --port P --out FILE [options]

Receives the arm counts Vitrine sends with \`measurement\` consent (POST, JSON, at most 64 KB) and
appends one line per count to FILE: experiment, arm, segment, trials, successes, receivedAt (to
the second) and epsilon when randomised response was on. Nothing else is stored: no IP address,
header or cookie. Anything that is not a valid batch is refused with 400. Runs until stopped.

Options:
  --port P        port to listen on (required)
  --out FILE      the append-only JSONL file (required)
  --host H        address to listen on (default 127.0.0.1; put a TLS proxy in front in production)
  --path PATH     URL path batches are posted to (default /)
  -h, --help      this text

Example:
  npx vitrine bandit receive --port 8787 --out counts.jsonl
  # page: data-measurement-endpoint="https://stats.example/" (or data-bandit-counts-endpoint)`;

const OPTIONS = {
  port: { type: 'string' },
  out: { type: 'string' },
  host: { type: 'string' },
  path: { type: 'string' },
} as const;

export async function runBanditReceive(argv: string[]): Promise<number> {
  const { values } = parsingOptions(() => parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  if (!values.port) throw badOption('--port', 'is required');
  if (!values.out) throw badOption('--out', 'is required');
  const port = integer('--port', values.port, 0, 65_535);
  const path = values.path ?? '/';
  if (!path.startsWith('/')) throw badOption('--path', `must start with "/", got "${path}"`);
  const server = await startReceiver(values.out, port, values.host ?? '127.0.0.1', path);
  const address = server.address();
  console.log(
    `receiving arm counts at http://${values.host ?? '127.0.0.1'}:${typeof address === 'object' && address ? address.port : port}${path} → ${values.out}`,
  );
  await new Promise((closed) => server.on('close', closed));
  return 0;
}

export const banditReceive: Command = {
  path: ['bandit', 'receive'],
  summary: 'Receive arm counts from pages and append them to a JSONL file (reference receiver)',
  help,
  run: (argv) => runBanditReceive(argv),
};
