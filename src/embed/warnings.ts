/**
 * What the script tag tells the shop when something goes wrong: one warning per error code per
 * page, on the console and to every `onError` listener (a listener added later still hears the
 * warnings given before, so a shop can register whenever it likes). Never throws: a listener that
 * throws is the shop's bug, and it must not stop the others or reach the page as Vitrine's.
 */
import { isVitrineError, VitrineError } from '../shared/errors.ts';

export type WarningListener = (error: VitrineError) => void;

export interface Warnings {
  /** Reports `error` unless one with the same code was reported already. AbortErrors are not failures. */
  report(error: unknown): void;
  /** Adds a listener; it first hears every warning given so far. Returns its removal. */
  listen(listener: WarningListener): () => void;
}

/** The error as a VitrineError: anything else (a bug, a browser refusal) is a crash of the engine. */
function asVitrineError(error: unknown): VitrineError {
  if (isVitrineError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new VitrineError('WORKER_CRASHED', message, { reason: 'unexpected' });
}

function deliver(listener: WarningListener, error: VitrineError): void {
  try {
    listener(error);
  } catch {
    // The shop's listener failed; the warning was already on the console.
  }
}

export function createWarnings(log: Pick<Console, 'warn'> = console): Warnings {
  const given: VitrineError[] = [];
  const listeners = new Set<WarningListener>();
  return {
    report(raw) {
      if ((raw as { name?: unknown } | null)?.name === 'AbortError') return;
      const error = asVitrineError(raw);
      if (given.some((earlier) => earlier.code === error.code)) return;
      given.push(error);
      log.warn(`Vitrine: ${error.message}`);
      for (const listener of listeners) deliver(listener, error);
    },
    listen(listener) {
      listeners.add(listener);
      for (const error of given) deliver(listener, error);
      return () => listeners.delete(listener);
    },
  };
}
