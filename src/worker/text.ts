/**
 * Words of catalog and visitor text, compared the same way everywhere: the cold-start search index,
 * category names and the intent trait all read text through `tokenize`.
 */

/**
 * Lower-case words of `text`: runs of Unicode letters and digits, accents folded ("Crème" →
 * "creme", "ß" → "ss"), so "Kaffeemühle" and "kaffeemuhle" meet. No stemming (the cold-start
 * index strips plural endings itself).
 */
export function tokenize(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/gu, 'ss');
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}
