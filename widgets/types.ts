/**
 * The widgets' contract: what they take in (props) and what they report out (callbacks). Widgets
 * talk to the engine only through the page-side `Vitrine` API (never worker, comlink or IDB code),
 * so the same components serve the script tag's placeholders and a shop's own Preact app.
 */
import type { ComponentType } from 'preact';
import type { Vitrine } from '../src/index.ts';
import type { Placement, ResultItem } from '../src/shared/request.ts';
import type { BusinessRules } from '../src/shared/rules.ts';
import type { StringOverrides, Strings } from './i18n.ts';

export type { StringOverrides, Strings };

/** The part of the engine a recommendation widget uses (its "Why?" can open the privacy panel). */
export type WidgetEngine = Pick<Vitrine, 'recommend' | 'track' | 'consent' | 'profile' | 'status' | 'measurement'>;

/** The part of the engine the privacy panel uses. */
export type PrivacyEngine = Pick<Vitrine, 'consent' | 'profile' | 'status' | 'measurement'>;

/** How a list of recommendations is laid out. */
export type Layout = 'carousel' | 'grid';

/** What an `itemComponent` gets: the item, and the locale and words the list renders in. */
export interface ItemComponentProps {
  item: ResultItem;
  locale: string;
  strings: Strings;
}

/** What a `headerComponent` gets: the heading the list would show, and what it shows. */
export interface HeaderComponentProps {
  heading: string;
  placement: Placement;
  items: readonly ResultItem[] | null;
}

/**
 * How a shop changes what a list renders (Algolia's `itemComponent`, `headerComponent`,
 * `emptyComponent`, `translations`). Components are rendered as components: hooks work in them.
 * What they render lives in the widget's shadow root: style it with `part` attributes and `::part()`.
 */
export interface ListCustomisation {
  /**
   * Renders an item's content inside its `<li part="item">`, instead of the built-in card (image,
   * title, price, rating, "Why?"). A click on a link in it is the item's click.
   */
  itemComponent?: ComponentType<ItemComponentProps>;
  /** Renders the heading, inside the element that labels the list, instead of the built-in text. */
  headerComponent?: ComponentType<HeaderComponentProps>;
  /** Shown when there is nothing to recommend, instead of "No recommendations right now.". */
  emptyComponent?: ComponentType;
  /** The shop's words, any subset, over the built-in ones of `locale` (English unless `de*`). */
  strings?: StringOverrides;
}

/** A list of recommendations as data: the presentational widget, no engine calls. */
export interface RecommendationListProps extends ListCustomisation {
  placement: Placement;
  /** The items to show; `null` while loading (a skeleton is shown), `[]` for the empty state. */
  items: readonly ResultItem[] | null;
  /** Default `'carousel'`. */
  layout?: Layout;
  /** Visible heading; default: the placement's name in `locale` ("Similar products", …). */
  heading?: string;
  /**
   * The list shows something else than `placement` promises (bestsellers in place of "Customers also
   * bought"), as `heading` says: screen readers also hear the placement's name, which keeps two lists
   * headed alike ("Trending now") apart.
   */
  standIn?: boolean;
  /** BCP 47 tag; German for `de*`, English otherwise. Default `'en'`. */
  locale?: string;
  /** The visitor followed a link in an item (a click, or a middle click). */
  onItemClick?: (item: ResultItem, event: MouseEvent) => void;
  /** An item was viewable: at least half of it on screen for one second (once per item and list). */
  onImpression?: (item: ResultItem) => void;
  /** "Not interested" in an item's "Why?" popover. */
  onDismiss?: (item: ResultItem) => void;
  /** "Manage my data" in an item's "Why?" popover. */
  onManageData?: () => void;
}

/** A list of recommendations that asks the engine itself (what a placeholder mounts). */
export interface RecommendationsProps extends ListCustomisation {
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
  /**
   * Leaves out items whose `score` is below this. The score is the engine's own scale (≥ 0, the sum
   * of the item's `components`, no fixed maximum): pick the value from the scores your catalog gets.
   */
  threshold?: number;
  /**
   * Changes the items before they render (after `threshold`): reorder, filter, relabel. Gets a copy;
   * clicks, impressions and dismissals report the items it returns. One that throws is reported to
   * `onError` and the items show unchanged.
   */
  transformItems?: (items: ResultItem[]) => ResultItem[];
  /** After the click is reported to the engine: the visitor followed a link in `item`. */
  onItemClick?: (item: ResultItem, event: MouseEvent) => void;
  /** After the impression is reported to the engine: `item` was viewable (half on screen for one second). */
  onImpression?: (item: ResultItem) => void;
}

export interface WhyButtonProps {
  item: ResultItem;
  locale?: string;
  strings?: StringOverrides;
  onDismiss?: () => void;
  onManageData?: () => void;
}

export interface PrivacyPanelProps {
  vitrine: PrivacyEngine;
  locale?: string;
  strings?: StringOverrides;
  /** Shown as a close button when given (the panel inside a dialog). */
  onClose?: () => void;
}
