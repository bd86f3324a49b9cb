/**
 * Evidence-weighted signals: graph links shrunk by their support, carts kept out of co-visitation,
 * link strengths summed as they are, and each placement summing only the signals its name promises.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CsrGraph } from '../../src/shared/bundle/types.ts';
import { LINK_PRIOR_SESSIONS, SINGLE_SESSION_STRENGTH } from '../../src/shared/link-evidence.ts';
import { EventType, type EventLog } from '../../src/cli/bundle-builder/events.ts';
import { MIN_COVISIT_SESSIONS, linkStrength } from '../../src/cli/bundle-builder/link-strength.ts';
import { buildSessionIndex } from '../../src/cli/bundle-builder/session-index.ts';
import { sessionGraphs } from '../../src/cli/bundle-builder/sessions.ts';
import { fillGraph } from '../../src/worker/components/graph.ts';
import type { LoadedBundle } from '../../src/worker/loaded-bundle.ts';
import { recommend } from '../../src/worker/ranking.ts';
import { browsedBundle, cartMates, dummyData, dummyJsonBundle, request, visitor } from './strategy-helpers.ts';

type Kind = keyof typeof EventType;

/** An events log from sessions of `[product, kind]` events, in order, one second apart. */
function logOf(sessions: Array<Array<[number, Kind]>>): EventLog {
  const events = sessions.flatMap((events, s) => events.map(([product, kind]) => ({ s, product, kind })));
  return {
    session: Uint32Array.from(events.map((e) => e.s)),
    product: Uint32Array.from(events.map((e) => e.product)),
    time: Float64Array.from(events.map((_, i) => i * 1000)),
    type: Uint8Array.from(events.map((e) => EventType[e.kind])),
    count: events.length,
    sessions: sessions.length,
    unknownProducts: 0,
  };
}

/** The weight of the link a → b in `graph` (0 without one). */
function weight(graph: CsrGraph, a: number, b: number): number {
  for (let e = graph.offsets[a]!; e < graph.offsets[a + 1]!; e++) if (graph.neighbors[e] === b) return graph.weights[e]!;
  return 0;
}

const repeat = <T>(times: number, make: (i: number) => T): T[] => Array.from({ length: times }, (_, i) => make(i));

describe('link strength', () => {
  it('should score a pair seen once far below a pair seen many times with the same cosine', () => {
    // Cosine 1 in both: the two products only ever appear together.
    const once = linkStrength(1, 1, 1);
    const often = linkStrength(500, 500, 500);
    expect(once).toBeCloseTo(1 / (1 + LINK_PRIOR_SESSIONS), 12);
    expect(often).toBeGreaterThan(0.97);
    // Cosine 0.5 in both.
    expect(linkStrength(1, 2, 2)).toBeLessThan(0.1);
    expect(linkStrength(250, 500, 500)).toBeGreaterThan(0.49);
  });

  it('should never let a pair seen in one session exceed the single-session strength, whatever the counts', () => {
    for (const a of [1, 2, 5, 40, 1000])
      for (const b of [1, 3, 50]) expect(linkStrength(1, a, b)).toBeLessThanOrEqual(SINGLE_SESSION_STRENGTH);
    // Two sessions can: the bound is what lets explanations tell them apart.
    expect(linkStrength(2, 2, 2)).toBeGreaterThan(SINGLE_SESSION_STRENGTH);
  });
});

