/**
 * `?debug=1`: an overlay for the shop owner, loaded only then (layout.ts). It shows what Vitrine's
 * public API tells about this page and visitor:
 * - each list's items with their score components (`ResultItem.components`, which sum to `score`):
 *   for Vitrine's widgets the same request asked again through `vitrine.recommend` (what the
 *   other widgets show left out, as the page does), for the shop's own lists what `demo:ranked` carried;
 * - the visitor's intent and buyer type (`vitrine.traits()`);
 * - each experiment's arms with their Beta posteriors (posterior-chart.ts): the prior from the
 *   priors file the page names (`data-bandit-priors`), else the bundle's, else flat, plus this
 *   visitor's tallies from `vitrine.profile.export()` when stored.
 * Product strings are text nodes only (el()).
 */
import type { VitrineGlobal } from '../../src/embed/script-tag.ts';
import type { PriorsFile } from '../../src/shared/bandit/counts.ts';
import type { ExportedArm } from '../../src/shared/profile-export.ts';
import type { Placement, ResultItem } from '../../src/shared/request.ts';
import { el } from './dom.ts';
import { LANG } from './i18n.ts';
import { betaInterval, betaMean, posteriorChart, type ArmPosterior } from './posterior-chart.ts';
import { rankedLists, withVitrine } from './vitrine.ts';

const TEXT = {
  de: {
    // The same name in both languages: the overlay is found by it (test/e2e/demo.spec.ts).
    title: 'Vitrine debug',
    visitor: 'Besucher',
    intent: 'Absicht',
    buyer: 'Käufertyp',
    brand: 'Marken',
    lists: 'Listen',
    experiments: 'Experimente',
    none: 'keine auf dieser Seite',
    waiting: 'wartet auf Vitrine …',
    notInAnswer: 'nicht in der erneuten Antwort (Profil seither geändert)',
    priorsFile: (url: string, at: string) => `Prior: Priors-Datei ${url} (Stand ${at})`,
    bundlePriors: 'Prior: aus dem Bundle',
    flatPriors: 'Prior: flach, Beta(1, 1) (keine Priors-Datei, keine im Bundle)',
    tallies: (trials: number, successes: number) =>
      `+ deine Zählung: ${trials} ${trials === 1 ? 'Ansicht' : 'Ansichten'}, ${successes} ${successes === 1 ? 'Erfolg' : 'Erfolge'}`,
    noTallies: '+ keine eigene Zählung gespeichert (nur mit Einwilligung in Personalisierung)',
    chartLabel: (name: string) => `Posterior der Varianten von ${name}: Dichte, Mittelwert und 95-%-Intervall der Klickrate`,
    linTs: 'lin-ts: die Politik gewichtet zusätzlich den Kontext des Besuchs',
    refresh: 'Aktualisieren',
  },
  en: {
    title: 'Vitrine debug',
    visitor: 'Visitor',
    intent: 'Intent',
    buyer: 'Buyer type',
    brand: 'Brands',
    lists: 'Lists',
    experiments: 'Experiments',
    none: 'none on this page',
    waiting: 'waiting for Vitrine …',
    notInAnswer: 'not in the answer asked again (the profile changed since)',
    priorsFile: (url: string, at: string) => `Prior: priors file ${url} (as of ${at})`,
    bundlePriors: "Prior: the bundle's",
    flatPriors: 'Prior: flat, Beta(1, 1) (no priors file, none in the bundle)',
    tallies: (trials: number, successes: number) =>
      `+ your tallies: ${trials} ${trials === 1 ? 'view' : 'views'}, ${successes} ${successes === 1 ? 'success' : 'successes'}`,
    noTallies: '+ no tallies of yours stored (only with personalization consent)',
    chartLabel: (name: string) => `Posteriors of the arms of ${name}: density, mean and 95% interval of the click rate`,
    linTs: "lin-ts: the policy also weighs the visit's context",
    refresh: 'Refresh',
  },
}[LANG];

/** A list on the page: its name, the ids shown in order, and Vitrine's items for them (by id). */
interface ShownList {
  name: string;
  shown: string[];
  items: Map<string, ResultItem>;
}

/** An experiment on the page: a content slot or a placeholder with `data-variants`. */
interface PageExperiment {
  name: string;
  arms: string[];
  shown: string[];
  policy: string;
}

/** Three decimals, without a "-0.000" for a tiny negative. */
const fixed = (value: number): string => (Math.abs(value) < 0.0005 ? 0 : value).toFixed(3);

// ---- Lists ----------------------------------------------------------------------------------

