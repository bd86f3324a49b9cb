/**
 * The one message the worker sends outside comlink: "ready", once its module has evaluated.
 * comlink's own messages always carry an `id`; ours never do, so comlink's listeners ignore it and
 * ours ignore comlink's. A second hand-rolled message would join `WorkerMessage` here.
 */

/** Type tag of a hand-rolled worker → page message. */
export const enum WorkerMessageType {
  /** The worker module evaluated and `expose()` is listening. */
  Ready = 'vitrine:ready',
}

export interface WorkerReadyMessage {
  type: WorkerMessageType.Ready;
  /** `PROTOCOL_VERSION` of the worker's build; informative only (see there). */
  protocol: number;
}

/** Every hand-rolled message the worker may post. */
export type WorkerMessage = WorkerReadyMessage;

/**
 * Version of the page/worker contract, carried in the ready message. Nothing checks it today: the
 * page script names its worker file by content hash, so a page only ever starts the worker that was
 * built with it (an old cached script asks for its old worker file, or fails to start one).
 */
export const PROTOCOL_VERSION = 1;

/** True for one of our messages (and not a comlink reply). */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return typeof data === 'object' && data !== null && !('id' in data) && (data as { type?: unknown }).type === WorkerMessageType.Ready;
}