describe('session graphs from an events log', () => {
  it('should give one random cart between two otherwise unrelated products a small weight, and a repeated pair a large one', () => {
    // Products 0 and 1 share one cart; 2 and 3 share 40; 4 fills the other carts.
    const log = logOf([
      [
        [0, 'purchase'],
        [1, 'purchase'],
      ],
      ...repeat(40, () => [
        [2, 'purchase'],
        [3, 'purchase'],
      ]),
      ...repeat(20, () => [
        [0, 'purchase'],
        [4, 'purchase'],
      ]),
    ] as Array<Array<[number, Kind]>>);
    const { copurchase } = sessionGraphs(log, 5, 50);
    // Plain cosine gives 1 / sqrt(21 · 1) ≈ 0.22 to the one cart, 1 to the 40, 0.98 to the 20.
    expect(weight(copurchase, 0, 1)).toBeLessThan(0.06);
    expect(weight(copurchase, 2, 3)).toBeGreaterThan(0.79);
    expect(weight(copurchase, 0, 4)).toBeGreaterThan(0.6);
    // 0's one cart with 1 weighs less than a tenth of its twenty with 4.
    expect(weight(copurchase, 0, 1)).toBeLessThan(weight(copurchase, 0, 4) / 10);
  });

  it('should feed a cart-only session to co-purchase alone, and views to co-visitation alone', () => {
    const log = logOf([
      // A DummyJSON-style cart: purchases, no views.
      [
        [0, 'purchase'],
        [1, 'purchase'],
      ],
      // A visit: views of 2 and 3, then 3 carted with 4 (never viewed).
      [
        [2, 'view'],
        [3, 'view'],
        [3, 'cart'],
        [4, 'cart'],
      ],
      // Another visit viewing 2 and 3: a co-visitation link needs two sessions.
      [
        [2, 'view'],
        [3, 'view'],
      ],
    ]);
    const { covisitation, copurchase, viewSessions } = sessionGraphs(log, 5, 50);
    expect(weight(covisitation, 0, 1)).toBe(0);
    expect(weight(copurchase, 0, 1)).toBeGreaterThan(0);
    expect(weight(covisitation, 2, 3)).toBeGreaterThan(0);
    expect(weight(copurchase, 2, 3)).toBe(0);
    expect(weight(copurchase, 3, 4)).toBeGreaterThan(0);
    expect(weight(covisitation, 3, 4)).toBe(0);
    expect(Array.from(viewSessions)).toEqual([0, 0, 2, 2, 0]);
    // Only the visits train session-kNN, the most recent first.
    const index = buildSessionIndex(log)!;
    expect(index.offsets.length).toBe(3);
    expect(Array.from(index.items)).toEqual([2, 3, 2, 3, 3, 4]);
  });

  it('should link two co-viewed products only once a second session co-views them (MIN_COVISIT_SESSIONS)', () => {
    const visit: Array<[number, Kind]> = [
      [0, 'view'],
      [1, 'view'],
    ];
    const once = sessionGraphs(
      logOf([
        visit,
        [
          [2, 'view'],
          [3, 'view'],
        ],
      ]),
      4,
      50,
    ).covisitation;
    expect(once.neighbors.length).toBe(0);
    const twice = sessionGraphs(
      logOf([
        visit,
        visit,
        [
          [2, 'view'],
          [3, 'view'],
        ],
      ]),
      4,
      50,
    ).covisitation;
    expect(weight(twice, 0, 1)).toBeGreaterThan(0);
    expect(weight(twice, 2, 3)).toBe(0);
    expect(MIN_COVISIT_SESSIONS).toBe(2);
  });

  it('should weigh every link of the DummyJSON carts by how many carts hold the pair', async () => {
    const { bundle } = await dummyJsonBundle();
    const { carts } = dummyData();
    const shared = (a: string, b: string) =>
      carts.filter((c) => c.products.some((p) => String(p.id) === a) && c.products.some((p) => String(p.id) === b)).length;
    let single = 0;
    const graph = bundle.copurchase;
    for (let a = 0; a < bundle.products.count; a++) {
      for (let e = graph.offsets[a]!; e < graph.offsets[a + 1]!; e++) {
        const n = shared(bundle.products.id(a), bundle.products.id(graph.neighbors[e]!));
        expect(n).toBeGreaterThan(0);
        if (n === 1) {
          single++;
          expect(graph.weights[e]!).toBeLessThanOrEqual(Math.fround(SINGLE_SESSION_STRENGTH));
        }
      }
    }
    expect(single).toBeGreaterThan(1000);
  });
});

describe('graph terms in the worker', () => {
  it("should add a seed's link strengths as they are, not scaled to its row's strongest link", () => {
    // Product 0's only link is weak (0.05); product 1's is strong (0.8).
    const graph: CsrGraph = {
      offsets: Uint32Array.from([0, 1, 2, 2, 2]),
      neighbors: Uint32Array.from([2, 3]),
      weights: Float32Array.from([0.05, 0.8]),
    };
    const into = new Float32Array(4);
    fillGraph(
      graph,
      [
        { row: 0, weight: 1, event: null },
        { row: 1, weight: 0.5, event: null },
      ],
      into,
    );
    expect(into[2]).toBeCloseTo(0.05, 7);
    expect(into[3]).toBeCloseTo(0.4, 7);
  });
});

describe('each placement sums the signals its name promises', () => {
  let browsed: LoadedBundle;
  const page = '6';

  beforeAll(async () => {
    browsed = await browsedBundle();
  });

  it('should rank similar by content and co-visits, never by co-purchase', () => {
    const result = recommend(browsed, request({ placement: 'similar', product: page, limit: 8 }), visitor([]));
    expect(Object.keys(result.weights)).toEqual(expect.arrayContaining(['similarity', 'covisitation']));
    expect(result.weights.copurchase).toBeUndefined();
    for (const item of result.items) expect(item.components.copurchase).toBeUndefined();
    expect(result.items.some((item) => item.components.covisitation! > 0)).toBe(true);
  });

  it('should rank also_bought and goes_with by co-purchase, never by co-visits or look-alikeness', () => {
    for (const placement of ['also_bought', 'goes_with'] as const) {
      const result = recommend(browsed, request({ placement, product: page, limit: 8 }), visitor([]));
      expect(result.weights.copurchase).toBeGreaterThan(0);
      expect(result.weights.covisitation).toBeUndefined();
      expect(result.weights.similarity).toBeUndefined();
      for (const item of result.items.filter((i) => i.strategy === placement)) {
        expect(item.components.covisitation).toBeUndefined();
        expect(cartMates(page).has(item.productId)).toBe(true);
      }
    }
  });

  it('should not fill "customers also bought" with look-alikes when nothing was bought together', async () => {
    const loaded = await dummyJsonBundle();
    const neverCarted = dummyData().products.find((p) => cartMates(String(p.id)).size === 0 && p.availabilityStatus !== 'Out of Stock')!;
    const result = recommend(loaded, request({ placement: 'also_bought', product: String(neverCarted.id), limit: 6 }), visitor([]));
    expect(result.items.length).toBe(6);
    expect(result.fallback?.reason).toBe('no-signal');
    expect(result.items.every((item) => item.strategy !== 'similar')).toBe(true);
  });
});