/** Vitrine's widgets on the page, each with the product ids it shows (in its open shadow root). */
function widgets(): { element: HTMLElement; placement: Placement; shown: string[] }[] {
  return [...document.querySelectorAll<HTMLElement>('[data-vitrine]')]
    .filter((element) => element.dataset.vitrine !== 'privacy-panel')
    .map((element) => ({
      element,
      placement: element.dataset.vitrine as Placement,
      shown: [...(element.shadowRoot?.querySelectorAll('[data-vitrine-item]') ?? [])].map((item) =>
        item.getAttribute('data-vitrine-item')!,
      ),
    }));
}

/**
 * A widget's request asked again, as the widget asked it: placement, product, category, limit,
 * locale, leaving out what the page's other widgets show (the page never repeats a product;
 * leaving out products that ranked below this list's own changes nothing in it).
 */
async function askAgain(vitrine: VitrineGlobal, widget: ReturnType<typeof widgets>[number], others: string[]): Promise<ShownList> {
  const data = widget.element.dataset;
  const product = data.product || pageProduct();
  const { items } = await vitrine.recommend({
    placement: widget.placement,
    ...(product && { product }),
    ...(data.category && { category: data.category }),
    limit: Number(data.limit) || 6,
    locale: data.locale || LANG,
    exclude: others,
  });
  return { name: widget.placement, shown: widget.shown, items: new Map(items.map((item) => [item.productId, item])) };
}

/** The product of the page's JSON-LD, which placeholders without `data-product` default to. */
function pageProduct(): string | undefined {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const data = JSON.parse(script.textContent ?? '') as { '@type'?: string; sku?: string; productID?: string };
      if (data['@type'] === 'Product') return data.sku ?? data.productID;
    } catch {
      // not the product's
    }
  }
  return undefined;
}

/** Colour slots by component name, in order of first appearance: the same component has the same colour in every list. */
const componentColours = new Map<string, number>();
const colourOf = (component: string): string => {
  if (!componentColours.has(component)) componentColours.set(component, componentColours.size % 6);
  return `component-${componentColours.get(component)}`;
};

function componentBar(item: ResultItem, top: number): HTMLElement {
  const bar = el('div', { class: 'component-bar', 'aria-hidden': 'true' });
  for (const [name, value] of Object.entries(item.components)) {
    if (value <= 0 || top <= 0) continue;
    const part = el('span', { class: colourOf(name), title: name });
    part.style.width = `${(value / top) * 100}%`;
    bar.append(part);
  }
  return bar;
}

/** The item's components as a sum: the non-zero ones with their values, the zero ones named once at the end. */
function componentSum(item: ResultItem): HTMLElement {
  const entries = Object.entries(item.components);
  const parts = entries
    .filter(([, value]) => value !== 0)
    .map(([component, value]) =>
      el(
        'span',
        { class: `component ${colourOf(component)}`, 'data-component': component, 'data-value': String(value) },
        `${component} ${fixed(value)}`,
      ),
    );
  const zeros = entries.filter(([, value]) => value === 0).map(([component]) => component);
  return el(
    'div',
    { class: 'debug-components' },
    ...parts.flatMap((part, i) => (i ? [' + ', part] : [part])),
    zeros.length > 0 && el('span', { class: 'debug-zero', 'data-zero-components': zeros.join(' ') }, ` (0: ${zeros.join(', ')})`),
  );
}

function listSection({ name, shown, items }: ShownList): HTMLElement {
  const top = Math.max(0, ...[...items.values()].map((item) => item.score));
  const rows = shown.map((id) => {
    const item = items.get(id);
    if (!item) return el('li', { 'data-debug-item': id }, el('span', { class: 'debug-missing' }, `${id}: ${TEXT.notInAnswer}`));
    return el(
      'li',
      { 'data-debug-item': id, 'data-score': String(item.score) },
      el('div', { class: 'debug-item-head' }, el('span', { class: 'debug-title' }, item.title), el('strong', {}, fixed(item.score))),
      componentBar(item, top),
      componentSum(item),
    );
  });
  return el('section', { class: 'debug-list', 'data-debug-list': name }, el('h4', {}, name), el('ol', {}, ...rows));
}

// ---- Experiments ----------------------------------------------------------------------------

/** The arms of `data-variants`: names separated by `|`, or a JSON array of names or `{ name, strategy }`. */
function variantArms(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as (string | { name?: string; strategy?: string })[];
    return parsed.map((arm) => (typeof arm === 'string' ? arm : (arm.name ?? arm.strategy ?? '')));
  } catch {
    return text.split('|').map((arm) => arm.trim());
  }
}

