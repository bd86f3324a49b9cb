/**
 * A viewable impression of a whole element (a content slot, a recommendation list): at least half
 * of it on screen for one second without a break (the IAB rule, as widgets/impressions.ts uses for
 * items). Reported once; the observer stops then.
 */

/** Part of the element that must be visible, and for how long. */
const VISIBLE_RATIO = 0.5;
const VISIBLE_MS = 1000;

export function onViewable(element: Element, report: () => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const observer = new IntersectionObserver(
    ([entry]) => {
      clearTimeout(timer);
      if (entry!.intersectionRatio >= VISIBLE_RATIO) {
        timer = setTimeout(() => {
          observer.disconnect();
          report();
        }, VISIBLE_MS);
      }
    },
    { threshold: VISIBLE_RATIO },
  );
  observer.observe(element);
}
