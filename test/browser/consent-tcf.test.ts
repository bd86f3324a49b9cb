/**
 * The IAB TCF v2.2 adapter against a scripted CMP (`__tcfapi` as a CMP stub would install it):
 * which TC data are decisions, how purposes map to scopes, and that pending states send nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { listenTcf, tcfDecision, type TcData, type TcfApi } from '../../src/embed/consent-signals/tcf.ts';

function tcData(consents: number[], overrides: Partial<TcData> = {}): TcData {
  return {
    gdprApplies: true,
    cmpStatus: 'loaded',
    eventStatus: 'useractioncomplete',
    purpose: { consents: Object.fromEntries(consents.map((p) => [String(p), true])) },
    ...overrides,
  };
}

/** A CMP that replays queued TC data to every listener, like real CMPs do on addEventListener. */
function scriptedCmp() {
  const listeners = new Map<number, (data: TcData, success: boolean) => void>();
  let nextId = 1;
  const api: TcfApi = (command, version, callback, parameter) => {
    expect(version).toBe(2);
    if (command === 'addEventListener') listeners.set(nextId++, callback);
    if (command === 'removeEventListener') listeners.delete(parameter as number);
  };
  return {
    win: { __tcfapi: api },
    emit(data: TcData, success = true) {
      for (const [listenerId, callback] of listeners) callback({ ...data, listenerId }, success);
    },
    listeners,
  };
}

describe('tcfDecision', () => {
  it('should grant personalization only with purposes 1, 5 and 6', () => {
    expect(tcfDecision(tcData([1, 5, 6]), true)).toEqual({ personalization: true, measurement: false });
    expect(tcfDecision(tcData([1, 5]), true)).toEqual({ personalization: false, measurement: false });
    expect(tcfDecision(tcData([5, 6]), true)).toEqual({ personalization: false, measurement: false });
    // The advertising profile purposes 3 and 4 are not content personalisation.
    expect(tcfDecision(tcData([1, 3, 4]), true)).toEqual({ personalization: false, measurement: false });
  });

  it('should grant measurement only with purposes 8 and 9', () => {
    expect(tcfDecision(tcData([8, 9]), true)).toEqual({ personalization: false, measurement: true });
    expect(tcfDecision(tcData([8]), true)?.measurement).toBe(false);
    expect(tcfDecision(tcData([1, 5, 6, 8, 9]), true)).toEqual({ personalization: true, measurement: true });
  });

  it('should read the publisher consents when the CMP sets a publisher segment', () => {
    const data = tcData([1, 5, 6, 8, 9], { publisher: { consents: { '1': true, '5': false } } });
    expect(tcfDecision(data, true)).toEqual({ personalization: false, measurement: false });
  });

  it('should not require purpose 1 under purposeOneTreatment', () => {
    expect(tcfDecision(tcData([5, 6], { purposeOneTreatment: true }), true)?.personalization).toBe(true);
  });

  it('should take tcloaded and useractioncomplete as decisions and nothing else', () => {
    expect(tcfDecision(tcData([1, 5, 6], { eventStatus: 'tcloaded' }), true)?.personalization).toBe(true);
    expect(tcfDecision(tcData([1, 5, 6], { eventStatus: 'cmpuishown' }), true)).toBeNull();
    expect(tcfDecision(tcData([1, 5, 6], { cmpStatus: 'stub' }), true)).toBeNull();
    expect(tcfDecision(tcData([1, 5, 6], { cmpStatus: 'loading' }), true)).toBeNull();
    expect(tcfDecision(tcData([1, 5, 6], { cmpStatus: 'error' }), true)).toBeNull();
    expect(tcfDecision(tcData([1, 5, 6]), false)).toBeNull();
    expect(tcfDecision(null, true)).toBeNull();
  });

  it('C1: should send no signal when GDPR does not apply or is unknown', () => {
    expect(tcfDecision(tcData([1, 5, 6], { gdprApplies: false }), true)).toBeNull();
    expect(tcfDecision(tcData([1, 5, 6], { gdprApplies: undefined }), true)).toBeNull();
  });

  it('should deny a purpose whose consent is missing, malformed or not strictly true', () => {
    const data: TcData = {
      ...tcData([]),
      purpose: { consents: { '1': true, '5': 'true' as unknown as boolean, '6': 1 as unknown as boolean } },
    };
    expect(tcfDecision(data, true)?.personalization).toBe(false);
  });
});

describe('listenTcf', () => {
  it('should return null without a CMP', () => {
    expect(listenTcf({}, vi.fn())).toBeNull();
    expect(listenTcf({ __tcfapi: 'not a function' }, vi.fn())).toBeNull();
  });

  it('C2: should forward nothing while the dialog is shown, then the decision after useractioncomplete', () => {
    const cmp = scriptedCmp();
    const onDecision = vi.fn();
    listenTcf(cmp.win, onDecision);
    cmp.emit(tcData([], { eventStatus: 'cmpuishown' }));
    expect(onDecision).not.toHaveBeenCalled();
    cmp.emit(tcData([1, 5, 6, 8, 9], { eventStatus: 'useractioncomplete' }));
    expect(onDecision).toHaveBeenCalledExactlyOnceWith({ personalization: true, measurement: true });
  });

  it('should remove its listener when stopped', () => {
    const cmp = scriptedCmp();
    const onDecision = vi.fn();
    const stop = listenTcf(cmp.win, onDecision);
    cmp.emit(tcData([], { eventStatus: 'tcloaded' }));
    expect(onDecision).toHaveBeenCalledTimes(1);
    stop?.();
    expect(cmp.listeners.size).toBe(0);
    cmp.emit(tcData([1, 5, 6]));
    expect(onDecision).toHaveBeenCalledTimes(1);
  });

  it('C1: should treat a CMP that throws as no CMP', () => {
    const win = {
      __tcfapi: () => {
        throw new Error('broken CMP');
      },
    };
    expect(listenTcf(win, vi.fn())).toBeNull();
  });
});
