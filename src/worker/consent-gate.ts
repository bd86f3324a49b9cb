/**
 * Consent enforcement. The page collects signals (explicit API, IAB TCF v2.2, Google Consent Mode
 * v2) and forwards each one here; this gate merges them ("last signal wins", per scope), keeps the
 * consent record, and makes the profile store follow it:
 *
 * - `personalization` granted → `enablePersistence()` (the in-memory session moves into IndexedDB);
 * - `personalization` denied by a signal → `purge()`, and `set()` resolves only once it finished.
 *
 * The state flips synchronously when a signal arrives, so every call queued behind it already sees
 * the new consent; enforcement runs in order on a queue, and a burst of signals is enforced as its
 * final state (grant/revoke 50 times ends as the last signal said, never with a resurrected DB).
 *
 * The consent record (scopes, time, source, a short history) lives in worker memory only: it is not
 * visitor behaviour, but writing it anywhere would create storage on a visit without consent. The
 * CMP or the shop's own consent storage is the system of record and signals again on every page.
 * Other tabs of the origin hear every change over a BroadcastChannel and enforce it too.
 */
import {
  CONSENT_CHANNEL,
  CONSENT_HISTORY_LIMIT,
  CONSENT_SCOPES,
  DEFAULT_CONSENT,
  type ConsentChannelMessage,
  type ConsentRecord,
  type ConsentScope,
  type ConsentSignal,
  type ConsentState,
} from '../shared/consent-record.ts';
import { invalidRequest, isRecord } from '../shared/validation.ts';

/** The part of the profile store that consent drives. */
export interface PersistenceControl {
  enablePersistence(): Promise<void>;
  purge(): Promise<void>;
}

export interface ConsentGateOptions {
  /** The engine clock. Default `Date.now`. */
  now?: () => number;
  /** Called after each change of state (local or from another tab), before enforcement. */
  onChange?: (state: ConsentState) => void;
  /** Share changes with other tabs. Default `true` where BroadcastChannel exists. */
  broadcast?: boolean;
}

const SOURCES: readonly string[] = ['api', 'tcf', 'consent-mode'];

/** Checks a signal from the page; plain data only crosses into the record. */
export function validateSignal(value: unknown): ConsentSignal {
  if (!isRecord(value)) throw invalidRequest('consent', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!['personalization', 'measurement', 'necessary', 'source', 'time'].includes(key))
      throw invalidRequest(key, 'is not a consent scope');
  }
  // `necessary` cannot be refused: accept `true` for symmetry with the scope list, refuse `false`.
  if (value.necessary !== undefined && value.necessary !== true) throw invalidRequest('necessary', 'is always granted');
  const signal: ConsentSignal = { source: 'api' };
  for (const scope of ['personalization', 'measurement'] as const) {
    const given = value[scope];
    if (given === undefined) continue;
    if (typeof given !== 'boolean') throw invalidRequest(scope, 'must be a boolean');
    signal[scope] = given;
  }
  if (value.source !== undefined) {
    if (typeof value.source !== 'string' || !SOURCES.includes(value.source))
      throw invalidRequest('source', `must be one of ${SOURCES.join(', ')}`);
    signal.source = value.source as ConsentSignal['source'];
  }
  if (value.time !== undefined) {
    if (typeof value.time !== 'number' || !Number.isFinite(value.time) || value.time < 0)
      throw invalidRequest('time', 'must be ms since epoch');
    signal.time = value.time;
  }
  return signal;
}

export class ConsentGate {
  readonly #store: PersistenceControl;
  readonly #now: () => number;
  readonly #onChange: ((state: ConsentState) => void) | undefined;
  readonly #channel: BroadcastChannel | null;
  #state: ConsentState = { ...DEFAULT_CONSENT };
  #history: ConsentState[] = [];
  /** Enforcement runs one step at a time, in signal order. */
  #queue: Promise<unknown> = Promise.resolve();
  /** A queued step that has not started yet: later signals join it (it enforces the latest state). */
  #pending: Promise<void> | null = null;
  /**
   * Whether a denial must still delete: true at start (an earlier visit may have left a profile)
   * and after each grant; false once a purge finished.
   */
  #purgeOwed = true;

  constructor(store: PersistenceControl, { now = Date.now, onChange, broadcast = true }: ConsentGateOptions = {}) {
    this.#store = store;
    this.#now = now;
    this.#onChange = onChange;
    this.#channel = broadcast && typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CONSENT_CHANNEL) : null;
    this.#channel?.addEventListener('message', (event: MessageEvent<ConsentChannelMessage>) => {
      if (event.data?.type !== 'consent') return;
      // Another tab decided: adopt and enforce, but do not echo it back.
      void this.#adopt(event.data.state, false).catch(() => undefined);
    });
  }

  /** The current consent. */
  get state(): ConsentState {
    return { ...this.#state };
  }

  /** Whether a scope is granted now. `necessary` always is. */
  allows(scope: ConsentScope): boolean {
    if (!(CONSENT_SCOPES as readonly string[]).includes(scope)) return false;
    return scope === 'necessary' || this.#state[scope];
  }

  record(): ConsentRecord {
    return { ...this.#state, history: this.#history.map((state) => ({ ...state })) };
  }

  /**
   * Applies one signal and resolves with the record once the profile store follows it (after the
   * purge, for a revocation). Rejects with `INVALID_REQUEST` for a malformed signal (nothing
   * changes), or with the store's error when enforcement failed (the state has changed anyway:
   * a revocation is never undone by a failed deletion).
   */
  async set(value: unknown): Promise<ConsentRecord> {
    const signal = validateSignal(value);
    const next: ConsentState = {
      personalization: signal.personalization ?? this.#state.personalization,
      measurement: signal.measurement ?? this.#state.measurement,
      source: signal.source,
      updatedAt: signal.time ?? this.#now(),
    };
    await this.#adopt(next, true);
    return this.record();
  }

  /** Stops listening to other tabs. */
  close(): void {
    this.#channel?.close();
  }

  #adopt(next: ConsentState, share: boolean): Promise<void> {
    this.#history.unshift(this.#state);
    this.#history.length = Math.min(this.#history.length, CONSENT_HISTORY_LIMIT);
    this.#state = { ...next };
    if (share) this.#channel?.postMessage({ type: 'consent', state: this.#state } satisfies ConsentChannelMessage);
    this.#onChange?.(this.state);
    return this.#enforce();
  }

  #enforce(): Promise<void> {
    if (this.#pending) return this.#pending;
    const step = this.#queue.then(() => {
      this.#pending = null;
      return this.#step();
    });
    this.#pending = step;
    this.#queue = step.catch(() => undefined);
    return step;
  }

  async #step(): Promise<void> {
    if (this.#state.personalization) {
      this.#purgeOwed = true;
      await this.#store.enablePersistence();
    } else if (this.#purgeOwed && this.#state.source !== 'default') {
      await this.#store.purge();
      this.#purgeOwed = false;
    }
  }
}
