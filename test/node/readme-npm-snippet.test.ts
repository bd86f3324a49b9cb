/**
 * README "2. npm, in an app" shows exactly what the fixture app test/apps/preact-ts does (issue 14:
 * the README's example works when pasted): its `tsx` block is the fixture's src/main.tsx between
 * the first line and the end marker, which test/e2e/apps.spec.ts builds from the packed tarball and
 * loads in Chromium; and its Rollup setup is test/apps/rollup-ts/rollup.config.js.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The first ```tsx block after the README heading `### 2. npm, in an app`. */
function readmeSnippet(): string {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('### 2. npm, in an app'));
  const block = /```tsx\n([\s\S]*?)```/.exec(section);
  expect(block, 'README: no ```tsx block under "### 2. npm, in an app"').not.toBeNull();
  return block![1]!;
}

/** src/main.tsx of the fixture without its first line (the marker) and from the end marker on. */
function fixtureSnippet(): string {
  const lines = read('test/apps/preact-ts/src/main.tsx').split('\n');
  expect(lines[0]).toContain('README.md, "2. npm, in an app"');
  const end = lines.findIndex((line) => line.startsWith("// End of the README's snippet."));
  expect(end, 'test/apps/preact-ts/src/main.tsx: no end marker').toBeGreaterThan(1);
  return `${lines.slice(1, end).join('\n')}\n`;
}

/** The first ```js block after the README's sentence about test/apps/rollup-ts. */
function readmeRollupConfig(): string {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('`test/apps/rollup-ts/` builds it with Rollup 4'));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  expect(block, 'README: no ```js block after the test/apps/rollup-ts sentence').not.toBeNull();
  return block![1]!;
}

describe('README npm section', () => {
  it('should be the code of the fixture app that the e2e test builds and runs, verbatim', () => {
    const snippet = readmeSnippet();
    expect(snippet).toContain('await vitrine.load(');
    expect(snippet).toBe(fixtureSnippet());
  });

  it("should show the Rollup fixture's rollup.config.js from its imports on, verbatim", () => {
    const config = read('test/apps/rollup-ts/rollup.config.js');
    const snippet = readmeRollupConfig();
    expect(snippet).toContain('importMetaAssets()');
    expect(snippet).toBe(config.slice(config.indexOf('import ')));
  });
});
