/**
 * The connected list: asks the engine for a placement, reports clicks, impressions and dismissals,
 * and degrades in two steps when the engine fails: to the non-personalised bestsellers (`trending`)
 * while the engine still answers, then to the shop's own fallback (the host's children, through a
 * `<slot>`) when it does not. A first answer slower than `FALLBACK_AFTER_MS` shows the shop's
 * fallback meanwhile and replaces it when it comes.
 */
import { h, Fragment } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Placement, ResultItem } from '../../src/shared/request.ts';
import { isAbort, isFatal, notReady } from '../errors.ts';
import { tag } from '../format.ts';
import { pick } from '../i18n.ts';
import { shadowHost } from '../mount.tsx';
import { PrivacyPanelView } from '../PrivacyPanel/index.tsx';
import { RecommendationList } from '../RecommendationList/index.tsx';
import type { RecommendationsProps } from '../types.ts';

/**
 * How long the skeleton may stand before the shop's own fallback shows instead (the answer still
 * fills the widget when it comes): a bundle that downloads slowly must not hide the shop's content.
 */
export const FALLBACK_AFTER_MS = 3000;

/**
 * First wait before asking again after `NOT_READY` (no bundle yet: the app's `load()` is still
 * running, or a restarted engine lost a bundle given as bytes); it doubles up to `NOT_READY_MAX_MS`.
 */
export const NOT_READY_RETRY_MS = 200;
export const NOT_READY_MAX_MS = 5000;

/**
 * What the widget shows: items (null while loading), the bestsellers instead, "now reduced" filled
 * up with other products on sale (headed as such), or the shop's fallback.
 */
type Shown = { items: ResultItem[] | null; as?: Placement | 'on_sale' | false } | 'slot';

export function RecommendationsView(props: RecommendationsProps) {
  const { vitrine, placement, product, limit = 6, layout, heading, category, rules, arm, onManageData, threshold = 0, strings } = props;
  const locale = tag(props.locale);
  const [shown, setShown] = useState<Shown>({ items: null });
  const [dismissed, setDismissed] = useState<readonly string[]>([]);
  const [refill, setRefill] = useState(0);
  // Asked again while the engine has no bundle; only the first NOT_READY is reported.
  const [waits, setWaits] = useState(0);
  const [privacy, setPrivacy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  // Read at call time: a shop's inline arrow function must not count as a new request.
  const latest = useRef(props);
  latest.current = props;

  const fail = (error: unknown): void => {
    if (!isAbort(error)) latest.current.onError?.(error);
  };
  // A report must never break the page: callers send failures to onError, never up.
  const track = (type: 'click' | 'impression' | 'dismiss', item: ResultItem): Promise<unknown> =>
    Promise.resolve().then(() => vitrine.track({ type, product: item.productId, placement, arm }));

  const request = JSON.stringify([placement, product, limit, locale, category, rules]);
  const loaded = useRef<string | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    // A refill keeps the list on screen; a different request starts from the skeleton.
    if (loaded.current != request) setShown({ items: null });
    loaded.current = request;
    const options = { limit, locale, ...(dismissed.length ? { exclude: [...dismissed] } : {}) };
    let retry: ReturnType<typeof setTimeout> | undefined;
    /** Rethrows what is no failure (a cancelled or outdated call), reports the rest; no bundle yet is asked again. */
    const failed = (error: unknown): void => {
      if (signal.aborted || isAbort(error)) throw error;
      if (!notReady(error)) return fail(error);
      if (!waits) fail(error);
      retry = setTimeout(() => setWaits((n) => n + 1), Math.min(NOT_READY_MAX_MS, NOT_READY_RETRY_MS * 2 ** waits));
    };
    const ask = async (): Promise<Shown> => {
      try {
        const { items, fallback } = await vitrine.recommend({ placement, product, category, rules, ...options }, { signal });
        // A list with nothing of its own is headed by what filled it: bestsellers are no "also bought".
        const filledBy = fallback?.reason == 'no-signal' && (fallback.strategy as Placement);
        return { items, as: !!fallback && placement == 'now_reduced' ? 'on_sale' : filledBy };
      } catch (error) {
        failed(error);
        if (isFatal(error)) return 'slot';
      }
      // E.g. a product the bundle does not know: the bestsellers need no product and no profile.
      try {
        const { items } = await vitrine.recommend({ placement: 'trending', ...options }, { signal });
        return { items, as: 'trending' };
      } catch (error) {
        failed(error);
        return 'slot';
      }
    };
    ask().then(
      (next) => signal.aborted || setShown(next),
      () => {}, // cancelled or outdated: nothing to show, nothing to report
    );
    // Only a skeleton gives way: a refill keeps its list.
    const slow = setTimeout(() => setShown((now) => (now != 'slot' && !now.items ? 'slot' : now)), FALLBACK_AFTER_MS);
    return () => {
      controller.abort();
      clearTimeout(slow);
      clearTimeout(retry);
    };
  }, [vitrine, request, refill, waits]);

  useLayoutEffect(() => {
    if (privacy && !dialog.current!.open) dialog.current!.showModal();
  }, [privacy]);

  // Memoised: a new array on every render would restart the impressions' timers.
  const found = shown != 'slot' && shown.items;
  const items = useMemo(() => {
    if (!found) return null;
    const kept = found.filter((item) => !dismissed.includes(item.productId) && item.score >= threshold);
    try {
      return latest.current.transformItems?.(kept.slice()) ?? kept;
    } catch (error) {
      fail(error);
      return kept;
    }
  }, [found, dismissed, threshold]);

  if (shown == 'slot') return <slot />;
  const t = pick(locale, strings);
  return (
    <>
      <RecommendationList
        placement={placement}
        items={items}
        layout={layout}
        heading={heading ?? (shown.as ? t.headings[shown.as] : undefined)}
        standIn={!heading && !!shown.as}
        locale={locale}
        strings={strings}
        itemComponent={props.itemComponent}
        headerComponent={props.headerComponent}
        emptyComponent={props.emptyComponent}
        onItemClick={(item, event) => {
          track('click', item).catch(fail);
          latest.current.onItemClick?.(item, event);
        }}
        onImpression={(item) => {
          track('impression', item).catch(fail);
          latest.current.onImpression?.(item);
        }}
        onDismiss={(item) => {
          setDismissed((ids) => [...ids, item.productId]);
          // Asked again once the engine knows, so the refill leaves the dismissed item out.
          track('dismiss', item).then(() => setRefill((n) => n + 1), fail);
        }}
        onManageData={onManageData ?? (() => setPrivacy(true))}
      />
      {/* Closing it gives the focus back to the item's "Why?" button: the browser returns it to
          where it was at showModal(), and WhyButton put it there before asking for the panel. */}
      {privacy && (
        <dialog ref={dialog} class="dlg" aria-label={t.yourData} onClose={() => setPrivacy(false)}>
          <PrivacyPanelView vitrine={vitrine} locale={locale} strings={strings} onClose={() => dialog.current!.close()} />
        </dialog>
      )}
    </>
  );
}

/** `RecommendationsView` in its own shadow root, for apps: the shop's CSS stays out, the widget's in. */
export const Recommendations = shadowHost(RecommendationsView);
