/**
 * Names what `postMessage` could not copy. Its DataCloneError names no field, so after a call fails
 * that way (never before: a successful call pays nothing) each part of the arguments is cloned on
 * its own to find the first one that cannot be: a function, a Symbol, a DOM node, a Proxy.
 */
import { VitrineError } from '../shared/errors.ts';

/** The path below `path` in `value` of the first part structured clone refuses; `path` when it is `value` itself. */
function unsendablePart(value: unknown, path: string): string {
  try {
    if (typeof value == 'object' && value) {
      for (const [key, child] of Object.entries(value)) {
        try {
          structuredClone(child);
        } catch {
          return unsendablePart(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
        }
      }
    }
  } catch {
    // A Proxy whose traps throw: it is the part that cannot be sent.
  }
  return path;
}

/**
 * The `INVALID_REQUEST` for arguments `postMessage` refused (events never get here: `track` copies
 * their known fields first). `names` are the arguments' names when there
 * are several (`productId`, `options`); a single argument's fields are named as the worker names
 * them (`context.recent[1]`), and the argument itself `request`.
 */
export function unsendable(args: unknown[], names: string[] | undefined): VitrineError {
  let field = 'request';
  for (const [i, arg] of args.entries()) {
    try {
      structuredClone(arg);
    } catch {
      field = unsendablePart(arg, names?.[i] ?? '') || field;
      break;
    }
  }
  return new VitrineError('INVALID_REQUEST', `${field}: not plain data, cannot be sent to the engine`, { field });
}
