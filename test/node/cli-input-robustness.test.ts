/**
 * `vitrine bundle build` on the inputs shops really export: Windows-1252 and UTF-16 files, `;`
 * separated CSV, a mistyped --field, large files read in chunks, a disk that fails mid-write, and
 * the progress bar.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/cli/atomic-write.ts';
import { sniffDelimiter } from '../../src/cli/bundle-builder/csv.ts';
import { createProgress } from '../../src/cli/bundle-builder/progress.ts';
import { readTable } from '../../src/cli/bundle-builder/records.ts';
import { detectEncoding, firstInvalidUtf8 } from '../../src/cli/bundle-builder/text-encoding.ts';
import { build, buildAndDecode, rejection, tempDir } from './cli-helpers.ts';

/** `text` as Windows-1252 bytes (only the characters these tests use). */
function windows1252(text: string): Buffer {
  const high: Record<string, number> = { '€': 0x80, '–': 0x96 };
  return Buffer.from([...text].map((c) => high[c] ?? c.charCodeAt(0)));
}

describe('bundle build: encodings', () => {
  it('should read a Windows-1252 CSV as Windows-1252 and say so, naming the first byte that is not UTF-8', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'latin.csv');
    writeFileSync(catalog, windows1252('id,title,price\na1,Socken,5\na2,Schuh für Damen,10\na3,Tasche – 5 €,20\n'));
    const { bundle, run } = await buildAndDecode(['--catalog', catalog]);
    const titles = [0, 1, 2].map((i) => bundle.products.title(i));
    expect(titles).toEqual(['Socken', 'Schuh für Damen', 'Tasche – 5 €']);
    // "id,title,price\n" is 15 bytes, "a1,Socken,5\n" 12, "a2,Schuh f" 10: the ü is byte 37, on line 3.
    expect(run.err.join('\n')).toContain(
      `warning: ${catalog} is not UTF-8 (first invalid byte at offset 37, line 3); read as Windows-1252`,
    );
  });

  it('should read UTF-8 quietly and drop its BOM', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'bom.csv');
    writeFileSync(catalog, `\uFEFFid,title\nb1,Schuh für Damen\n`);
    const { bundle, run } = await buildAndDecode(['--catalog', catalog]);
    expect(bundle.products.id(0)).toBe('b1');
    expect(bundle.products.title(0)).toBe('Schuh für Damen');
    expect(run.err.join('\n')).not.toMatch(/not UTF-8/);
  });

  it('should decode a UTF-16 file with its BOM (Excel\'s "Unicode text")', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'unicode.txt');
    writeFileSync(catalog, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id\ttitle\nc1\tSchuh für Damen\n', 'utf16le')]));
    const { bundle } = await buildAndDecode(['--catalog', catalog]);
    expect(bundle.products.title(0)).toBe('Schuh für Damen');
  });

  it('should find the first invalid UTF-8 byte, treating overlong forms and surrogates as invalid', () => {
    expect(firstInvalidUtf8(Buffer.from('aü€😀'), 10)).toBe(10);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]), 3)).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]), 5)).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]), 3)).toBe(1);
  });

  it('should keep a UTF-8 character cut by a chunk boundary valid', () => {
    const dir = tempDir();
    const file = join(dir, 'long.csv');
    // 1 MiB chunks: put a 2-byte ü across the first boundary.
    const prefix = 'x'.repeat((1 << 20) - 1);
    writeFileSync(file, `${prefix}ü\n`);
    expect(detectEncoding(file)).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });
});

