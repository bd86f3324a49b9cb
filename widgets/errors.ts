/**
 * How widgets read engine failures. Errors cross the worker boundary, so they are told apart by
 * their `code` and `name` strings, never by `instanceof` (STYLE.md #4).
 */

/** Cancellation is not failure (STYLE.md #5): an aborted call is left unreported. */
export function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name == 'AbortError';
}

/** The engine cannot answer at all, so even the non-personalised list would fail. */
export function isFatal(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code);
  return code == 'WORKER_CRASHED' || code == 'NOT_READY' || code == 'TIMEOUT' || code.startsWith('BUNDLE_');
}

/** No bundle yet: asking again later will be answered. */
export function notReady(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code == 'NOT_READY';
}
