/**
 * The worker's side of the calls src/embed/worker-calls.ts makes: the subset of comlink's wire
 * protocol the page uses (a method call, its answer or its error). comlink's own `expose` also serves
 * property reads and writes, constructors, proxies and new endpoints, which no caller of the engine
 * sends: some 1,330 of the engine's 40,000 gzip bytes for nothing.
 *
 * Protocol (comlink 4, https://github.com/GoogleChromeLabs/comlink/blob/main/src/protocol.ts): a call
 * is `{ id, type: 'APPLY', path: [method], argumentList }` with each argument `{ type: 'RAW', value }`;
 * the answer carries the same `id` and is `{ type: 'RAW', value }`, or `{ type: 'HANDLER', name:
 * 'throw', value }` for a thrown error: `{ vitrine: VitrineError JSON }` for Vitrine's errors (code and
 * details kept), else comlink's `{ isError, value }` (an Error's message, name and stack; any other
 * thrown value as it is).
 */
import { isVitrineError } from '../shared/errors.ts';

/** A call as worker-calls.ts (or comlink's `wrap`) sends it. */
interface Call {
  id?: string;
  type?: string;
  path?: string[];
  argumentList?: Array<{ value: unknown }>;
}

/** The wire form of what a call threw. */
function thrownValue(error: unknown): object {
  if (isVitrineError(error)) return { vitrine: error.toJSON() };
  if (error instanceof Error) return { isError: true, value: { message: error.message, name: error.name, stack: error.stack } };
  return { isError: false, value: error };
}

/** Where calls arrive and answers go: the worker's global scope, or a MessagePort in tests. */
export interface CallEndpoint {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  postMessage(message: unknown): void;
}

/** Answers every call of one of `api`'s own methods that arrives on `endpoint`; other messages are left alone. */
export function serveCalls(api: object, endpoint: CallEndpoint): void {
  endpoint.addEventListener('message', ({ data }: MessageEvent<Call | null>) => {
    if (!data) return;
    // Outside the try, as in comlink: a message whose arguments are no list is a bug of the sender
    // and throws here, uncaught (a test crashes a real worker this way).
    const args = (data.argumentList ?? []).map((argument) => argument.value);
    if (data.type !== 'APPLY') return;
    const { id, path = [] } = data;
    const reply = (answer: object): void => endpoint.postMessage({ ...answer, id });
    new Promise((resolve) => {
      const name = path.join('.');
      const method: unknown = Object.hasOwn(api, name) ? (api as Record<string, unknown>)[name] : undefined;
      if (typeof method !== 'function') throw new TypeError(`the engine has no method ${JSON.stringify(name)}`);
      resolve(method.apply(api, args));
    })
      .then(
        (value) => ({ type: 'RAW', value }),
        (error: unknown) => ({ type: 'HANDLER', name: 'throw', value: thrownValue(error) }),
      )
      .then(reply)
      // An answer structured clone refuses: the caller still gets one, as with comlink ("Unserializable return value").
      .catch(() => reply({ type: 'HANDLER', name: 'throw', value: thrownValue(new TypeError('Unserializable return value')) }));
  });
}
