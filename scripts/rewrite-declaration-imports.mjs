// tsc keeps the `.ts`/`.tsx` of our relative imports in the .d.ts files it emits (its
// `rewriteRelativeImportExtensions` rewrites JavaScript only), and a consumer's tsc rejects those.
// Point them at the emitted declarations' `.js` names, the form every moduleResolution reads.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist/types';
// `from './x.ts'`, `import('./x.tsx')`, `import './x.ts'`: only relative specifiers, with a quote either side.
const RELATIVE_TS = /((?:\bfrom|\bimport\(?)\s*)(['"])(\.{1,2}\/[^'"\n]+?)\.tsx?\2/g;

let files = 0;
for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
  if (!name.endsWith('.d.ts')) continue;
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  const rewritten = text.replace(RELATIVE_TS, (_, lead, quote, stem) => `${lead}${quote}${stem}.js${quote}`);
  if (rewritten !== text) writeFileSync(path, rewritten);
  files++;
}
if (files === 0) throw new Error(`no .d.ts files in ${dir}`);
