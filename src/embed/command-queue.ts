/**
 * The queued global, for calls made before `vitrine.js` has loaded (it loads `async`):
 *
 *   window.vitrine = window.vitrine || [];
 *   vitrine.push(['track', 'view', { product: 'SKU-1' }]);
 *   vitrine.push(['consent.set', { personalization: true }]);
 *   vitrine.push(function (vitrine) { … });   // called with the API once it is there
 *
 * A command is `[method, ...arguments]`, the method a path on the API (`track`, `consent.set`,
 * `profile.forget`, `onError`, `recommend`, …), or a function. Once loaded, the queued commands run
 * in order and `push` runs each new one at once. A command that fails, or names no method, is a
 * warning (to `onError` and the console), never an exception in the page.
 */
import { VitrineError } from '../shared/errors.ts';

export type Command<Api> = readonly [method: string, ...args: unknown[]] | ((api: Api) => unknown);

/** Runs one command; resolves with its result, or with undefined after reporting its failure. */
export async function runCommand(api: object, command: unknown, warn: (error: unknown) => void): Promise<unknown> {
  try {
    if (typeof command == 'function') return await command(api);
    const [path, ...args] = Array.isArray(command) ? command : [];
    // Own properties only: a queued string must not reach `constructor` or `__proto__`.
    let target: unknown;
    let method: unknown = api;
    for (const key of typeof path == 'string' ? path.split('.') : [null]) {
      target = method;
      method = typeof target == 'object' && target && Object.hasOwn(target, key!) ? (target as Record<string, unknown>)[key!] : undefined;
    }
    if (typeof method != 'function') {
      throw new VitrineError('INVALID_REQUEST', `vitrine.push: ${JSON.stringify(path)} is not a method`, { field: 'method' });
    }
    return await method.apply(target, args);
  } catch (error) {
    warn(error);
  }
}
