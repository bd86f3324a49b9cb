/**
 * Parts of the worker few pages need load on first use (`import()`), each as its own chunk. A chunk
 * that cannot be fetched (offline, a CDN hiccup, a deploy that removed it) is a typed error naming
 * the part, not a bare TypeError; the next call tries again.
 */
import { VitrineError } from '../shared/errors.ts';

export async function loadPart<T>(part: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new VitrineError('CODE_UNAVAILABLE', `could not load Vitrine's ${part} code: ${reason}`, { part });
  }
}
