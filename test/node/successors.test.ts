/**
 * The `successors` component: what shoppers viewed next, read from the bundle's training sessions
 * in their order. Directed (after A comes B says nothing about what follows B), and its reason
 * cites the session's last product only when more than one training session backs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { successors } from '../../src/worker/components/successors.ts';
import { createQuery } from '../../src/worker/query.ts';
import { buildVisitor } from '../../src/worker/visitor.ts';
import { buildAndDecode, tempDir } from './cli-helpers.ts';
import { componentsOf, loadedBundleOf, request, views, visitor } from './strategy-helpers.ts';

let loaded: LoadedBundle;

beforeAll(async () => {
  const catalog = ['id,title', ...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => `${id},Product ${id.toUpperCase()}`)];
  // a → b in three sessions, a → c in one; nothing ever follows b, and d, e, f fill the log.
  const sessions = [
    ['a', 'b'],
    ['a', 'b'],
    ['d', 'a', 'b'],
    ['e', 'a', 'c'],
    ['d', 'e'],
    ['e', 'f'],
    ['f', 'd'],
  ];
  const events = ['session,product,time,type'];
  let time = Date.UTC(2024, 0, 1);
  sessions.forEach((items, s) => items.forEach((id) => events.push(`s${s},${id},${new Date((time += 60_000)).toISOString()},view`)));
  const dir = tempDir();
  writeFileSync(join(dir, 'catalog.csv'), `${catalog.join('\n')}\n`);
  writeFileSync(join(dir, 'events.csv'), `${events.join('\n')}\n`);
  const { bundle } = await buildAndDecode(['--catalog', join(dir, 'catalog.csv'), '--events', join(dir, 'events.csv'), '--fit', 'none']);
  loaded = await loadedBundleOf(bundle);
});

const FOR_YOU = request({ placement: 'for_you', limit: 6, includeViewed: true });

function successorScore(after: string[], product: string): number {
  return componentsOf(loaded, FOR_YOU, visitor(views(after)), product).successors ?? 0;
}

describe('successors: what shoppers viewed next', () => {
  it('should score what followed the last product, the more often the higher', () => {
    const b = successorScore(['a'], 'b');
    const c = successorScore(['a'], 'c');
    expect(b).toBeGreaterThan(c);
    expect(c).toBeGreaterThan(0);
  });

  it('should be directed: what came before the last product is not its successor', () => {
    expect(successorScore(['b'], 'a')).toBe(0);
  });

  it('should cite the last product, for all of its contribution, only for a successor more than one session saw', () => {
    const input = visitor(views(['f', 'a']));
    const query = createQuery(loaded, buildVisitor(loaded.bundle, input, FOR_YOU.context, FOR_YOU.cart), FOR_YOU, 'for_you', null);
    const scores = new Float32Array(loaded.bundle.products.count);
    const state = successors.fill!(query, scores, 0);
    const at = (id: string) => {
      const row = loaded.bundle.products.indexOf(id);
      return { row, score: scores[row]!, value: 0.2 * scores[row]!, weight: 0.2 };
    };
    // b followed a in three sessions and never f: the reason names a, the last product viewed, for all of b's score.
    expect(successors.explain(query, at('b'), state)).toMatchObject({
      message: 'viewedTogether',
      params: { title: 'Product A' },
      evidenceProduct: 'a',
      contribution: at('b').value,
    });
    // c followed a once: scored, but no "shoppers who viewed" claim.
    expect(at('c').score).toBeGreaterThan(0);
    expect(successors.explain(query, at('c'), state)).toBeNull();
  });
});
