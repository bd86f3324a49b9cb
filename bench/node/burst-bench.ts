/**
 * Issue 12 failure 6 / RELIABILITY S13, measured: bursts of `track()` on the built script tag with
 * personalization consent (the profile in IndexedDB), each in a fresh browser context. The tests
 * assert the outcomes and counts; speed and main-thread health are measured here only.
 */
import type { Browser } from 'playwright';

/** Bursts fired, each as one synchronous loop of `track()` calls. */
export const BURST_SIZES = [10_000, 100_000];

export interface BurstMetric {
  metric: 'track_burst';
  calls: number;
  /** Outcomes: `recorded`, `dropped:<reason>`, `rejected:<code>` (before the queue: `resolved` for a bare resolution). */
  outcomes: Record<string, number>;
  /** The caller's own loop of `track()` calls, ms (one main-thread task by construction). */
  loop_ms: number;
  /** From the loop's start until every call settled, ms. */
  drain_ms: number;
  /** `status()` asked right after the loop, and again once everything settled, ms. */
  status_during_ms: number;
  status_after_ms: number;
  /** Main-thread long tasks (> 50 ms) from the loop until 500 ms after the drain, the caller's loop included; the longest. */
  long_tasks: number;
  longest_task_ms: number;
  /** Longest gap between two animation frames after the loop, until the drain ended, ms. */
  longest_frame_gap_ms: number;
  /** `status().profile.events` and `.overflow` after the drain. */
  profile_events: number;
  profile_overflow: number;
}

// Page-side code as text: this file is type-checked for Node, without the DOM.
const LONG_TASKS = `window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });`;

const BURST = `async (calls) => {
  while (!window.vitrine || Array.isArray(window.vitrine)) await new Promise((r) => setTimeout(r, 10));
  const vitrine = window.vitrine;
  await vitrine.consent.set({ personalization: true });
  await vitrine.status();
  const outcomes = {};
  const add = (key) => void (outcomes[key] = (outcomes[key] || 0) + 1);
  let gap = 0;
  let settled = false;
  const pending = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    pending.push(
      vitrine.track({ type: 'view', product: 'p' + (i % 50), price: 1 }).then(
        (outcome) => add(outcome === undefined ? 'resolved' : outcome.recorded ? 'recorded' : 'dropped:' + outcome.reason),
        (error) => add('rejected:' + (error && error.code)),
      ),
    );
  }
  const loopEnd = performance.now();
  let last = loopEnd;
  const frame = (now) => {
    gap = Math.max(gap, now - last);
    last = now;
    if (!settled) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const during = vitrine.status().then(() => performance.now() - loopEnd);
  await Promise.all(pending);
  const drained = performance.now();
  settled = true;
  const askedAfter = performance.now();
  const status = await vitrine.status();
  const statusAfter = performance.now() - askedAfter;
  await new Promise((r) => setTimeout(r, 500));
  const tasks = window.longTasks.filter((task) => task.start + task.duration >= started);
  return {
    metric: 'track_burst',
    calls,
    outcomes,
    loop_ms: +(loopEnd - started).toFixed(1),
    drain_ms: +(drained - started).toFixed(1),
    status_during_ms: +(await during).toFixed(1),
    status_after_ms: +statusAfter.toFixed(1),
    long_tasks: tasks.length,
    longest_task_ms: +Math.max(0, ...tasks.map((task) => task.duration)).toFixed(1),
    longest_frame_gap_ms: +gap.toFixed(1),
    profile_events: status.profile.events,
    profile_overflow: status.profile.overflow,
  };
}`;

/** Fires each burst at `page` (bench/browser/burst.html) in a fresh context, so every burst starts from an empty profile. */
export async function measureBursts(browser: Browser, pageUrl: string): Promise<BurstMetric[]> {
  const metrics: BurstMetric[] = [];
  for (const calls of BURST_SIZES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript({ content: LONG_TASKS });
    await page.goto(pageUrl);
    metrics.push((await page.evaluate(`(${BURST})(${calls})`)) as BurstMetric);
    await context.close();
  }
  return metrics;
}

export function burstText(m: BurstMetric): string {
  const outcomes = Object.entries(m.outcomes)
    .map(([what, count]) => `${what} ${count}`)
    .join(', ');
  return (
    `track() x ${m.calls} in one loop, with consent: ${outcomes}; loop ${m.loop_ms} ms, all settled after ${m.drain_ms} ms; ` +
    `status() ${m.status_during_ms} ms during, ${m.status_after_ms} ms after; long tasks ${m.long_tasks} (longest ${m.longest_task_ms} ms, ` +
    `the loop itself included); longest frame gap ${m.longest_frame_gap_ms} ms; profile events ${m.profile_events}, overflow ${m.profile_overflow}`
  );
}
