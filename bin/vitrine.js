#!/usr/bin/env node
// The CLI, compiled to JavaScript by `npm run build` (dist/cli/): no TypeScript runner at run time.
// In a checkout without a build, `npx tsx src/cli/main.ts` runs it from source.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('vitrine: dist/cli/main.js is missing. In a checkout of the repository, run `npm run build` first.');
  process.exit(70);
}
const { main, runMain } = await import(compiled.href);
runMain(main);
