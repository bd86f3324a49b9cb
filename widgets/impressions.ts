/**
 * Viewable impressions: an item counts once it has been at least half on screen for one second
 * without a break (the IAB/MRC display viewability rule,
 * https://www.iab.com/guidelines/iab-measurement-guidelines/), once per item for as long as the
 * list is mounted. An item clipped by the carousel's scroll box is not on screen: the
 * IntersectionObserver clips by every scrolling ancestor.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ResultItem } from '../src/shared/request.ts';

/** Part of the item that must be visible. */
const VISIBLE_RATIO = 0.5;
/** How long it must stay visible, ms. */
const VISIBLE_MS = 1000;

export function useImpressions(
  list: RefObject<HTMLElement | null>,
  items: readonly ResultItem[] | null,
  onImpression: ((item: ResultItem) => void) | undefined,
): void {
  const seen = useRef(new Set<string>()).current;
  // The latest callback, without restarting the observer (and its timers) on every render.
  const report = useRef(onImpression);
  report.current = onImpression;

  useEffect(() => {
    const root = list.current;
    if (!root || !items) return;
    const timers = new Map<Element, ReturnType<typeof setTimeout>>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const { target, intersectionRatio } of entries) {
          const id = (target as HTMLElement).dataset.vitrineItem!;
          clearTimeout(timers.get(target));
          timers.delete(target);
          if (intersectionRatio < VISIBLE_RATIO) continue;
          const timer = setTimeout(() => {
            observer.unobserve(target);
            seen.add(id);
            const item = items.find((i) => i.productId == id);
            if (item) report.current?.(item);
          }, VISIBLE_MS);
          timers.set(target, timer);
        }
      },
      { threshold: VISIBLE_RATIO },
    );
    for (const element of root.querySelectorAll<HTMLElement>('[data-vitrine-item]')) {
      if (!seen.has(element.dataset.vitrineItem!)) observer.observe(element);
    }
    return () => {
      observer.disconnect();
      timers.forEach(clearTimeout);
    };
  }, [items]);
}
