/**
 * The `data-variants` and `data-reward` syntax (src/embed/variants.ts): what a shop may write on a
 * placeholder, and the field a mistake is reported under. The browser half (choosing, rendering,
 * rewarding) is test/browser/bandit-variants.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseReward, parseVariants } from '../../src/embed/variants.ts';
import { isVitrineError } from '../../src/shared/errors.ts';

function fieldOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (isVitrineError(error) && error.code == 'INVALID_REQUEST') return error.details.field;
    throw error;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('data-variants', () => {
  it('should read strategy names separated by |, each arm named after its strategy', () => {
    expect(parseVariants(' for_you | trending|also_bought', 'for_you')).toEqual([
      { name: 'for_you', strategy: 'for_you' },
      { name: 'trending', strategy: 'trending' },
      { name: 'also_bought', strategy: 'also_bought' },
    ]);
  });

  it('should read JSON arms, the strategy defaulting to the placement and the name to the strategy', () => {
    const text = '[{"name":"a","strategy":"for_you","heading":"Für dich","count":4,"layout":"grid"},{"name":"b","count":8},"trending"]';
    expect(parseVariants(text, 'similar')).toEqual([
      { name: 'a', strategy: 'for_you', heading: 'Für dich', count: 4, layout: 'grid' },
      { name: 'b', strategy: 'similar', count: 8 },
      { name: 'trending', strategy: 'trending' },
    ]);
  });

  it('should name the part that is wrong', () => {
    expect(fieldOf(() => parseVariants('for_you|best', 'for_you'))).toBe('data-variants[1].strategy');
    expect(fieldOf(() => parseVariants('[{"strategy":"for_you"', 'for_you'))).toBe('data-variants');
    expect(fieldOf(() => parseVariants('{"a":1}', 'for_you'))).toBe('data-variants');
    expect(fieldOf(() => parseVariants('[{"name":"x"},"for_you"]', 'nonsense'))).toBe('data-variants[0].strategy');
    expect(fieldOf(() => parseVariants('[{"name":"x"}]', 'privacy-panel'))).toBe('data-variants[0].strategy');
    expect(fieldOf(() => parseVariants('["for_you",{"count":1.5}]', 'trending'))).toBe('data-variants[1].count');
    expect(fieldOf(() => parseVariants('["for_you",{"count":101}]', 'trending'))).toBe('data-variants[1].count');
    expect(fieldOf(() => parseVariants('["for_you",{"layout":"list"}]', 'trending'))).toBe('data-variants[1].layout');
    expect(fieldOf(() => parseVariants('["for_you",{"heading":3}]', 'trending'))).toBe('data-variants[1].heading');
    expect(fieldOf(() => parseVariants(`["for_you",{"heading":"${'x'.repeat(201)}"}]`, 'trending'))).toBe('data-variants[1].heading');
    expect(fieldOf(() => parseVariants('["for_you",{"name":""}]', 'trending'))).toBe('data-variants[1].name');
    expect(fieldOf(() => parseVariants('["for_you",{"html":"<b>"}]', 'trending'))).toBe('data-variants[1].html');
    expect(fieldOf(() => parseVariants('["for_you",null]', 'trending'))).toBe('data-variants[1]');
  });
});

describe('data-reward', () => {
  it('should read kind:weight pairs or a JSON object', () => {
    expect(parseReward('click:0.2, add_to_cart:1 purchase:1')).toEqual({ click: 0.2, add_to_cart: 1, purchase: 1 });
    expect(parseReward('{"click":0.5}')).toEqual({ click: 0.5 });
  });

  it('should refuse what is not kind:weight (the engine then checks kinds and weights)', () => {
    expect(fieldOf(() => parseReward('click'))).toBe('data-reward');
    expect(fieldOf(() => parseReward('click:'))).toBe('data-reward');
    expect(fieldOf(() => parseReward('click:1:2'))).toBe('data-reward');
    expect(fieldOf(() => parseReward('{click:1}'))).toBe('data-reward');
  });
});
