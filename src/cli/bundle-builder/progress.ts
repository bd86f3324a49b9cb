/**
 * A one-line progress bar on stderr with counts and time left
 * (`reading catalog  [#####-----]  48% · 96,000/~200,000 rows · 3 s left`), redrawn at most every
 * 100 ms. Off unless stderr is a TTY or `--progress` forces it (so logs and CI output stay clean).
 */

/** Minimum time between redraws (at most 10 a second), so drawing never costs measurable build time. */
const REDRAW_MS = 100;
const WIDTH = 20;
/** Time left is shown once a step has run this long: earlier estimates jump around. */
const ESTIMATE_AFTER_MS = 1000;

export interface Progress {
  /**
   * Starts a named step of `total` units. `unit` names what is counted (`products`); a step counted
   * in bytes of a file passes the count of what it read (`rows`) to `update` instead.
   */
  step(label: string, total: number, unit?: string): void;
  /** Reports `done` of `total` units; `count`: items read so far when the units are bytes. */
  update(done: number, count?: number): void;
  /** Clears the bar so a message can be printed; the next update draws it again. */
  clear(): void;
  /** Clears the bar. */
  done(): void;
}

export const noProgress: Progress = { step() {}, update() {}, clear() {}, done() {} };

export interface ProgressStream {
  write(text: string): unknown;
}

export function createProgress(enabled: boolean, stream: ProgressStream = process.stderr, now: () => number = Date.now): Progress {
  if (!enabled) return noProgress;
  let label = '';
  let unit = '';
  let total = 1;
  let started = 0;
  let last = 0;
  const draw = (done: number, count?: number) => {
    const ratio = Math.max(0, Math.min(1, done / total));
    const filled = Math.round(ratio * WIDTH);
    let line = `${label.padEnd(20)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`;
    const counted = countText(done, count, ratio, total, unit);
    if (counted) line += ` · ${counted}`;
    const elapsed = now() - started;
    if (elapsed >= ESTIMATE_AFTER_MS && ratio > 0 && ratio < 1) line += ` · ${duration((elapsed * (1 - ratio)) / ratio)} left`;
    stream.write(`\r\x1b[2K${line}`);
  };
  let lastCount: number | undefined;
  return {
    step(name, count, what = '') {
      // Close the previous step at 100% so the last frame a user sees is never a stale 0%.
      if (label !== '') draw(total, lastCount);
      label = name;
      unit = what;
      total = Math.max(1, count);
      started = now();
      last = started;
      lastCount = undefined;
      draw(0);
    },
    update(done, count) {
      lastCount = count;
      const t = now();
      if (t - last < REDRAW_MS) return;
      last = t;
      draw(done, count);
    },
    clear() {
      stream.write('\r\x1b[2K');
      last = 0;
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}

const number = new Intl.NumberFormat('en-US');

/** `96,000/200,000 products`, or for a step counted in bytes `96,000/~200,000 rows` (the total extrapolated). */
function countText(done: number, count: number | undefined, ratio: number, total: number, unit: string): string {
  if (unit === '' || (count === undefined && total === 1)) return ''; // a share of a file: nothing counted yet
  if (count === undefined) return `${number.format(Math.round(done))}/${number.format(total)} ${unit}`;
  if (ratio >= 1) return `${number.format(count)} ${unit}`;
  return ratio > 0 ? `${number.format(count)}/~${number.format(Math.round(count / ratio))} ${unit}` : `${number.format(count)} ${unit}`;
}

/** `3 s`, `1 min 20 s`. */
export function duration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
