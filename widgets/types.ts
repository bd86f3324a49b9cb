/**
 * The widgets' contract: what they take in (props) and what they report out (callbacks). Widgets
 * talk to the engine only through the page-side `Vitrine` API (never worker, comlink or IDB code),
 * so the same components serve the script tag's placeholders and a shop's own Preact app.
 */
import type { Vitrine } from '../src/index.ts';
import type { Placement, ResultItem } from '../src/shared/request.ts';
import type { BusinessRules } from '../src/shared/rules.ts';

/** The part of the engine a recommendation widget uses (its "Why?" can open the privacy panel). */
export type WidgetEngine = Pick<Vitrine, 'recommend' | 'track' | 'consent' | 'profile' | 'status' | 'measurement'>;

/** The part of the engine the privacy panel uses. */
export type PrivacyEngine = Pick<Vitrine, 'consent' | 'profile' | 'status' | 'measurement'>;

/** How a list of recommendations is laid out. */
export type Layout = 'carousel' | 'grid';

/** A list of recommendations as data: the presentational widget, no engine calls. */
export interface RecommendationListProps {
  placement: Placement;
  /** The items to show; `null` while loading (a skeleton is shown), `[]` for the empty state. */
  items: readonly ResultItem[] | null;
  /** Default `'carousel'`. */
  layout?: Layout;
  /** Visible heading; default: the placement's name in `locale` ("Similar products", …). */
  heading?: string;
  /** BCP 47 tag; German for `de*`, English otherwise. Default `'en'`. */
  locale?: string;
  /** The visitor followed an item's link. */
  onItemClick?: (item: ResultItem) => void;
  /** An item was viewable: at least half of it on screen for one second (once per item and list). */
  onImpression?: (item: ResultItem) => void;
  /** "Not interested" in an item's "Why?" popover. */
  onDismiss?: (item: ResultItem) => void;
  /** "Manage my data" in an item's "Why?" popover. */
  onManageData?: () => void;
}

/** A list of recommendations that asks the engine itself (what a placeholder mounts). */
export interface RecommendationsProps {
  vitrine: WidgetEngine;
  placement: Placement;
  /** The page's product (`similar`, `also_bought`, `goes_with`). */
  product?: string;
  /** Items asked for. Default 6. */
  limit?: number;
  layout?: Layout;
  heading?: string;
  locale?: string;
  category?: string;
  rules?: BusinessRules;
  /** The experiment arm this list shows (a placeholder's `data-variants`): its click, impression and dismiss events carry it. */
  arm?: string;
  /**
   * Called with each failure (a `VitrineError` with its `code`). The widget then shows the
   * non-personalised bestsellers (`trending`) when the engine still answers, or else its
   * fallback: the host element's own children (a `<slot>`), which may be empty.
   */
  onError?: (error: unknown) => void;
  /** Replaces the built-in privacy dialog that "Manage my data" opens. */
  onManageData?: () => void;
}

export interface WhyButtonProps {
  item: ResultItem;
  locale?: string;
  onDismiss?: () => void;
  onManageData?: () => void;
}

export interface PrivacyPanelProps {
  vitrine: PrivacyEngine;
  locale?: string;
  /** Shown as a close button when given (the panel inside a dialog). */
  onClose?: () => void;
}
