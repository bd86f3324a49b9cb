/**
 * Recommendation variants on a placeholder: `<div data-vitrine="for_you" data-variants="for_you|trending|also_bought">`
 * makes the placement an experiment whose arms are strategies, or, as JSON, whole list variants:
 * `[{"name":"a","strategy":"for_you","heading":"Für dich","count":4,"layout":"grid"}, …]`.
 * `data-experiment` names it (default: the placement), `data-reward` weighs the successes
 * (`click:0.2,add_to_cart:1` or JSON), `data-policy="lin-ts"` picks the contextual policy.
 *
 * vitrine.js holds such a placeholder back until it carries `data-vitrine-arm`. This code (in the
 * lazy experiments script) asks the engine for the arm and hands the widget what to render through
 * the placeholder's ordinary attributes (`data-vitrine`, `data-heading`, `data-limit`,
 * `data-layout`) and `data-vitrine-arm`, which the widget's impression and click events carry.
 * A malformed placeholder gets `data-vitrine-arm=""` and a console warning: its own attributes
 * render, as without variants. The list's viewable impression (half on screen for one second) is
 * the arm's trial, with the products shown; a click on an item the arm's success. An exploration
 * is marked on the list (`data-vitrine-explore`, a small label) and in its first item's "Why?".
 */
import type { ArmChoice, ArmFeedback, ArmReward, ExperimentSpec } from '../shared/experiment.ts';
import { isVitrineError, VitrineError } from '../shared/errors.ts';
import { MAX_LIMIT, PLACEMENTS } from '../shared/request.ts';
import { within } from './page-tracking.ts';
import { exploringText, type Experimenter } from './slots.ts';
import { onViewable } from './viewable.ts';

export const VARIANTS_SELECTOR = '[data-variants]';
/** Longest heading a variant may set (it is rendered as text, like any heading). */
const MAX_HEADING = 200;

/** One arm of a placement: what the list shows when it is chosen (unset fields keep the placeholder's own). */
export interface ListVariant {
  name: string;
  strategy: string;
  heading?: string;
  count?: number;
  layout?: 'carousel' | 'grid';
}

function invalid(field: string, message: string): VitrineError {
  return new VitrineError('INVALID_REQUEST', `${field}: ${message}`, { field });
}

const KEYS = ['name', 'strategy', 'heading', 'count', 'layout'];

/**
 * The arms of `data-variants`: `a|b|c` (strategy names, each arm named after its strategy), or a
 * JSON array of strategy names and `{ name?, strategy?, heading?, count?, layout? }` objects
 * (`strategy` defaults to the placeholder's placement, `name` to the strategy).
 * @throws VitrineError INVALID_REQUEST whose `details.field` names the part, e.g. `data-variants[1].count`.
 */
export function parseVariants(text: string, placement: string): ListVariant[] {
  const field = 'data-variants';
  let entries: unknown;
  if (/^\s*[[{]/.test(text)) {
    try {
      entries = JSON.parse(text);
    } catch {
      throw invalid(field, 'is not valid JSON');
    }
  } else entries = text.split('|').map((part) => part.trim());
  if (!Array.isArray(entries)) throw invalid(field, 'must be a JSON array');
  const variants = entries.map((entry: unknown, i): ListVariant => {
    const at = `${field}[${i}]`;
    if (typeof entry == 'string') entry = { strategy: entry };
    if (typeof entry != 'object' || entry === null || Array.isArray(entry)) throw invalid(at, 'must be a strategy name or an object');
    const record = entry as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!KEYS.includes(key)) throw invalid(`${at}.${key}`, `is not one of ${KEYS.join(', ')}`);
    const { name, strategy = placement, heading, count, layout } = record;
    if (typeof strategy != 'string' || !(PLACEMENTS as readonly string[]).includes(strategy))
      throw invalid(`${at}.strategy`, `must be one of ${PLACEMENTS.join(', ')}`);
    const variant: ListVariant = { name: strategy, strategy };
    if (name !== undefined) {
      if (typeof name != 'string' || !name) throw invalid(`${at}.name`, 'must be a non-empty string');
      variant.name = name;
    }
    if (heading !== undefined) {
      if (typeof heading != 'string' || heading.length > MAX_HEADING)
        throw invalid(`${at}.heading`, `must be a string of at most ${MAX_HEADING} characters`);
      variant.heading = heading;
    }
    if (count !== undefined) {
      if (typeof count != 'number' || !Number.isInteger(count) || count < 1 || count > MAX_LIMIT)
        throw invalid(`${at}.count`, `must be a whole number from 1 to ${MAX_LIMIT}`);
      variant.count = count;
    }
    if (layout !== undefined) {
      if (layout != 'carousel' && layout != 'grid') throw invalid(`${at}.layout`, 'must be "carousel" or "grid"');
      variant.layout = layout as 'carousel' | 'grid';
    }
    return variant;
  });
  // Two to fifty distinct names: the engine checks (field `arms`), before anything is chosen.
  return variants;
}

/** `data-reward`: `click:0.2,add_to_cart:1` (commas or spaces between), or a JSON object. The engine checks kinds and weights. */
export function parseReward(text: string): Partial<Record<ArmReward, number>> {
  if (text.trim().startsWith('{')) {
    try {
      return JSON.parse(text) as Partial<Record<ArmReward, number>>;
    } catch {
      throw invalid('data-reward', 'is not valid JSON');
    }
  }
  const reward: Record<string, number> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const [kind, weight, extra] = pair.split(':');
    if (!kind || weight === undefined || extra !== undefined || weight.trim() === '')
      throw invalid('data-reward', `"${pair}" is not kind:weight`);
    reward[kind] = Number(weight);
  }
  return reward;
}

