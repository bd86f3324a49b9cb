/**
 * Product links and images come from the shop's bundle, which a widget cannot vouch for: a
 * `javascript:` link would run script on click, a `data:` or `blob:` one could show forged content.
 * Only HTTPS (any origin) and the page's own origin pass.
 */

/**
 * The absolute URL when `raw` is safe to use as a link or image source, else null: `https:` on
 * any origin, `http:` only on the page's own origin; everything else (`javascript:`, `data:`,
 * `blob:`, malformed, empty) is refused.
 * @example safeUrl('/p/1') // 'https://shop.example/p/1' on https://shop.example
 */
export function safeUrl(raw: unknown): string | null {
  if (typeof raw != 'string' || !raw.trim()) return null;
  let url: URL;
  try {
    url = new URL(raw, document.baseURI);
  } catch {
    return null;
  }
  return url.protocol == 'https:' || (url.protocol == 'http:' && url.origin == location.origin) ? url.href : null;
}
