/** `vitrine bundle inspect`: header, section table, sizes and validation of a bundle file. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inspectBundle, type BundleReport } from '../../shared/bundle/index.ts';
import { VitrineError } from '../../shared/errors.ts';
import type { Command } from '../command.ts';
import { sectionSizes, sizeLines, type SectionSize } from '../section-sizes.ts';

const help = `Usage: vitrine bundle inspect FILE [--json]

Prints a bundle's header, its section table (kind, offset, length, flags, alignment), what it
holds (products, categories, dims, dtype...) and every validation problem found, each with its
typed error code and where (section, byte offset), and each section's size raw and gzipped (-9). Exit code 0 when valid, 1 when not.

Options:
  --json       print the full report as one JSON object
  -h, --help   this text

Example:
  npx vitrine bundle inspect shop.vtb`;

export interface InspectIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: InspectIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function runInspect(argv: string[], io: InspectIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new VitrineError('INPUT_BAD_OPTION', error instanceof Error ? error.message : String(error), { field: 'arguments' });
  }
  const [file, extra] = parsed.positionals;
  if (file === undefined || extra !== undefined) {
    throw new VitrineError('INPUT_BAD_OPTION', 'expects exactly one bundle file', { field: 'FILE' });
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new VitrineError('INPUT_UNREADABLE', `cannot read ${file}: ${reason}`, { file });
  }
  const report = inspectBundle(bytes);
  const sizes = sectionSizes(bytes, report.sections);
  if (parsed.values.json) io.out(JSON.stringify({ file, ...report, sizes }, null, 2));
  else printReport(file, report, sizes, io);
  return report.ok ? 0 : 1;
}

function printReport(file: string, report: BundleReport, sizes: SectionSize[] | null, io: InspectIo): void {
  const h = report.header;
  io.out(`${file}`);
  io.out(`  magic      ${h.magic} ${h.magicOk ? '(ok)' : '(NOT a Vitrine bundle)'}`);
  io.out(`  version    ${h.version ?? '?'}   flags ${h.flags ?? '?'}   sections ${h.sectionCount ?? '?'}`);
  io.out(`  length     ${h.actualLength} bytes (header says ${h.fileLength ?? '?'})`);
  io.out(`  checksum   stored ${h.checksumStored ?? '?'} computed ${h.checksumComputed ?? '?'}`);
  if (report.sections.length > 0) {
    io.out('  sections');
    io.out(`    ${'kind'.padEnd(14)} ${'offset'.padStart(10)} ${'length'.padStart(10)}  flags`);
    for (const s of report.sections) {
      const flags = [s.required ? 'required' : 'optional', s.aligned ? '' : 'MISALIGNED', s.known ? '' : 'unknown']
        .filter(Boolean)
        .join(' ');
      io.out(`    ${s.kind.padEnd(14)} ${String(s.offset).padStart(10)} ${String(s.length).padStart(10)}  ${flags}`);
    }
  }
  if (sizes && sizes.length > 0) {
    io.out('  sizes');
    for (const line of sizeLines(sizes, '    ')) io.out(line);
  }
  if (report.summary) {
    io.out('  contents');
    for (const [k, v] of Object.entries(report.summary)) io.out(`    ${k.padEnd(22)} ${v}`);
  }
  if (report.ok) {
    io.out('  valid');
    return;
  }
  for (const e of report.errors) {
    const where = Object.entries(e.details)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    io.err(`  invalid: ${e.message}${where ? ` (${where})` : ''}`);
  }
}

export const bundleInspect: Command = {
  path: ['bundle', 'inspect'],
  summary: "Show a bundle's header, sections, sizes and validation results",
  help,
  run: (argv) => runInspect(argv),
};