describe('bundle build: delimiters', () => {
  it('should sniff the separator from the header, outside quotes', () => {
    expect(sniffDelimiter('id;title;price\n1;a,b;3')).toBe(';');
    expect(sniffDelimiter('"id;x",title,price\n')).toBe(',');
    expect(sniffDelimiter('id\ttitle\n')).toBe('\t');
    expect(sniffDelimiter('id|title|price\n')).toBe('|');
    expect(sniffDelimiter('id\n')).toBe(',');
  });

  it('should build a ;-separated catalog whose prices use decimal commas', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'semicolon.csv');
    writeFileSync(catalog, 'id;title;price\nd1;"Hose; blau";12,50\nd2;Hemd;9,99\n');
    const { bundle } = await buildAndDecode(['--catalog', catalog]);
    expect(bundle.products.count).toBe(2);
    expect(bundle.products.title(0)).toBe('Hose; blau');
    expect(bundle.products.price[0]).toBeCloseTo(12.5);
  });

  it('should let --delimiter force the separator, and explain a header that reads as one column', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'semicolon.csv');
    writeFileSync(catalog, 'id;title\ne1;Hemd\n');
    const forced = await buildAndDecode(['--catalog', catalog, '--delimiter', ';']);
    expect(forced.bundle.products.title(0)).toBe('Hemd');
    const error = await rejection(build(['--catalog', catalog, '--delimiter', ',', '--out', join(dir, 'x.vtb')]));
    expect(error.code).toBe('INPUT_BAD_OPTION');
    expect(error.message).toContain('no id column');
    expect(error.message).toContain('columns: "id;title"');
    expect(error.message).toContain('is the separator ";"? see --delimiter');
  });

  it('should reject a --delimiter that is not one ASCII character', async () => {
    const error = await rejection(build(['--catalog', 'x.csv', '--delimiter', ';;', '--out', join(tempDir(), 'x.vtb')]));
    expect(error).toMatchObject({ code: 'INPUT_BAD_OPTION', details: { field: '--delimiter' } });
  });
});

describe('bundle build: mapped columns', () => {
  it('should warn when an optional --field column is absent, listing the columns and the closest one', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'shop.csv');
    writeFileSync(catalog, 'sku,name,brand_name\nf1,Shirt,Acme\n');
    const { bundle, run } = await buildAndDecode([
      '--catalog',
      catalog,
      '--field',
      'id=sku',
      '--field',
      'title=name',
      '--field',
      'brand=brnd_name',
    ]);
    expect(bundle.products.count).toBe(1);
    expect(run.err.join('\n')).toContain(
      `warning: --field brand=brnd_name: ${catalog} has no column "brnd_name", so brand stays empty (did you mean "brand_name"?); columns: "sku", "name", "brand_name"`,
    );
  });

  it('should keep a missing required column an error naming it and the columns', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'shop.csv');
    writeFileSync(catalog, 'sku,name\nf1,Shirt\n');
    const error = await rejection(
      build(['--catalog', catalog, '--field', 'id=skuu', '--field', 'title=name', '--out', join(dir, 'x.vtb')]),
    );
    expect(error).toMatchObject({ code: 'INPUT_BAD_OPTION', details: { file: catalog, field: '--field' } });
    expect(error.message).toContain('--field id=skuu: the header has no column "skuu" (did you mean "sku"?); columns: "sku", "name"');
  });

  it('should warn for a JSON catalog when no record has a mapped source', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'shop.json');
    writeFileSync(catalog, JSON.stringify([{ id: 'g1', title: 'Shirt', meta: { brand: 'Acme' } }]));
    const { run } = await buildAndDecode(['--catalog', catalog, '--field', 'brand=meta.brnad']);
    expect(run.err.join('\n')).toMatch(/warning: --field brand=meta\.brnad: no record of .*shop\.json has "meta\.brnad"/);
  });

  it('should not warn when the mapped columns are there', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'shop.csv');
    writeFileSync(catalog, 'sku,name\nf1,Shirt\n');
    const { run } = await buildAndDecode(['--catalog', catalog, '--field', 'id=sku', '--field', 'title=name']);
    expect(run.err.join('\n')).not.toMatch(/warning/);
  });
});

