/**
 * Builds the fixture apps of test/apps/ from Vitrine's package as an app gets it (issue 14's "Done
 * when"): `npm pack` of this repository (dist/ must be built: `npm test` builds first), then in each
 * app `npm ci` from its own lockfile (the npm registry only), the tarball installed on top, the
 * app's own type check (`npm run typecheck`: `tsc -b`) and production build (`npm run build`).
 * test/e2e/apps.spec.ts then loads each built app in Chromium. `npm run test:apps` runs this.
 *
 * The tarball is installed with `--no-save` rather than named in the apps' package.json: a lockfile
 * entry for a `file:` tarball pins its hash, and npm would then install the cached old tarball,
 * not the one just packed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TEST_APPS = ['preact-ts', 'react-script-tag', 'webpack-ts', 'rollup-ts'] as const;
const QUIET = ['--no-audit', '--no-fund'];

function run(cwd: string, command: string, args: string[]): string {
  const started = Date.now();
  const output = execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  console.log(`  ${command} ${args.join(' ')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return output;
}

function pack(destination: string): string {
  // --ignore-scripts: `prepare` would rebuild the wasm that dist/ already holds.
  const [packed] = JSON.parse(run(ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination])) as {
    filename: string;
  }[];
  return join(destination, packed!.filename);
}

/** Installs and builds one app; returns its type check's errors ('' when it passes). */
function buildApp(name: string, tarball: string): string {
  const app = join(ROOT, 'test/apps', name);
  console.log(`test/apps/${name}:`);
  rmSync(join(app, 'dist'), { recursive: true, force: true });
  run(app, 'npm', ['ci', ...QUIET]);
  run(app, 'npm', ['install', '--no-save', ...QUIET, tarball]);
  let typeErrors = '';
  try {
    run(app, 'npm', ['run', '--silent', 'typecheck']);
  } catch (error) {
    typeErrors = String((error as { stdout?: string }).stdout ?? error);
  }
  // Built even when the type check failed: the browser tests then still say what works.
  run(app, 'npm', ['run', 'build']);
  return typeErrors;
}

const scratch = mkdtempSync(join(tmpdir(), 'vitrine-pack-'));
const failed: string[] = [];
try {
  const tarball = pack(scratch);
  for (const name of process.argv.length > 2 ? process.argv.slice(2) : TEST_APPS) {
    const typeErrors = buildApp(name, tarball);
    if (typeErrors) failed.push(`test/apps/${name}: type check failed:\n${typeErrors}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed.length) {
  console.error(failed.join('\n'));
  process.exit(1);
}
