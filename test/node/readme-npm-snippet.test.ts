/**
 * README "2. npm, in an app" shows exactly what the fixture app test/apps/preact-ts does (issue 14:
 * the README's example works when pasted): its `tsx` block is the fixture's src/main.tsx between
 * the first line and the end marker, which test/e2e/apps.spec.ts builds from the packed tarball and
 * loads in Chromium; and its Rollup setup is test/apps/rollup-ts/rollup.config.js.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The first ```lang block in the README after `marker`. */
function codeBlockAfter(marker: string, lang: 'tsx' | 'js'): string {
  const readme = read('README.md');
  const start = readme.indexOf(marker);
  expect(start, `README: no "${marker}"`).toBeGreaterThanOrEqual(0);
  const block = new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``).exec(readme.slice(start));
  expect(block, `README: no \`\`\`${lang} block after "${marker}"`).not.toBeNull();
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

describe('README npm section', () => {
  it('should be the code of the fixture app that the e2e test builds and runs, verbatim', () => {
    const snippet = codeBlockAfter('### 2. npm, in an app', 'tsx');
    expect(snippet).toContain('await vitrine.load(');
    expect(snippet).toBe(fixtureSnippet());
  });

  it("should show the Rollup fixture's rollup.config.js from its imports on, verbatim", () => {
    const config = read('test/apps/rollup-ts/rollup.config.js');
    const snippet = codeBlockAfter('`test/apps/rollup-ts/` builds it with Rollup 4', 'js');
    expect(snippet).toContain('importMetaAssets()');
    expect(snippet).toBe(config.slice(config.indexOf('import ')));
  });
});
