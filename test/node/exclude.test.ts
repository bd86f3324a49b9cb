/**
 * `exclude`, the worker's half of a page that does not repeat itself: the script tag's placeholders
 * pass what the page already shows (test/browser/placeholders-repeat.test.ts), an app passes its
 * own list, and the list is filled with the next-best products instead, as many as asked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/shared/events.ts';
import type { RecommendRequest } from '../../src/shared/request.ts';
import { recommend } from '../../src/worker/ranking.ts';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { dummyJsonBundle, events, ids, request, views, visitor } from './strategy-helpers.ts';

let loaded: LoadedBundle;
beforeAll(async () => {
  loaded = await dummyJsonBundle();
});

const run = (req: RecommendRequest, list: StoredEvent[]) => recommend(loaded, request(req), visitor(list));

/** Three smartphones viewed and one in the cart: every placement has signals to rank by. */
const shopper = events([
  ['view', '121'],
  ['view', '122'],
  ['view', '123'],
  ['add_to_cart', '123'],
]);

const PLACEMENTS: RecommendRequest[] = [
  { placement: 'similar', product: '5' },
  { placement: 'also_bought', product: '5' },
  { placement: 'goes_with', product: '5' },
  { placement: 'now_reduced' },
  { placement: 'for_you' },
  { placement: 'trending' },
];

describe('recommend({ exclude })', () => {
  it.each(PLACEMENTS)('should fill $placement with other products, as many as asked, when its first picks are excluded', (req) => {
    const first = run({ ...req, limit: 4 }, shopper);
    expect(first.items).toHaveLength(4);
    const next = run({ ...req, limit: 4, exclude: ids(first.items) }, shopper);
    expect(next.items).toHaveLength(4);
    for (const id of ids(next.items)) expect(ids(first.items)).not.toContain(id);
  });

  it.each([{ placement: 'trending' }, { placement: 'for_you' }] as RecommendRequest[])(
    'should give $placement the items that follow its excluded first picks, in their order',
    (req) => {
      const long = run({ ...req, limit: 8 }, shopper);
      const next = run({ ...req, limit: 4, exclude: ids(long.items).slice(0, 4) }, shopper);
      expect(ids(next.items)).toEqual(ids(long.items).slice(4));
    },
  );

  it('should hold for the products a fallback fills in: now_reduced without drops skips the bestsellers shown elsewhere', () => {
    const session = views(['1', '2']);
    const bestsellers = ids(run({ placement: 'trending', limit: 8 }, session).items);
    const result = run({ placement: 'now_reduced', limit: 4, exclude: bestsellers.slice(0, 4) }, session);
    expect(result.fallback).toMatchObject({ strategy: 'trending', count: 4 });
    expect(ids(result.items)).toEqual(bestsellers.slice(4));
  });

  it('should ignore ids the bundle does not know (a page may show products of another source)', () => {
    const plain = run({ placement: 'trending', limit: 4 }, []);
    expect(ids(run({ placement: 'trending', limit: 4, exclude: ['not-in-the-bundle'] }, []).items)).toEqual(ids(plain.items));
  });
});
