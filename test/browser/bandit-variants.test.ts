/**
 * Recommendation variants on placeholders (`data-variants`, src/embed/variants.ts) in real
 * Chromium: the real experiments engine in the real worker chooses the arm, the real placeholder
 * code (src/embed/placeholders.tsx) renders the widget in its shadow root, with the attribute
 * wiring of the script tag (a MutationObserver re-scanning a placeholder whose attributes change),
 * IntersectionObserver viewability and real clicks. The recommendations themselves come from a
 * fake engine that answers every placement with its own products (`for_you-1`, `trending-1`, …),
 * so what the list shows names the strategy. Sessions end with the test-build-only
 * `advanceBanditClock`, as in bandit-experiments.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type Vitrine } from '../../src/embed/create-vitrine.ts';
import type { EngineBridge } from '../../src/embed/bridge.ts';
import { createPlaceholders, PLACEHOLDER_ATTRIBUTES, type Placeholders } from '../../src/embed/placeholders.tsx';
import { fromTemplates } from '../../src/embed/templates.ts';
import { scanVariants } from '../../src/embed/variants.ts';
import type { ArmFeedback } from '../../src/shared/experiment.ts';
import type { TrackEvent } from '../../src/shared/events.ts';
import type { RecommendRequest, RecommendResult, ResultItem } from '../../src/shared/request.ts';
import { SESSION_GAP_MS } from '../../src/worker/visitor.ts';
import type { WidgetEngine } from '../../widgets/index.ts';

let vitrine: Vitrine;
let bridge: EngineBridge;
let root: HTMLElement;
let placeholders: Placeholders;
let observer: MutationObserver;
/** What the widgets tracked, and the feedback the variants code sent. */
let tracked: TrackEvent[];
let sent: ArmFeedback[];
let warnings: unknown[];

function item(productId: string): ResultItem {
  return {
    productId,
    title: productId,
    url: `/p/${productId}`,
    image: '',
    brand: '',
    category: [],
    inStock: true,
    attributes: {},
    price: null,
    salePrice: null,
    currency: 'EUR',
    score: 1,
    components: {},
    why: [],
    strategy: 'trending',
    rating: null,
    bundleVersion: 'test',
  };
}

beforeEach(() => {
  ({ vitrine, bridge } = createEngine());
  root = document.createElement('main');
  // A click on an item's link must not leave the test page.
  root.addEventListener(
    'click',
    (event) => event.composedPath().some((node) => (node as Element).localName == 'a') && event.preventDefault(),
  );
  document.body.prepend(root);
  tracked = [];
  sent = [];
  warnings = [];
  const engine = {
    recommend: async (request: RecommendRequest): Promise<RecommendResult> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const ids = Array.from({ length: request.limit ?? 6 }, (_, i) => `${request.placement}-${i + 1}`);
      return { placement: request.placement, items: ids.map(item), fallback: null, bundleVersion: 'test', weights: {} };
    },
    track: async (event: TrackEvent) => void tracked.push(event),
  } as unknown as WidgetEngine;
  placeholders = createPlaceholders({
    engine,
    locale: 'en',
    pageProduct: () => undefined,
    warn: (error) => warnings.push(error),
    templates: async () => fromTemplates,
  });
  // As the script tag does: a placeholder whose attributes change renders again.
  observer = new MutationObserver((records) => {
    for (const record of records)
      if ((record.target as Element).hasAttribute('data-vitrine')) placeholders.scan(record.target as HTMLElement);
  });
  observer.observe(root, { subtree: true, attributes: true, attributeFilter: PLACEHOLDER_ATTRIBUTES });
});

afterEach(() => {
  observer.disconnect();
  root.remove();
  placeholders.sweep();
  vitrine.close();
});

/** The page API as the variants code uses it, recording the feedback (the engine behind is the real one). */
const api = {
  experiment: (...args: Parameters<Vitrine['experiment']>) => vitrine.experiment(...args),
  reward: (feedback: ArmFeedback[]) => (sent.push(...feedback), vitrine.reward(feedback)),
};

const nextSession = () =>
  bridge.run((engine) => (engine as unknown as { advanceBanditClock(ms: number): Promise<void> }).advanceBanditClock(SESSION_GAP_MS + 1));

/** A placeholder with these attributes, mounted as the script tag and the experiments script would. */
function addPlaceholder(attributes: Record<string, string>, locale = 'en'): HTMLElement {
  const div = document.createElement('div');
  for (const [name, value] of Object.entries(attributes)) div.setAttribute(name, value);
  root.append(div);
  placeholders.scan(root);
  scanVariants(root, api, locale, (error) => warnings.push(error));
  return div;
}

