/**
 * Placeholders: `<div data-vitrine="similar" data-product="SKU-1" data-limit="4"></div>` becomes a
 * widget in the div's open shadow root. Found at start and whenever the page adds one (a
 * MutationObserver in the script tag calls `scan`); re-rendered when its attributes change;
 * unmounted when it leaves the page.
 *
 * Attributes: `data-vitrine` (a placement, or `privacy-panel`), `data-product` (default: the
 * product of the page's JSON-LD), `data-limit` (1–100, default 6), `data-layout` (`carousel` |
 * `grid`), `data-category`, `data-heading`, `data-locale`, `data-threshold` (the lowest `score` an
 * item may have), `data-strings` (the shop's words as JSON, on the placeholder or any element around
 * it: `<body data-strings='{"empty":"Rien pour le moment."}'>`). What the div holds is the shop's own
 * fallback: it shows through when Vitrine cannot recommend (the widget renders a `<slot>` then).
 *
 * `<template data-vitrine-template="item">` (and `="header"`, `="empty"`) inside a placeholder
 * replace the item card, the heading and the empty state with the shop's markup (templates.ts, the
 * lazily loaded `vitrine-templates.js`): such a placeholder mounts once that script has run (so it
 * asks after the placeholders without templates), and keeps showing its own content until then, or
 * for good when the script cannot load.
 *
 * `data-variants` makes the placeholder an experiment between lists (src/embed/variants.ts, in the
 * lazy experiments script): it is held back until that script chose the arm and set the ordinary
 * attributes and `data-vitrine-arm`, which the widget's events then carry.
 *
 * A page does not repeat itself: each placeholder's query asks the worker to leave out (`exclude`)
 * what the other placeholders show, so it gets the next-best products instead, as many. Queries run
 * one at a time in the order the widgets ask, which at load is document order: the first placement
 * keeps a product. One added later leaves out what is on the page by then; one removed releases its
 * products to those that ask after it (the visitor no longer sees them, so they cannot repeat).
 * `data-repeat="allow"` on a placeholder, or on an element around it (`<body>` for the whole page),
 * leaves it out of this: it neither avoids nor holds products.
 */
import { h } from 'preact';
import {
  mountWidget,
  PrivacyPanelView,
  RecommendationsView,
  type Layout,
  type StringOverrides,
  type WidgetEngine,
} from '../../widgets/index.ts';
import { VitrineError } from '../shared/errors.ts';
import { within } from './page-tracking.ts';
import { MAX_LIMIT, PLACEMENTS, type Placement } from '../shared/request.ts';
import type { FromTemplates } from './templates-contract.ts';

/** Attributes whose change re-renders a placeholder. */
export const PLACEHOLDER_ATTRIBUTES = [
  'data-vitrine',
  'data-product',
  'data-limit',
  'data-layout',
  'data-category',
  'data-heading',
  'data-locale',
  'data-repeat',
  'data-threshold',
  'data-strings',
];
const SELECTOR = '[data-vitrine]';
const PRIVACY_PANEL = 'privacy-panel';

export interface PlaceholderOptions {
  engine: WidgetEngine;
  /** The script tag's `data-locale`, else the page's `lang`. */
  locale: string;
  /** The product the page is about (JSON-LD), for placeholders that name none. */
  pageProduct: () => string | undefined;
  warn: (error: unknown) => void;
  /** Loads the template renderer (`vitrine-templates.js`), for placeholders that hold a `<template>`. */
  templates: () => Promise<FromTemplates>;
}

export interface Placeholders {
  /** Mounts (or re-renders) every placeholder in `root`, `root` included. */
  scan(root: ParentNode): void;
  /** Unmounts the widgets whose placeholder left the page. */
  sweep(): void;
}

function invalid(attribute: string, message: string): VitrineError {
  return new VitrineError('INVALID_REQUEST', `${attribute}: ${message}`, { field: attribute });
}

/** A mounted placeholder: its unmount, and the engine its widget asks through and the products it shows. */
interface Mounted {
  unmount?: () => void;
  engine?: WidgetEngine;
  shown: string[];
}

