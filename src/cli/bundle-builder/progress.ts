/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms. Off unless stderr is a TTY
 * or `--progress` forces it (so logs and CI output stay clean).
 */

/** Minimum time between redraws, so drawing never costs measurable build time. */
const REDRAW_MS = 100;
const WIDTH = 28;

export interface Progress {
  /** Starts a named step of `total` units. */
  step(label: string, total: number): void;
  /** Reports `done` units of the current step. */
  update(done: number): void;
  /** Clears the bar. */
  done(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { step() {}, update() {}, done() {} };
  let label = '';
  let total = 1;
  let last = 0;
  const draw = (done: number) => {
    const ratio = Math.max(0, Math.min(1, done / total));
    const filled = Math.round(ratio * WIDTH);
    stream.write(
      `\r${label.padEnd(22)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`,
    );
  };
  return {
    step(name, count) {
      // Close the previous step at 100% so the last frame a user sees is never a stale 0%.
      if (label !== '') draw(total);
      label = name;
      total = Math.max(1, count);
      last = 0;
      draw(0);
    },
    update(done) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      draw(done);
    },
    done() {
      stream.write(`\r${' '.repeat(60)}\r`);
    },
  };
}
