/**
 * Parts of the worker few pages need load on first use (`import()`), each as its own chunk. A chunk
 * that cannot be fetched (offline, a CDN hiccup, a deploy that removed it) is a typed error naming
 * the part, not a bare TypeError; the next call tries again.
 */
import { VitrineError } from '../shared/errors.ts';

/**
 * Where each failed part is asked for next. Chromium (150 at least) keeps a failed `import()` in the
 * worker's module map, so asking for the same URL again fails without a request: a retry needs a URL
 * of its own, taken from the failure's message (Chromium and Firefox name the module there). Kept,
 * so that later calls share the one module instance the retry made.
 */
const retryUrls = new Map<string, string>();

export async function loadPart<T>(part: string, load: () => Promise<T>): Promise<T> {
  const retryUrl = retryUrls.get(part);
  try {
    return await (retryUrl ? (import(/* @vite-ignore */ retryUrl) as Promise<T>) : load());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const failedUrl = /http\S+\.js/.exec(reason)?.[0];
    if (failedUrl) retryUrls.set(part, `${failedUrl}?${Date.now()}`);
    throw new VitrineError('CODE_UNAVAILABLE', `could not load Vitrine's ${part} code: ${reason}`, { part });
  }
}