function pageExperiments(): PageExperiment[] {
  const shownOf = (element: HTMLElement) => (element.dataset.vitrineArm ?? '').split(' ').filter(Boolean);
  const slots = [...document.querySelectorAll<HTMLElement>('[data-vitrine-slot]')].map((slot) => ({
    name: slot.dataset.vitrineSlot!,
    // Recorded by layout.ts before Vitrine replaced the first variant (its name is gone from the slot then).
    arms:
      slot.dataset.debugArms?.split(' ') ??
      [...slot.querySelectorAll<HTMLElement>(':scope > [data-variant]')].map((v) => v.dataset.variant!),
    shown: shownOf(slot),
    policy: slot.dataset.policy ?? 'ts',
  }));
  const lists = [...document.querySelectorAll<HTMLElement>('[data-variants]')].map((host) => ({
    name: host.dataset.experiment ?? host.dataset.vitrinePlacement ?? host.dataset.vitrine!,
    arms: variantArms(host.dataset.variants!),
    shown: shownOf(host),
    policy: host.dataset.policy ?? 'ts',
  }));
  return [...slots, ...lists];
}

type ArmPriors = Record<string, { alpha: number; beta: number }>;

/** Where the page's priors come from: the file (`data-bandit-priors`), else the bundle's section. */
interface PriorsSource {
  file: { url: string; priors: PriorsFile } | null;
  bundle: Record<string, ArmPriors> | null;
}

/** The bundle's priors section, read once per page (only the overlay decodes the bundle on the page: debug pages may pay for it). */
let bundlePriors: Promise<PriorsSource['bundle']> | undefined;

async function readBundlePriors(url: string): Promise<PriorsSource['bundle']> {
  const { decodeBundle } = await import('../../src/shared/bundle/reader.ts');
  const bytes = await fetch(url).then((response) => response.arrayBuffer());
  return decodeBundle(bytes).banditPriors as PriorsSource['bundle'];
}

/** The priors file as it is now (the worker takes a new one from its next choice on), and the bundle's when the file does not name every experiment. */
async function priorsSource(experiments: PageExperiment[]): Promise<PriorsSource> {
  const script = document.querySelector<HTMLScriptElement>('script[src$="/vitrine.js"]');
  const url = script?.dataset.banditPriors;
  let file: PriorsSource['file'] = null;
  if (url) {
    const response = await fetch(url, { cache: 'no-cache' }).catch(() => null);
    if (response?.ok) file = { url, priors: (await response.json()) as PriorsFile };
  }
  const bundleUrl = script?.dataset.bundle;
  const needsBundle = experiments.some(({ name }) => !file?.priors.experiments?.[name]);
  const bundle = needsBundle && bundleUrl ? await (bundlePriors ??= readBundlePriors(bundleUrl)) : null;
  return { file, bundle };
}

type PriorKind = 'file' | 'bundle' | 'flat';

/** One experiment's prior per arm, as the worker picks it: the file's (it replaces the bundle's for experiments it names), the bundle's, flat. */
function priorsFor(name: string, segment: string, source: PriorsSource): { priors: ArmPriors; kind: PriorKind; note: string } {
  const inFile = source.file?.priors.experiments?.[name];
  if (inFile) {
    const { url, priors } = source.file!;
    return { priors: inFile[segment] ?? inFile.all ?? {}, kind: 'file', note: TEXT.priorsFile(url, priors.updatedAt) };
  }
  const inBundle = source.bundle?.[name];
  if (inBundle) return { priors: inBundle, kind: 'bundle', note: TEXT.bundlePriors };
  return { priors: {}, kind: 'flat', note: TEXT.flatPriors };
}

function experimentSection(experiment: PageExperiment, source: PriorsSource, tallies: ExportedArm[]): HTMLElement {
  const mine = tallies.filter((tally) => tally.experiment === experiment.name);
  // Context-free experiments count in segment `all`; a lin-ts one in the visitor's segment (new-desktop, …).
  const segment = experiment.policy === 'lin-ts' ? (mine[0]?.segment ?? 'all') : 'all';
  const { priors, kind, note } = priorsFor(experiment.name, segment, source);
  const arms: ArmPosterior[] = experiment.arms.map((arm) => {
    const prior = priors[arm] ?? { alpha: 1, beta: 1 };
    const tally = mine.find((t) => t.arm === arm && t.segment === segment);
    const successes = tally?.successes ?? 0;
    const failures = (tally?.trials ?? 0) - successes;
    return { arm, alpha: prior.alpha + successes, beta: prior.beta + failures, shown: experiment.shown.includes(arm) };
  });
  const trials = mine.reduce((sum, t) => sum + t.trials, 0);
  const successes = mine.reduce((sum, t) => sum + t.successes, 0);
  const legend = arms.map(({ arm, alpha, beta }) => {
    const [low, high] = betaInterval(alpha, beta);
    return el(
      'li',
      { 'data-arm': arm, 'data-alpha': String(alpha), 'data-beta': String(beta) },
      `${arm}: Beta(${+alpha.toFixed(2)}, ${+beta.toFixed(2)}) · ${fixed(betaMean(alpha, beta))} [${low.toFixed(2)}, ${high.toFixed(2)}]`,
    );
  });
  return el(
    'section',
    {
      class: 'debug-experiment',
      'data-debug-experiment': experiment.name,
      'data-prior-source': kind,
    },
    el('h4', {}, experiment.name),
    el('p', { class: 'debug-note' }, note, ' ', mine.length ? TEXT.tallies(trials, successes) : TEXT.noTallies),
    experiment.policy === 'lin-ts' && el('p', { class: 'debug-note' }, TEXT.linTs),
    posteriorChart(arms, TEXT.chartLabel(experiment.name)),
    el('ul', { class: 'debug-legend' }, ...legend),
  );
}

