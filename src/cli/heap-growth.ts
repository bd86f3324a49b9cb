/**
 * Keeps V8's heap close to what the build really holds. By default V8 lets the old generation grow
 * to up to four times its live size before a full collection; a catalog build makes tens of millions
 * of short-lived tokens and strings, so a 200,000-product build peaked at 560 MB while holding about
 * 250 MB. Collecting once the heap has grown by a fifth keeps the peak under 400 MB for a few
 * percent more time. `--heap-growing-percent` is read at every collection, so it also takes effect
 * when set after start-up (https://v8.dev/blog/trash-talk); it only changes when V8 collects, never
 * the heap's limit, so a larger catalog still builds.
 *
 * Typed arrays and kernel memory live outside that heap: V8 frees them only at a collection, which
 * their own growth triggers only after tens of MB more. Where the build lets go of whole vector
 * matrices just before it allocates the next ones (the session model's fitting), `collectGarbage`
 * frees them first.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap growth, in percent of the live size, allowed before the next full collection. */
const HEAP_GROWING_PERCENT = 20;

/** V8's full collection, once `collectGarbageEarly` asked for it (the CLI's own process only). */
let fullCollection: (() => void) | undefined;

export function collectGarbageEarly(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // `gc` exists in contexts made after the flag is set (Node's own documented use of setFlagsFromString).
  setFlagsFromString('--expose-gc');
  fullCollection = runInNewContext('gc') as () => void;
}

/** A full collection now, in the CLI's process; elsewhere (tests, the library) nothing. */
export function collectGarbage(): void {
  fullCollection?.();
}
