/**
 * The exact TF-IDF cosine baseline of `vitrine eval similar`: each product is the bag of words of
 * its title, description and brand (the bundle builder's tokenizer), weighted by sublinear term
 * frequency (1 + ln tf) times smoothed IDF (ln((n + 1) / (df + 1)) + 1), L2-normalised; its
 * neighbours are the other products by exact cosine (an inverted index, no hashing, no reduction).
 */
import type { ProductInput } from '../../shared/bundle/types.ts';
import { tokenize } from '../bundle-builder/content-features.ts';

interface Posting {
  row: number;
  weight: number;
}

/** For every product, its `k` nearest other products by exact TF-IDF cosine (ties: catalog order). */
export function tfidfNeighbours(products: readonly ProductInput[], descriptions: readonly string[], k: number): number[][] {
  const n = products.length;
  const bags = products.map((product, p) => {
    const bag = new Map<string, number>();
    for (const word of tokenize(`${product.title} ${descriptions[p] ?? ''} ${product.brand}`)) bag.set(word, (bag.get(word) ?? 0) + 1);
    return bag;
  });
  const df = new Map<string, number>();
  for (const bag of bags) for (const word of bag.keys()) df.set(word, (df.get(word) ?? 0) + 1);
  const postings = new Map<string, Posting[]>();
  const vectors = bags.map((bag, row) => {
    const entries: Array<[string, number]> = [];
    let norm = 0;
    for (const [word, tf] of bag) {
      const weight = (1 + Math.log(tf)) * (Math.log((n + 1) / (df.get(word)! + 1)) + 1);
      entries.push([word, weight]);
      norm += weight * weight;
    }
    const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const entry of entries) {
      entry[1] *= inverse;
      let list = postings.get(entry[0]);
      if (!list) postings.set(entry[0], (list = []));
      list.push({ row, weight: entry[1] });
    }
    return entries;
  });
  const scores = new Float64Array(n);
  const touched: number[] = [];
  return vectors.map((entries, row) => {
    for (const [word, weight] of entries) {
      for (const posting of postings.get(word)!) {
        if (posting.row === row) continue;
        if (scores[posting.row] === 0) touched.push(posting.row);
        scores[posting.row]! += weight * posting.weight;
      }
    }
    const best = touched
      .filter((other) => scores[other]! > 0)
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, k);
    for (const other of touched) scores[other] = 0;
    touched.length = 0;
    return best;
  });
}
