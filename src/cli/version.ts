/**
 * The package's version, read from its package.json. This module sits two folders below the package
 * root both as source (src/cli/) and compiled (dist/cli/, where the CLI build bundles it into
 * main.js), so one relative URL works in the repository and in the installed package.
 */
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  return version;
}
