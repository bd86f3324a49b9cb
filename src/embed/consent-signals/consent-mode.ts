/**
 * Google Consent Mode v2 adapter: reads `gtag('consent', 'default' | 'update', {...})` commands
 * from `window.dataLayer` (those already there, then each new push) and turns the two storage
 * types Vitrine cares about into a consent signal:
 *
 * - `personalization_storage` → `personalization`;
 * - `analytics_storage` → `measurement`.
 *
 * Only `'granted'` grants. A command that names neither type sends no signal; one that names one
 * sends only that scope (the other keeps its value). `ad_*` types are ignored. A `default` limited
 * to some regions (`region: [...]`) is applied only when it denies: Vitrine cannot know the
 * visitor's region, and unknown means denied.
 *
 * `gtag()` pushes its `arguments` object, not an array, so entries are read as array-likes.
 * Consent set only inside Google Tag Manager templates never reaches `dataLayer` and is not seen.
 */

export interface ConsentModeSignal {
  personalization?: boolean;
  measurement?: boolean;
}

const TYPES = { personalization_storage: 'personalization', analytics_storage: 'measurement' } as const;

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { length?: unknown }).length === 'number';
}

/** The signal in one dataLayer entry, or null when it is not a consent command about our scopes. */
export function consentModeSignal(entry: unknown): ConsentModeSignal | null {
  if (!isArrayLike(entry) || entry.length < 3 || entry[0] !== 'consent') return null;
  const command = entry[1];
  const params = entry[2];
  if ((command !== 'default' && command !== 'update') || typeof params !== 'object' || params === null) return null;
  const values = params as Record<string, unknown>;
  const regional = command === 'default' && values.region !== undefined;
  const signal: ConsentModeSignal = {};
  for (const [type, scope] of Object.entries(TYPES)) {
    const value = values[type];
    if (value !== 'granted' && value !== 'denied') continue;
    if (regional && value === 'granted') continue;
    signal[scope] = value === 'granted';
  }
  return Object.keys(signal).length > 0 ? signal : null;
}

interface DataLayer {
  push: (...items: unknown[]) => number;
  [index: number]: unknown;
  length: number;
}

/** Marks a dataLayer Vitrine already watches (the script may be included twice). */
const WATCHED = Symbol.for('vitrine.consentMode');

/**
 * Replays the consent commands already in `win.dataLayer`, then watches new pushes. Returns a stop
 * function, or null when there is no dataLayer. Wrapping `push` is what Google's own tags do; the
 * original push still runs first and its result is returned, and our part never throws.
 */
export function listenConsentMode(win: { dataLayer?: unknown }, onSignal: (signal: ConsentModeSignal) => void): (() => void) | null {
  const layer = win.dataLayer as DataLayer | undefined;
  if (!Array.isArray(layer) || (layer as unknown as Record<symbol, unknown>)[WATCHED]) return null;
  const read = (entry: unknown): void => {
    try {
      const signal = consentModeSignal(entry);
      if (signal) onSignal(signal);
    } catch {
      // A hostile entry (throwing getter) is no signal.
    }
  };
  for (let i = 0; i < layer.length; i += 1) read(layer[i]);
  const original = layer.push;
  let stopped = false;
  const push = function (this: unknown, ...items: unknown[]): number {
    const result = original.apply(this, items);
    if (!stopped) for (const item of items) read(item);
    return result;
  };
  layer.push = push;
  (layer as unknown as Record<symbol, unknown>)[WATCHED] = true;
  return () => {
    stopped = true;
    // Put the original back only if nobody wrapped ours meanwhile; otherwise stay inert.
    if (layer.push === push) layer.push = original;
    delete (layer as unknown as Record<symbol, unknown>)[WATCHED];
  };
}