/** The placeholders in `root` that have not been asked for yet (each is asked for once per page). */
const asked = new WeakSet<HTMLElement>();

/** Chooses an arm for every placeholder with `data-variants` in `root` not done yet. */
export function scanVariants(root: ParentNode, vitrine: Experimenter, locale: string, warn: (error: unknown) => void): void {
  for (const host of within<HTMLElement>(root, VARIANTS_SELECTOR)) {
    if (asked.has(host) || host.dataset.vitrineArm !== undefined) continue;
    asked.add(host);
    void mountVariants(host, vitrine, locale, warn).catch((error: unknown) => {
      const where = `data-variants on data-vitrine="${host.dataset.vitrine ?? ''}"`;
      warn(isVitrineError(error) ? new VitrineError(error.code, `${where}: ${error.message}`, error.details) : error);
      // The placeholder's own attributes render, as without variants.
      show(host, '');
    });
  }
}

/** Releases the placeholder to vitrine.js: setting `data-vitrine` (even to its value) makes it render again. */
function show(host: HTMLElement, arm: string, variant?: ListVariant): void {
  host.dataset.vitrineArm = arm;
  if (variant?.heading !== undefined) host.dataset.heading = variant.heading;
  if (variant?.count !== undefined) host.dataset.limit = String(variant.count);
  if (variant?.layout !== undefined) host.dataset.layout = variant.layout;
  host.setAttribute('data-vitrine', variant?.strategy ?? host.dataset.vitrine ?? '');
}

async function mountVariants(host: HTMLElement, vitrine: Experimenter, locale: string, warn: (error: unknown) => void): Promise<void> {
  const data = host.dataset;
  const variants = parseVariants(data.variants!, data.vitrine ?? '');
  const name = data.experiment || data.vitrine || '';
  const spec: ExperimentSpec = { name, arms: variants.map((variant) => variant.name) };
  if (data.reward) spec.reward = parseReward(data.reward);
  if (data.policy) spec.policy = data.policy as ExperimentSpec['policy'];
  const choice: ArmChoice = await vitrine.experiment(spec, { referrer: document.referrer });
  const arm = choice.arms[0]!;
  show(
    host,
    arm,
    variants.find((variant) => variant.name == arm),
  );
  const items = await renderedItems(host);
  if (!items) return;
  const root = host.shadowRoot!;
  if (choice.explore >= 0) markExploration(host, root, data.locale || locale, items[0]!);
  // A report that fails (the engine closed or crashed) loses that trial or success, nothing else.
  const report = (feedback: ArmFeedback): void => void vitrine.reward([feedback]).catch(warn);
  const products = (): string[] => [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')].map((item) => item.dataset.vitrineItem!);
  onViewable(root.querySelector('section') ?? host, () => report({ experiment: name, arm, kind: 'impression', products: products() }));
  // A click (or a middle click) on an item's link is the arm's success; "Why?" and the carousel's buttons are not.
  const clicked = (event: MouseEvent): void => {
    if (event.type == 'auxclick' && event.button != 1) return;
    const path = event.composedPath() as Element[];
    const link = path.findIndex((node) => node.localName == 'a');
    const item = (path as HTMLElement[]).find((node, i) => i > link && node.dataset?.vitrineItem);
    if (link >= 0 && item) report({ experiment: name, arm, kind: 'click', products: [item.dataset.vitrineItem!] });
  };
  host.addEventListener('click', clicked);
  host.addEventListener('auxclick', clicked);
}

/** How long to wait for the widget's list, ms: the widget itself gives up on a slow engine after 3 s. */
const RENDER_TIMEOUT_MS = 30_000;

/**
 * The items the widget renders for the chosen arm, once it has: null when it shows the shop's
 * fallback instead or never renders (vitrine.js renders on the attribute change, a task later).
 */
function renderedItems(host: HTMLElement): Promise<HTMLElement[] | null> {
  return new Promise((resolve) => {
    const started = Date.now();
    const look = (): void => {
      const root = host.shadowRoot;
      const items = root ? [...root.querySelectorAll<HTMLElement>('[data-vitrine-item]')] : [];
      if (items.length) resolve(items);
      else if (!host.isConnected || Date.now() - started > RENDER_TIMEOUT_MS) resolve(null);
      else setTimeout(look, 50);
    };
    look();
  });
}

/** `data-vitrine-explore` on the placeholder, a label by the list's heading, and the reason in the first item's "Why?". */
function markExploration(host: HTMLElement, root: ShadowRoot, locale: string, first: HTMLElement): void {
  host.dataset.vitrineExplore = host.dataset.vitrineArm!;
  const text = exploringText(locale);
  // Appended after what the widget renders there, so its re-renders leave them in place.
  const label = document.createElement('small');
  label.dataset.vitrineExploreLabel = '';
  label.textContent = text;
  (root.querySelector('.head') ?? root).append(label);
  const note = document.createElement('p');
  note.className = 'note';
  note.dataset.vitrineExploreReason = '';
  note.textContent = text;
  first.querySelector('[popover]')?.append(note);
}