describe('bundle build: files larger than a read chunk', () => {
  it('should read a CSV of several chunks with quoted line breaks across their boundaries, keeping line numbers', () => {
    const dir = tempDir();
    const file = join(dir, 'big.csv');
    const rows = ['id,title,description'];
    for (let i = 0; i < 12_000; i++) rows.push(`p${i},"Item ${i}","first line, ""quoted""\n${'z'.repeat(200)}"`);
    rows.push('last,"Schuh für Damen",end');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const records = [...readTable(file).records];
    expect(records).toHaveLength(12_001);
    expect(records[11_999]).toMatchObject({
      line: 2 + 2 * 11_999,
      value: { id: 'p11999', description: `first line, "quoted"\n${'z'.repeat(200)}` },
    });
    expect(records[12_000]).toMatchObject({ line: 2 + 2 * 12_000, value: { title: 'Schuh für Damen' } });
  });

  it('should stream a JSON object holding one array across chunks, with escapes and element lines', () => {
    const dir = tempDir();
    const file = join(dir, 'big.json');
    const items = Array.from({ length: 9_000 }, (_, i) => ({
      id: `j${i}`,
      title: `say "hi" \\ ${'y'.repeat(150)} [${i}]`,
      tags: ['a', { b: ']' }],
    }));
    writeFileSync(file, `{"total": 9000, "products": [\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n], "skip": 0}`);
    const records = [...readTable(file).records];
    expect(records).toHaveLength(9_000);
    expect(records[8_999]).toMatchObject({ line: 9_001, value: items[8_999] });
  });

  it('should reject a JSON object holding two arrays after reading it', () => {
    const dir = tempDir();
    const file = join(dir, 'two.json');
    writeFileSync(file, '{"products": [{"id": "a"}], "more": [1]}');
    expect(() => [...readTable(file).records]).toThrow(/exactly one array \(found 2\)/);
  });
});

describe('writeFileAtomic', () => {
  it('should leave the previous file untouched and no temporary file when the disk fills mid-write', () => {
    const dir = tempDir();
    const file = join(dir, 'shop.vtb');
    writeFileSync(file, 'previous bundle');
    let calls = 0;
    const failing = {
      // The first write lands 4 bytes, the second fails as a full disk does.
      write: (...[, , , length]: [number, Uint8Array, number, number]) => {
        if (++calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return Math.min(length, 4);
      },
      rename: () => {
        throw new Error('must not rename after a failed write');
      },
    };
    expect(() => writeFileAtomic(file, new Uint8Array(1000), failing)).toThrow(
      /cannot write .*shop\.vtb: ENOSPC.*previous shop\.vtb is unchanged/,
    );
    expect(readFileSync(file, 'utf8')).toBe('previous bundle');
    expect(readdirSync(dir)).toEqual(['shop.vtb']);
  });

  it('should replace the file whole when the write succeeds', () => {
    const dir = tempDir();
    const file = join(dir, 'out', 'shop.vtb');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(join(dir, 'out'))).toEqual(['shop.vtb']);
  });

  it('should leave no temporary file when bundle build cannot put the bundle in place', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'c.csv');
    writeFileSync(catalog, 'id,title\na,A\n');
    const out = join(dir, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'x'); // a non-empty directory: the rename fails
    const error = await rejection(build(['--catalog', catalog, '--out', out]));
    expect(error).toMatchObject({ code: 'INPUT_UNREADABLE', details: { file: out } });
    expect(readdirSync(dir).sort()).toEqual(['c.csv', 'taken']);
    expect(existsSync(join(out, 'keep.txt'))).toBe(true);
  });
});

describe('progress bar', () => {
  it('should show counts, the share done and the time left, redrawn at most every 100 ms', () => {
    const frames: string[] = [];
    let t = 0;
    const progress = createProgress(true, { write: (s) => frames.push(s) }, () => t);
    progress.step('content embeddings', 200_000, 'products');
    t = 50;
    progress.update(10_000); // too soon after the first frame: not drawn
    t = 2_000;
    progress.update(50_000);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toContain('content embeddings');
    expect(frames[0]).toContain('0% · 0/200,000 products');
    expect(frames[1]).toContain('25% · 50,000/200,000 products · 6 s left');
  });

  it('should count rows read while reading a file, before its total is known', () => {
    const frames: string[] = [];
    let t = 0;
    const progress = createProgress(true, { write: (s) => frames.push(s) }, () => t);
    progress.step('reading catalog', 1, 'rows');
    t = 1_500;
    progress.update(0.6, 120_000);
    expect(frames.at(-1)).toContain('60% · 120,000/~200,000 rows · 1 s left');
  });

  it('should draw nothing when disabled (stderr not a terminal, no --progress)', async () => {
    const frames: string[] = [];
    const progress = createProgress(false, { write: (s) => frames.push(s) });
    progress.step('reading catalog', 1, 'rows');
    progress.update(0.5, 10);
    progress.done();
    expect(frames).toEqual([]);
  });
});
