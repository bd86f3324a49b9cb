/**
 * The few messages the page and the worker exchange outside comlink. comlink's own messages always
 * carry an `id`; ours never do, so comlink's listeners ignore them and ours ignore comlink's.
 */

/** Type tag of a hand-rolled worker → page message. */
export const enum WorkerMessageType {
  /** The worker module evaluated and `expose()` is listening. */
  Ready = 'vitrine:ready',
}

export interface WorkerReadyMessage {
  type: WorkerMessageType.Ready;
  /** Protocol version, so a cached page script can tell it talks to a newer worker. */
  protocol: number;
}

/** Every hand-rolled message the worker may post. */
export type WorkerMessage = WorkerReadyMessage;

/** Bumped when the engine API changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/** True for one of our messages (and not a comlink reply). */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    !('id' in data) &&
    (data as { type?: unknown }).type === WorkerMessageType.Ready
  );
}