// ---- The panel ------------------------------------------------------------------------------

function traitLine(trait: string, label: string, value: string, confidence: number): HTMLElement {
  return el('div', { class: 'debug-trait', 'data-trait': trait }, el('dt', {}, label), el('dd', {}, `${value} (${confidence.toFixed(2)})`));
}

async function render(vitrine: VitrineGlobal, body: HTMLElement): Promise<void> {
  const traits = await vitrine.traits();
  const visitor = el(
    'section',
    { class: 'debug-visitor', 'data-debug-visitor': true },
    el('h3', {}, TEXT.visitor),
    el(
      'dl',
      {},
      traitLine('intent', TEXT.intent, traits.intent.value, traits.intent.confidence),
      traitLine('buyer', TEXT.buyer, traits.price.value, traits.price.confidence),
      traitLine(
        'brand',
        TEXT.brand,
        traits.brand.brand ? `${traits.brand.value}: ${traits.brand.brand}` : traits.brand.value,
        traits.brand.confidence,
      ),
    ),
  );

  const shown = widgets().filter((widget) => widget.shown.length);
  const lists: ShownList[] = [];
  for (const widget of shown) {
    const others = shown.filter((other) => other !== widget).flatMap((other) => other.shown);
    lists.push(await askAgain(vitrine, widget, others));
  }
  for (const [name, items] of rankedLists) {
    lists.push({ name, shown: items.map((item) => item.productId), items: new Map(items.map((item) => [item.productId, item])) });
  }

  const experiments = pageExperiments();
  const [source, exported] = await Promise.all([
    experiments.length ? priorsSource(experiments) : Promise.resolve({ file: null, bundle: null }),
    vitrine.profile.export(),
  ]);
  body.replaceChildren(
    visitor,
    el('section', {}, el('h3', {}, TEXT.lists), ...(lists.length ? lists.map(listSection) : [el('p', {}, TEXT.none)])),
    el(
      'section',
      {},
      el('h3', {}, TEXT.experiments),
      ...(experiments.length
        ? experiments.map((experiment) => experimentSection(experiment, source, exported.bandit))
        : [el('p', {}, TEXT.none)]),
    ),
  );
}

/** What the overlay shows depends on: the widgets' items, the shop's ranked lists, the arms chosen. */
function pageState(): string {
  return JSON.stringify([widgets().map((widget) => widget.shown), [...rankedLists.keys()], pageExperiments().map((e) => e.shown)]);
}

/** How often the overlay checks whether a list or an arm changed (widgets render after the page). */
const WATCH_MS = 500;

export function mountDebugOverlay(): void {
  const body = el('div', { class: 'debug-body' }, el('p', {}, TEXT.waiting));
  const refresh = el('button', { type: 'button', class: 'link-button' }, TEXT.refresh);
  // Open on a wide screen; on a phone it starts as a small bar, so the page stays readable.
  const details = el(
    'details',
    { ...(matchMedia('(min-width: 48rem)').matches && { open: true }) },
    el('summary', {}, TEXT.title),
    refresh,
    body,
  );
  document.body.append(el('aside', { class: 'debug-overlay', 'aria-label': TEXT.title, 'data-debug-overlay': true }, details));

  withVitrine(async (vitrine) => {
    if (!(await vitrine.ready)) return;
    let rendered = '';
    let running = false;
    const update = async (force = false) => {
      const state = pageState();
      if (running || (!force && state === rendered)) return;
      running = true;
      try {
        await render(vitrine, body);
        rendered = state;
        body.dataset.ready = 'true';
      } catch (error) {
        body.replaceChildren(el('p', { class: 'debug-missing' }, String(error)));
      } finally {
        running = false;
      }
    };
    refresh.addEventListener('click', () => void update(true));
    document.addEventListener('demo:ranked', () => void update(true));
    await update(true);
    setInterval(() => void update(), WATCH_MS);
  }).catch(() => undefined);
}
