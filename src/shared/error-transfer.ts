/**
 * Carries a thrown `VitrineError` across a comlink boundary with its `code` and `details` intact.
 *
 * comlink serialises a thrown Error as `{ message, name, stack }` only (its built-in `'throw'`
 * handler, https://github.com/GoogleChromeLabs/comlink/blob/main/src/comlink.ts), so the page would
 * get a plain Error with no code. We replace that handler under the same name, which keeps its
 * place in comlink's handler order, and delegate everything that is not a VitrineError to the
 * original. Both sides must register it: the worker to serialise, the page to rebuild.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { isVitrineError, VitrineError, type SerializedVitrineError } from './errors.ts';

/** The wire shape our handler writes; `vitrine` marks it so the page can tell it from comlink's. */
interface VitrineThrown {
  vitrine: SerializedVitrineError;
}

/** comlink's wrapper around a thrown value (`{ value, [throwMarker]: 0 }`). */
interface ThrownValue {
  value: unknown;
}

const THROW_HANDLER_NAME = 'throw';

let registered = false;

function isVitrineThrown(wire: unknown): wire is VitrineThrown {
  return typeof wire === 'object' && wire !== null && 'vitrine' in wire;
}

/**
 * Installs the VitrineError-aware `'throw'` handler in comlink's registry. Idempotent: each
 * realm (page, worker) calls it once before its first `wrap()` / `expose()`.
 */
export function registerErrorTransfer(): void {
  if (registered) return;
  const original = transferHandlers.get(THROW_HANDLER_NAME);
  if (!original) throw new Error('comlink has no "throw" transfer handler');
  const handler: TransferHandler<unknown, unknown> = {
    canHandle: (value): value is unknown => original.canHandle(value),
    serialize(thrown) {
      const { value } = thrown as ThrownValue;
      if (isVitrineError(value)) {
        // toJSON() copies details; a plain object survives structured clone unchanged.
        const wire: VitrineThrown = { vitrine: (value as VitrineError).toJSON() };
        return [wire, []];
      }
      return original.serialize(thrown);
    },
    deserialize(wire) {
      if (isVitrineThrown(wire)) throw VitrineError.fromJSON(wire.vitrine);
      return original.deserialize(wire);
    },
  };
  transferHandlers.set(THROW_HANDLER_NAME, handler);
  registered = true;
}
