/**
 * A table of built-in words with a shop's own words over it, shared by the widgets' words (i18n.ts)
 * and the privacy panel's (PrivacyPanel/strings.ts), which load apart in the script tag.
 */

/**
 * `base` with `own`'s words over it, at the top level and inside the `nested` groups (e.g.
 * `headings`). An own word of the wrong kind (text where a sentence function is expected, as
 * `data-strings` JSON can give) is left out: the built-in one stays. `base` itself is not changed.
 */
export function withOwnWords<T extends object>(base: T, own: object | undefined, ...nested: string[]): T {
  if (!own) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  const over = (target: Record<string, unknown>, from: Record<string, unknown> = {}): void => {
    for (const key in from) if (typeof from[key] == typeof target[key] && typeof target[key] != 'object') target[key] = from[key];
  };
  over(out, own as Record<string, unknown>);
  for (const group of nested) {
    out[group] = { ...(out[group] as object) };
    over(out[group] as Record<string, unknown>, (own as Record<string, Record<string, unknown>>)[group]);
  }
  return out as T;
}
