// Finishes the declarations tsc emits for the published package (`npm run build:types`):
// - tsc keeps the `.ts`/`.tsx` of our relative imports in .d.ts files (its `rewriteRelativeImportExtensions`
//   rewrites JavaScript only), and a consumer's tsc rejects those: they become the `.js` names every
//   moduleResolution reads;
// - tsc writes a .d.ts for every module the entries import, types or not: only those an app's tsc
//   can reach from the package's entries stay (the rest describe worker internals no type names).
import { readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const [dir = 'dist/types', ...entries] = process.argv.slice(2);
// `from './x.ts'`, `import('./x.tsx')`, `import './x.ts'`: relative specifiers only, with a quote either side.
const RELATIVE = /((?:\bfrom|\bimport\(?)\s*)(['"])(\.{1,2}\/[^'"\n]+?)\.(tsx?|js)\2/g;

const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.d.ts'))
  .map((name) => resolve(dir, name));
if (files.length === 0) throw new Error(`no .d.ts files in ${dir}`);

const imports = new Map();
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const targets = [];
  const rewritten = text.replace(RELATIVE, (_, lead, quote, stem) => {
    targets.push(resolve(dirname(path), `${stem}.d.ts`));
    return `${lead}${quote}${stem}.js${quote}`;
  });
  if (rewritten !== text) writeFileSync(path, rewritten);
  imports.set(path, targets);
}

const reached = new Set();
const pending = entries.map((entry) => resolve(dir, entry));
while (pending.length) {
  const path = pending.pop();
  if (reached.has(path)) continue;
  if (!imports.has(path)) throw new Error(`${relative(dir, path)} is imported but was not emitted`);
  reached.add(path);
  pending.push(...imports.get(path));
}
for (const path of files) if (!reached.has(path)) rmSync(path);
// Folders left empty, deepest first.
const folders = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isDirectory());
for (const folder of folders.map((entry) => join(entry.parentPath, entry.name)).sort((a, b) => b.length - a.length)) {
  if (readdirSync(folder).length === 0) rmdirSync(folder);
}
console.log(
  `${reached.size} declaration files reachable from ${entries.join(', ')} (${files.length - reached.size} internal ones removed)`,
);
