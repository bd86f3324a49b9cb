/**
 * Placeholders: `<div data-vitrine="similar" data-product="SKU-1" data-limit="4"></div>` becomes a
 * widget in the div's open shadow root. Found at start and whenever the page adds one (a
 * MutationObserver in the script tag calls `scan`); re-rendered when its attributes change;
 * unmounted when it leaves the page.
 *
 * Attributes: `data-vitrine` (a placement, or `privacy-panel`), `data-product` (default: the
 * product of the page's JSON-LD), `data-limit` (1–100, default 6), `data-layout` (`carousel` |
 * `grid`), `data-category`, `data-heading`, `data-locale`. What the div holds is the shop's own
 * fallback: it shows through when Vitrine cannot recommend (the widget renders a `<slot>` then).
 */
import { h } from 'preact';
import { mountWidget, PrivacyPanelView, RecommendationsView, type Layout, type WidgetEngine } from '../../widgets/index.ts';
import { VitrineError } from '../shared/errors.ts';
import { MAX_LIMIT, PLACEMENTS, type Placement } from '../shared/request.ts';

/** Attributes whose change re-renders a placeholder. */
export const PLACEHOLDER_ATTRIBUTES = [
  'data-vitrine',
  'data-product',
  'data-limit',
  'data-layout',
  'data-category',
  'data-heading',
  'data-locale',
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

export function createPlaceholders({ engine, locale, pageProduct, warn }: PlaceholderOptions): Placeholders {
  const unmounts = new Map<HTMLElement, () => void>();

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

  const mount = (element: HTMLElement): void => {
    const data = element.dataset;
    const kind = data.vitrine ?? '';
    const widgetLocale = data.locale || locale;
    let view;
    if (kind === PRIVACY_PANEL) {
      view = <PrivacyPanelView vitrine={engine} locale={widgetLocale} />;
    } else if ((PLACEMENTS as readonly string[]).includes(kind)) {
      view = (
        <RecommendationsView
          vitrine={engine}
          placement={kind as Placement}
          product={data.product || pageProduct()}
          limit={limitOf(data.limit)}
          layout={layoutOf(data.layout)}
          category={data.category || undefined}
          heading={data.heading}
          locale={widgetLocale}
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
      unmounts.set(element, mountWidget(element, view));
    } catch (error) {
      // E.g. an element that cannot host a shadow root (`<p>`, or one with a closed root already).
      warn(invalid('data-vitrine', `cannot render into <${element.localName}>: ${error}`));
    }
  };

  return {
    scan(root) {
      const found = [...root.querySelectorAll<HTMLElement>(SELECTOR)];
      if (root instanceof HTMLElement && root.matches(SELECTOR)) found.unshift(root);
      for (const element of found) mount(element);
    },
    sweep() {
      for (const [element, unmount] of unmounts) {
        if (element.isConnected) continue;
        unmount();
        unmounts.delete(element);
      }
    },
  };
}
