import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/bundle-builder/csv.ts';
import { CATALOG_ALIASES, CATALOG_FIELDS, getPath, parseFieldMapping } from '../../src/cli/bundle-builder/fields.ts';
import { parsePrice } from '../../src/cli/bundle-builder/price.ts';
import { firstImage, mergeAttributes, parseInStock, parseRating, splitCategory } from '../../src/cli/bundle-builder/values.ts';
import { isVitrineError } from '../../src/shared/errors.ts';

describe('parseCsv', () => {
  it('should keep commas, newlines and doubled quotes inside quoted fields', () => {
    const rows = parseCsv('a,b,c\n"x, y","line1\nline2","say ""hi"""\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'line1\nline2', 'say "hi"'] },
    ]);
  });

  it('should number records by the physical line they start on, counting newlines inside quotes', () => {
    const rows = parseCsv('h1,h2\r\n"a\r\nb\nc",1\r\nd,2\r\n');
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(rows[1]!.fields).toEqual(['a\r\nb\nc', '1']);
  });

  it('should read empty fields, a last line without newline, and skip blank lines', () => {
    const rows = parseCsv('a,b\n,\n\n1,\n2,3');
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['', ''],
      ['1', ''],
      ['2', '3'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4, 5]);
  });

  it('should split on tabs for TSV and strip a byte-order mark', () => {
    expect(parseCsv('\uFEFFSessionId\tItemId\n1\t2\n', '\t').map((r) => r.fields)).toEqual([
      ['SessionId', 'ItemId'],
      ['1', '2'],
    ]);
  });

  it('should keep a quote inside an unquoted field literally', () => {
    expect(parseCsv('a\n5" screen\n')[1]!.fields).toEqual(['5" screen']);
  });

  it('should reject an unterminated quote with the line it starts on', () => {
    try {
      parseCsv('a,b\n1,2\n3,"never closed\nmore', ',', 'x.csv');
      expect.unreachable();
    } catch (error) {
      expect(isVitrineError(error) && error.code).toBe('INPUT_INVALID_ROW');
      expect((error as { details: unknown }).details).toMatchObject({ file: 'x.csv', line: 3, field: 'column 2' });
    }
  });
});

describe('parsePrice', () => {
  it.each([
    ['1,299', 1299, undefined],
    ['₹999', 999, 'INR'],
    ['€ 1.299,00', 1299, 'EUR'],
    ['$12.50', 12.5, 'USD'],
    ['12,5', 12.5, undefined],
    ['1299,00', 1299, undefined],
    ['1,29,999', 129999, undefined],
    ['1.299.000', 1299000, undefined],
    ['1.299', 1.299, undefined],
    ['1 299,95 EUR', 1299.95, 'EUR'],
    ['Rs. 1,299', 1299, 'INR'],
    ['1899.0', 1899, undefined],
    ['0', 0, undefined],
  ])('should read %j as %d', (text, value, currency) => {
    expect(parsePrice(text)).toEqual(currency ? { value, currency } : { value });
  });

  it.each(['abc', '', '-5', '12.3.4,5', '1,2,3.4.5', '12,34,5', 'free', '€', '12 apples'])('should reject %j', (text) => {
    expect(parsePrice(text)).toBeUndefined();
  });

  it('should accept finite non-negative numbers and reject NaN and negatives', () => {
    expect(parsePrice(9.99)).toEqual({ value: 9.99 });
    expect(parsePrice(Number.NaN)).toBeUndefined();
    expect(parsePrice(-1)).toBeUndefined();
  });
});

describe('splitCategory', () => {
  it("should unwrap Flipkart's JSON-ish tree and drop the truncated product name", () => {
    expect(
      splitCategory('["Home Furnishing >> Curtains & Accessories >> Curtains >> Elegance Polyester Multicolor Abstract Eyelet Do..."]'),
    ).toEqual(['Home Furnishing', 'Curtains & Accessories', 'Curtains']);
  });

  it.each([
    ['Clothing > Women > Dresses', ['Clothing', 'Women', 'Dresses']],
    ['Clothing/Women/Dresses', ['Clothing', 'Women', 'Dresses']],
    ['A >> B > C', ['A', 'B > C']],
    ['beauty', ['beauty']],
    ['', []],
  ])('should split %j', (text, path) => {
    expect(splitCategory(text)).toEqual(path);
  });

  it('should take an array as the path, splitting a single element', () => {
    expect(splitCategory(['Home', 'Kitchen'])).toEqual(['Home', 'Kitchen']);
    expect(splitCategory(['Home > Kitchen'])).toEqual(['Home', 'Kitchen']);
  });
});

describe('catalog values', () => {
  it('should read availability from booleans, counts and words', () => {
    expect([true, 0, 12, 'In Stock', 'Low Stock', 'Out of Stock', 'no', 'https://schema.org/InStock'].map(parseInStock)).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
    expect(parseInStock('maybe')).toBeUndefined();
  });

  it('should take the first image of an array or a JSON array string', () => {
    expect(firstImage('["a.jpg","b.jpg"]')).toBe('a.jpg');
    expect(firstImage(['x.webp'])).toBe('x.webp');
    expect(firstImage('plain.jpg')).toBe('plain.jpg');
  });

  it('should turn "No rating available" into null', () => {
    expect(parseRating('No rating available')).toBeNull();
    expect(parseRating('4.3')).toBe(4.3);
    expect(parseRating('')).toBeNull();
  });

  it('should read Flipkart specification pairs, objects and tag lists as attributes', () => {
    const attrs: Record<string, string> = {};
    mergeAttributes(
      attrs,
      '{"product_specification"=>[{"key"=>"Material", "value"=>"Cotton"}, {"key"=>"Color", "value"=>"Red"}]}',
      'product_specifications',
    );
    mergeAttributes(attrs, ['beauty', 'mascara'], 'tags');
    mergeAttributes(attrs, { fit: 'slim', weight: 4 }, 'attributes');
    expect(attrs).toEqual({ Material: 'Cotton', Color: 'Red', tags: 'beauty, mascara', fit: 'slim', weight: '4' });
  });
});

describe('field mapping', () => {
  it('should replace the aliases of a mapped field and keep them for the others', () => {
    const m = parseFieldMapping(['id=uniq_id', 'attributes=a', 'attributes=b'], CATALOG_FIELDS, CATALOG_ALIASES, '--field');
    expect(m.id).toEqual(['uniq_id']);
    expect(m.attributes).toEqual(['a', 'b']);
    expect(m.title).toEqual(CATALOG_ALIASES.title);
  });

  it.each(['nosuch=x', 'id', 'id=', '=x'])('should reject %j as INPUT_BAD_OPTION', (option) => {
    expect(() => parseFieldMapping([option], CATALOG_FIELDS, CATALOG_ALIASES, '--field')).toThrow(/INPUT_BAD_OPTION/);
  });

  it('should follow dotted paths, preferring a column literally named with dots', () => {
    expect(getPath({ meta: { price: 3 } }, 'meta.price')).toBe(3);
    expect(getPath({ images: ['a', 'b'] }, 'images.1')).toBe('b');
    expect(getPath({ 'meta.price': 'flat', meta: { price: 3 } }, 'meta.price')).toBe('flat');
  });
});