const shownIds = (placeholder: HTMLElement): string[] =>
  [...(placeholder.shadowRoot?.querySelectorAll<HTMLElement>('[data-vitrine-item]') ?? [])].map((node) => node.dataset.vitrineItem!);

/** Waits for the arm and the list the widget renders for it. */
async function chosen(placeholder: HTMLElement): Promise<string> {
  await vi.waitFor(() => expect(placeholder.dataset.vitrineArm).toBeDefined(), { timeout: 10_000 });
  await vi.waitFor(() => expect(shownIds(placeholder).length).toBeGreaterThan(0), { timeout: 5_000 });
  return placeholder.dataset.vitrineArm!;
}

describe('data-variants on a placeholder', () => {
  it('should hold the placeholder back until the arm is chosen, then converge to the variant whose items get clicked', async () => {
    const shown: string[] = [];
    for (let session = 0; session < 24; session++) {
      await nextSession();
      root.replaceChildren();
      placeholders.sweep();
      const placeholder = addPlaceholder({ 'data-vitrine': 'for_you', 'data-variants': 'for_you|trending|also_bought', 'data-limit': '3' });
      // Nothing rendered before the engine chose: no default list that would then switch.
      expect(placeholder.shadowRoot).toBeNull();
      const arm = await chosen(placeholder);
      shown.push(arm);
      expect(placeholder.dataset.vitrine).toBe(arm);
      expect(shownIds(placeholder)).toEqual([1, 2, 3].map((i) => `${arm}-${i}`));
      // The list's viewable impression (half on screen for a second) is the arm's trial, with its products.
      await vi.waitFor(() => expect(sent.filter((f) => f.kind == 'impression')).toHaveLength(session + 1), { timeout: 4000 });
      expect(sent.at(-1)).toEqual({ experiment: 'for_you', arm, kind: 'impression', products: shownIds(placeholder) });
      if (arm == 'trending') {
        // "Why?" is no success; the item's link is.
        placeholder.shadowRoot!.querySelector<HTMLElement>('[data-vitrine-why]')!.click();
        placeholder.shadowRoot!.querySelector<HTMLElement>('[data-vitrine-item="trending-2"] a')!.click();
        await vi.waitFor(() => expect(sent.at(-1)).toEqual({ experiment: 'for_you', arm, kind: 'click', products: ['trending-2'] }));
      }
    }
    expect(sent.filter((f) => f.kind == 'click')).toHaveLength(shown.filter((arm) => arm == 'trending').length);
    expect(shown.slice(-8).filter((arm) => arm == 'trending').length).toBeGreaterThanOrEqual(6);
    // The widget's own events carry the arm.
    const clicks = tracked.filter((event) => event.type == 'click');
    expect(clicks.length).toBeGreaterThan(0);
    expect(clicks.every((event) => event.arm == 'trending' && event.placement == 'trending')).toBe(true);
    expect(tracked.filter((event) => event.type == 'impression').every((event) => event.arm == event.placement)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('should render a JSON arm with its strategy, heading, count and layout, under data-experiment', async () => {
    const arms = [
      { name: 'short', strategy: 'trending', heading: 'Gerade beliebt', count: 2, layout: 'grid' },
      { name: 'long', strategy: 'similar', heading: '<b>Ähnlich</b>', count: 5 },
    ];
    const placeholder = addPlaceholder({
      'data-vitrine': 'for_you',
      'data-product': 'sku-1',
      'data-experiment': 'pdp-list',
      'data-variants': JSON.stringify(arms),
      'data-reward': 'click:0.5, add_to_cart:1',
    });
    const arm = await chosen(placeholder);
    const variant = arms.find((a) => a.name == arm)!;
    const section = placeholder.shadowRoot!.querySelector('section')!;
    await vi.waitFor(() => expect(shownIds(placeholder)).toHaveLength(variant.count));
    expect(shownIds(placeholder)[0]).toBe(`${variant.strategy}-1`);
    // A heading is text, never HTML.
    expect(section.querySelector('h2')!.textContent).toBe(variant.heading);
    expect(section.querySelector('h2 b')).toBeNull();
    expect(section.classList.contains('grid')).toBe(variant.layout == 'grid');
    await vi.waitFor(() => expect(sent).toEqual([{ experiment: 'pdp-list', arm, kind: 'impression', products: shownIds(placeholder) }]), {
      timeout: 4000,
    });
  });

  it('should mark the list and say so in one item\'s "Why?" exactly when the policy explored', async () => {
    let explored: HTMLElement | null = null;
    let exploited: HTMLElement | null = null;
    // Fresh experiments: every arm has the same posterior mean, so any arm but the first by mean
    // that wins the draw is exploration (two in three, per choice).
    for (let i = 0; i < 30 && !(explored && exploited); i++) {
      const placeholder = addPlaceholder({
        'data-vitrine': 'for_you',
        'data-experiment': `list-explore-${i}`,
        'data-variants': 'for_you|trending|similar',
      });
      await chosen(placeholder);
      // The marks come with the list (the choice's explore index is all that decides).
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (placeholder.dataset.vitrineExplore !== undefined) explored ??= placeholder;
      else exploited ??= placeholder;
    }
    expect(explored).not.toBeNull();
    expect(exploited).not.toBeNull();
    expect(explored!.dataset.vitrineExplore).toBe(explored!.dataset.vitrineArm);
    expect(explored!.dataset.vitrineExplore).not.toBe('for_you');
    const label = explored!.shadowRoot!.querySelectorAll('[data-vitrine-explore-label]');
    expect([...label].map((node) => node.textContent)).toEqual(["We're trying something new here"]);
    const reasons = explored!.shadowRoot!.querySelectorAll('[data-vitrine-explore-reason]');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]!.textContent).toBe("We're trying something new here");
    // In the first item's "Why?" popover, which shows it when opened.
    const first = explored!.shadowRoot!.querySelector('[data-vitrine-item]')!;
    expect(first.contains(reasons[0]!)).toBe(true);
    first.querySelector<HTMLElement>('[data-vitrine-why]')!.click();
    await vi.waitFor(() => expect((reasons[0] as HTMLElement).checkVisibility()).toBe(true));
    expect(exploited!.shadowRoot!.querySelector('[data-vitrine-explore-label], [data-vitrine-explore-reason]')).toBeNull();
  });

  it('should say it in German on a German placeholder', async () => {
    let label: Element | null = null;
    for (let i = 0; i < 30 && !label; i++) {
      const placeholder = addPlaceholder({
        'data-vitrine': 'trending',
        'data-locale': 'de',
        'data-experiment': `liste-${i}`,
        'data-variants': 'trending|for_you|similar',
      });
      await chosen(placeholder);
      await new Promise((resolve) => setTimeout(resolve, 50));
      label = placeholder.shadowRoot!.querySelector('[data-vitrine-explore-label]');
    }
    expect(label!.textContent).toBe('Hier probieren wir etwas Neues aus');
  });

  it("should warn naming the placeholder and show the placeholder's default when data-variants is malformed", async () => {
    const cases: Array<[variants: string, field: string]> = [
      ['for_you|bestsellers', 'data-variants[1].strategy'],
      ['[{"strategy":"trending","count":0},"for_you"]', 'data-variants[0].count'],
      ['[{"strategy":"trending","colour":"red"},"for_you"]', 'data-variants[0].colour'],
      ['[{"strategy":"trending"', 'data-variants'],
      ['for_you', 'arms'],
      ['for_you|for_you', 'arms'],
    ];
    for (const [variants, field] of cases) {
      root.replaceChildren();
      placeholders.sweep();
      warnings = [];
      const placeholder = addPlaceholder({
        'data-vitrine': 'similar',
        'data-product': 'sku-1',
        'data-limit': '2',
        'data-variants': variants,
      });
      await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 10_000 });
      const warning = warnings[0] as { code: string; message: string; details: { field: string } };
      expect(warning.code).toBe('INVALID_REQUEST');
      expect(warning.message).toContain('data-variants on data-vitrine="similar"');
      expect(warning.details.field).toBe(field);
      expect(placeholder.dataset.vitrineArm).toBe('');
      // The default: the placeholder's own placement and limit.
      await vi.waitFor(() => expect(shownIds(placeholder)).toEqual(['similar-1', 'similar-2']));
      expect(placeholder.dataset.vitrine).toBe('similar');
    }
    // Its events carry no arm.
    await vi.waitFor(() => expect(tracked.filter((event) => event.type == 'impression').length).toBeGreaterThan(0), { timeout: 4000 });
    expect(tracked.every((event) => event.arm === undefined)).toBe(true);
  });

  it('should leave a placeholder without data-variants alone', async () => {
    const placeholder = addPlaceholder({ 'data-vitrine': 'trending', 'data-limit': '2' });
    await vi.waitFor(() => expect(shownIds(placeholder)).toEqual(['trending-1', 'trending-2']));
    expect(placeholder.dataset.vitrineArm).toBeUndefined();
    await vi.waitFor(() => expect(tracked.filter((event) => event.type == 'impression')).toHaveLength(2), { timeout: 4000 });
    expect(sent).toEqual([]);
  });
});
