import { describe, expect, it } from 'vitest';
import { EVENT_TIME_FLOOR, MAX_EVENT_FUTURE_MS, validateEvent } from '../../src/shared/events.ts';
import { isVitrineError } from '../../src/shared/errors.ts';
import { computeAffinities, decay, foldEvent, priceLevel, validAggregate, type ProductInfo } from '../../src/worker/profile/affinities.ts';
import { buildExport, buildSummary } from '../../src/worker/profile/rights.ts';

const NOW = Date.UTC(2025, 2, 1);
const DAY = 86_400_000;
const HALF = 30 * DAY;

function fieldOf(value: unknown): string | undefined {
  try {
    validateEvent(value, NOW);
  } catch (error) {
    expect(isVitrineError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('INVALID_EVENT');
    return (error as { details: { field?: string } }).details.field;
  }
  return undefined;
}

describe('validateEvent', () => {
  it('should name the first bad field', () => {
    expect(fieldOf(null)).toBe('event');
    expect(fieldOf({ type: 'teleport', product: 'a' })).toBe('type');
    expect(fieldOf({ type: 'view' })).toBe('product');
    expect(fieldOf({ type: 'search' })).toBe('query');
    expect(fieldOf({ type: 'view', product: 'a', price: -1 })).toBe('price');
    expect(fieldOf({ type: 'view', product: 'a', price: Number.NaN })).toBe('price');
    expect(fieldOf({ type: 'view', product: 'a', time: '2025-01-01' })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'x'.repeat(513) })).toBe('product');
    expect(fieldOf({ type: 'click', product: 'a', placement: 7 })).toBe('placement');
  });

  it('should refuse event times outside a sane window with INVALID_EVENT naming time (S15: future timestamps)', () => {
    // Past what a Date holds: stored, it made every later export throw an untyped RangeError.
    expect(fieldOf({ type: 'view', product: 'a', time: 8.64e15 + 1 })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'a', time: 8.64e15 })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'a', time: Number.POSITIVE_INFINITY })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'a', time: Number.NaN })).toBe('time');
    // A year ahead, or just past the allowed clock difference.
    expect(fieldOf({ type: 'view', product: 'a', time: NOW + 365 * DAY })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'a', time: NOW + MAX_EVENT_FUTURE_MS + 1 })).toBe('time');
    // Seconds instead of milliseconds (January 1970), negative, before 2000.
    expect(fieldOf({ type: 'view', product: 'a', time: Math.floor(NOW / 1000) })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'a', time: -1 })).toBe('time');
    expect(fieldOf({ type: 'view', product: 'a', time: EVENT_TIME_FLOOR - 1 })).toBe('time');
    // The window's edges are accepted: a page clock slightly ahead of the worker's is normal.
    expect(validateEvent({ type: 'view', product: 'a', time: NOW + MAX_EVENT_FUTURE_MS }, NOW).time).toBe(NOW + MAX_EVENT_FUTURE_MS);
    expect(validateEvent({ type: 'view', product: 'a', time: EVENT_TIME_FLOOR }, NOW).time).toBe(EVENT_TIME_FLOOR);
    expect(validateEvent({ type: 'view', product: 'a', time: NOW - 400 * DAY }, NOW).time).toBe(NOW - 400 * DAY);
  });

  it('should let a reader of stored records pass a later bound, but never past a valid date', () => {
    expect(validateEvent({ type: 'view', product: 'a', time: NOW + 30 * DAY }, NOW, NOW + 365 * DAY).time).toBe(NOW + 30 * DAY);
    expect(() => validateEvent({ type: 'view', product: 'a', time: 8.64e15 + 1 }, NOW, NOW + 365 * DAY)).toThrow(/time/);
  });

  it('should keep only known fields and default the time to now', () => {
    const event = validateEvent({ type: 'view', product: 'a', price: 3, extra: 'dropped', __proto__: { polluted: true } }, NOW);
    expect(event).toEqual({ type: 'view', product: 'a', price: 3, time: NOW });
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
  });
});

describe('affinities', () => {
  const info: ProductInfo = { title: 'Red dress', category: ['Clothing', 'Dresses'], brand: 'Acme', price: 40, colour: 'red', size: 'M' };
  const resolve = (id: string): ProductInfo | null => (id === 'a' ? info : null);

  it("S15: should halve an event's weight every half-life and never grow it for future times", () => {
    expect(decay(NOW - HALF, NOW, HALF)).toBeCloseTo(0.5, 12);
    expect(decay(NOW + DAY, NOW, HALF)).toBe(1);
  });

  it('should weigh carts over views, spread over category path, brand, colour, size and price level', () => {
    const a = computeAffinities(
      [
        { type: 'view', product: 'a', time: NOW },
        { type: 'add_to_cart', product: 'a', time: NOW - HALF },
        { type: 'impression', product: 'a', time: NOW },
      ],
      [],
      resolve,
      NOW,
      HALF,
    );
    expect(a.products.a).toBeCloseTo(1 + 3 * 0.5, 12);
    expect(a.category).toEqual({ Clothing: a.products.a, Dresses: a.products.a });
    expect(a.brand.Acme).toBeCloseTo(2.5, 12);
    expect(a.colour.red).toBeCloseTo(2.5, 12);
    expect(a.size.M).toBeCloseTo(2.5, 12);
    expect(Object.keys(a.priceLevel)).toEqual([String(priceLevel(40))]);
  });

  it('should give the same affinities from compacted aggregates as from the raw events', () => {
    const events = [
      { type: 'view' as const, product: 'a', time: NOW - 10 * DAY },
      { type: 'purchase' as const, product: 'a', time: NOW - 5 * DAY },
    ];
    let aggregate = foldEvent(undefined, events[0]!, info, NOW - 3 * DAY, HALF);
    aggregate = foldEvent(aggregate, events[1]!, info, NOW - 2 * DAY, HALF);
    const raw = computeAffinities(events, [], resolve, NOW, HALF);
    const folded = computeAffinities([], [aggregate!], () => null, NOW, HALF);
    expect(folded.products.a).toBeCloseTo(raw.products.a!, 10);
    expect(folded.brand.Acme).toBeCloseTo(raw.brand.Acme!, 10);
    expect(aggregate).toMatchObject({ events: 2, firstTime: NOW - 10 * DAY, lastTime: NOW - 5 * DAY, title: 'Red dress' });
    expect(validAggregate(aggregate)).toBe(aggregate);
    expect(validAggregate({ ...aggregate, weight: Number.NaN })).toBeNull();
    expect(validAggregate({ ...aggregate, v: 99 })).toBeNull();
  });
});

describe('summary', () => {
  it('should describe an empty memory profile in plain words', async () => {
    const status = { mode: 'memory' as const, reason: null, events: 0, overflow: 0, skippedRecords: 0 };
    const empty = computeAffinities([], [], () => null, NOW, HALF);
    const summary = buildSummary(await buildExport(status, [], [], empty, () => null, NOW));
    expect(summary).toEqual({
      mode: 'memory',
      reason: null,
      headline: 'This shop remembers 0 things you did, in this tab only.',
      sections: [
        {
          topic: 'storage',
          text: 'Your shopping history is kept only while this tab is open. Nothing is saved on this device or sent anywhere.',
        },
        { topic: 'activity', text: 'No activity is stored.' },
        { topic: 'preferences', text: 'No preferences have been derived.' },
      ],
    });
  });
});