export function createPlaceholders({ engine, locale, pageProduct, warn, templates }: PlaceholderOptions): Placeholders {
  const mounted = new Map<HTMLElement, Mounted>();
  let fromTemplates: FromTemplates | undefined;
  /** The tail of the placeholders' queries: each runs once those asked before it have answered. */
  let queue: Promise<unknown> = Promise.resolve();

  /** The engine as a placeholder's widget sees it: its queries leave out what the other placeholders show. */
  const dedupe = (entry: Mounted): WidgetEngine => ({
    ...engine,
    recommend(request, options) {
      const answer = queue.then(async () => {
        entry.shown = [];
        const shown = [...mounted.values()].flatMap((other) => other.shown);
        const result = await engine.recommend({ ...request, exclude: shown.concat(request.exclude ?? []) }, options);
        entry.shown = result.items.map((item) => item.productId);
        return result;
      });
      queue = answer.catch(() => 0);
      return answer;
    },
  });

  /** `data-limit` as a whole number in range; a typo keeps the default (and says so) rather than breaking the widget. */
  const limitOf = (text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const limit = Number(text);
    if (Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT) return limit;
    warn(invalid('data-limit', `"${text}" is not a whole number from 1 to ${MAX_LIMIT}; the default applies`));
    return undefined;
  };

  const layoutOf = (text: string | undefined): Layout | undefined => {
    if (text === undefined || text === 'carousel' || text === 'grid') return text;
    warn(invalid('data-layout', `must be "carousel" or "grid", got "${text}"`));
    return undefined;
  };

  const thresholdOf = (text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const threshold = Number(text);
    if (text.trim() && threshold >= 0) return threshold;
    warn(invalid('data-threshold', `"${text}" is not a number ≥ 0; no threshold applies`));
    return undefined;
  };

  /** The shop's words: `data-strings` JSON on the placeholder or the nearest element around it. */
  const stringsOf = (element: HTMLElement): StringOverrides | undefined => {
    const text = element.closest<HTMLElement>('[data-strings]')?.dataset.strings;
    if (text === undefined) return undefined;
    try {
      const strings: unknown = JSON.parse(text);
      if (strings && typeof strings == 'object') return strings;
    } catch {
      // reported below
    }
    warn(invalid('data-strings', 'is not a JSON object; the built-in words apply'));
    return undefined;
  };

  const mount = (element: HTMLElement): void => {
    const data = element.dataset;
    const kind = data.vitrine ?? '';
    const widgetLocale = data.locale || locale;
    // Variants: held back until the experiments script (vitrine-slots.js) chose the arm.
    if (data.variants && data.vitrineArm == null) return;
    const entry = mounted.get(element) ?? { shown: [] };
    const repeats = element.closest('[data-repeat=allow]') !== null;
    // One that may repeat neither avoids nor holds products.
    if (repeats) entry.shown = [];
    const strings = stringsOf(element);
    let view;
    if (kind === PRIVACY_PANEL) {
      view = <PrivacyPanelView vitrine={engine} locale={widgetLocale} strings={strings} />;
    } else if ((PLACEMENTS as readonly string[]).includes(kind)) {
      const templated = element.querySelector(':scope > template[data-vitrine-template]') !== null;
      // The shop's own content shows until the template script ran (for good if it cannot load).
      if (templated && !fromTemplates) {
        templates().then((from) => {
          fromTemplates = from;
          if (element.isConnected) mount(element);
        }, warn);
        return;
      }
      view = (
        <RecommendationsView
          {...(templated && fromTemplates!(element, h))}
          vitrine={repeats ? engine : (entry.engine ??= dedupe(entry))}
          placement={kind as Placement}
          product={data.product || pageProduct()}
          limit={limitOf(data.limit)}
          layout={layoutOf(data.layout)}
          category={data.category || undefined}
          heading={data.heading}
          arm={data.vitrineArm || undefined}
          locale={widgetLocale}
          threshold={thresholdOf(data.threshold)}
          strings={strings}
          onError={warn}
        />
      );
    } else {
      warn(invalid('data-vitrine', `"${kind}" is not one of ${[...PLACEMENTS, PRIVACY_PANEL].join(', ')}`));
      return;
    }
    // Kept on the placeholder too: the shop's analytics and tests find widgets from the light DOM.
    if (data.vitrinePlacement !== kind) data.vitrinePlacement = kind;
    try {
      entry.unmount = mountWidget(element, view);
      mounted.set(element, entry);
    } catch (error) {
      // E.g. an element that cannot host a shadow root (`<ul>`, `<button>`, or one with a closed root already).
      warn(invalid('data-vitrine', `cannot render into <${element.localName}>: ${error}`));
    }
  };

  return {
    scan(root) {
      for (const element of within<HTMLElement>(root, SELECTOR)) mount(element);
    },
    sweep() {
      for (const [element, { unmount }] of mounted) {
        if (element.isConnected) continue;
        unmount?.();
        mounted.delete(element);
      }
    },
  };
}
