/**
 * Why a fetch of a file on another origin failed, when CORS is the reason. The browser's TypeError
 * ("Failed to fetch") says nothing. A `no-cors` request needs no CORS headers (its answer cannot be
 * read): if it reaches the file, the network is fine and the server's CORS headers are missing.
 * Loaded only after such a failure, so healthy pages never download it.
 */
import { VitrineError } from '../shared/errors.ts';

/** The error naming CORS and its fix, or null when the file cannot be reached at all (offline, DNS, refused). */
export async function corsError(url: string, init: RequestInit): Promise<VitrineError | null> {
  const reached = await fetch(url, { ...init, mode: 'no-cors', method: 'HEAD' }).then(
    () => true,
    () => false,
  );
  return reached
    ? new VitrineError(
        'BUNDLE_FETCH_FAILED',
        `${url} is on another origin that does not let this page read it (CORS): its server must send Access-Control-Allow-Origin`,
        { url, cause: 'cors' },
      )
    : null;
}
