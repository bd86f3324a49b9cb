/**
 * The page's side of comlink's wire protocol: the worker serves its API with comlink's `expose`
 * (src/worker/index.ts), and the page only ever calls a method of it and awaits the result. comlink's
 * own `wrap` would bring `expose` along on the page too (its proxy transfer handler serves calls),
 * some 430 of the 20,000 gzip bytes the script tag may weigh, for nothing the page does.
 *
 * Protocol (comlink 4, https://github.com/GoogleChromeLabs/comlink/blob/main/src/protocol.ts): a call
 * is `{ id, type: 'APPLY', path: [method], argumentList }` with each argument `{ type: 'RAW', value }`;
 * the answer carries the same `id` and is `{ type: 'RAW', value }`, or `{ type: 'HANDLER', name:
 * 'throw', value }` for a thrown error: `{ vitrine: VitrineError JSON }` from Vitrine's own handler
 * (src/shared/error-transfer.ts), else comlink's `{ isError, value }`.
 */
import { VitrineError } from '../shared/errors.ts';

/**
 * What `wrap` returns: each method of `T`, called across the worker boundary, settling with its
 * awaited result. Our own rather than comlink's `Remote`: the published declarations then need no
 * comlink, which the package does not install (its worker bundles it).
 */
export type Remote<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

/** What `transfer()` marked to be moved to the worker with a value instead of copied. */
const transfers = new WeakMap<object, Transferable[]>();

/** Moves `transferables` (an ArrayBuffer) to the worker with `value` instead of copying them, like comlink's `transfer`. */
export function transfer<T extends object>(value: T, transferables: Transferable[]): T {
  transfers.set(value, transferables);
  return value;
}

/** The error a thrown value stands for on this side: a VitrineError with its code, an Error, or the value itself. */
function thrown(value: { vitrine?: Parameters<typeof VitrineError.fromJSON>[0]; isError?: boolean; value?: Error }): unknown {
  if (value.vitrine) return VitrineError.fromJSON(value.vitrine);
  return value.isError ? Object.assign(new Error(), value.value) : value.value;
}

let lastId = 0;

/** The worker's API: `remote.recommend(request)` posts the call and settles with the worker's answer. */
export function wrap<T>(endpoint: Pick<Worker, 'postMessage' | 'addEventListener'>): Remote<T> {
  const waiting = new Map<string, (answer: { type: string; value: never }) => void>();
  endpoint.addEventListener('message', ({ data }) => {
    const settle = waiting.get(data?.id);
    waiting.delete(data?.id);
    settle?.(data);
  });
  const call =
    (method: string) =>
    (...args: unknown[]): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const id = `${++lastId}`;
        waiting.set(id, ({ type, value }) => (type == 'RAW' ? resolve(value) : reject(thrown(value))));
        const argumentList = args.map((value) => ({ type: 'RAW', value }));
        try {
          endpoint.postMessage(
            { id, type: 'APPLY', path: [method], argumentList },
            args.flatMap((arg) => transfers.get(arg as object) ?? []),
          );
        } catch (error) {
          // Not sent (e.g. a DataCloneError): no answer will come, so nothing may wait for one.
          waiting.delete(id);
          reject(error);
        }
      });
  // Casting: every property is a method call, which is what Remote<T> promises for T's methods (the
  // only members the page uses). `then` stays undefined, so the remote is not taken for a promise.
  return new Proxy({}, { get: (_, name) => (name == 'then' ? undefined : call(name as string)) }) as Remote<T>;
}
