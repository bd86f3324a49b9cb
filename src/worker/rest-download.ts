/**
 * The full bundle after its head part (issue 16), in the background. Its own chunk: only a first
 * visit that found a head part loads it, after that head part serves.
 */
import type { BundleStatus } from '../shared/request.ts';
import { fetchBundle, writeCached } from './bundle-cache.ts';
import { savingData } from './data-plan.ts';
import type { LoadedBundle } from './loaded-bundle.ts';

export interface RestDownload {
  url: string;
  signal: AbortSignal;
  /** The shop's cap on this download, bytes (`data-max-download`), if any. */
  maxDownload?: number;
  /** What `status().bundle.pending` shows; kept up to date here. */
  pending: NonNullable<BundleStatus['pending']>;
  /** Resolves on the visitor's first interaction. */
  interaction: Promise<void>;
  /** Swaps the full bundle in (through the load queue) if its head part still serves: the loaded bundle, else null. */
  swap(bytes: ArrayBuffer): Promise<LoadedBundle | null>;
}

/**
 * Held back while the visitor saves data (until an interaction), never fetched when larger than
 * `maxDownload` (the head part says how large it is); cached once swapped in. Rejects when the
 * download or the bundle fails (the head part keeps serving).
 */
export async function downloadRest({ url, signal, maxDownload, pending, interaction, swap }: RestDownload): Promise<void> {
  if (pending.bytes > (maxDownload ?? Infinity)) {
    pending.reason = 'max-download';
    return;
  }
  if (savingData()) {
    pending.reason = 'save-data';
    await new Promise<void>((resolve, reject) => {
      void interaction.then(resolve);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    pending.reason = 'downloading';
  }
  const fetched = await fetchBundle(url, signal);
  const serving = await swap(fetched.bytes);
  // Decoded first: corrupt bytes never reach the cache.
  if (serving) await writeCached(url, fetched.bytes, serving.bundle.contentHash, fetched.validators);
}
