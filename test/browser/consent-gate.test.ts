/**
 * The worker's consent gate: last signal wins per scope, enforcement order, revocation resolving
 * only after the purge, bursts ending in the last signal's state, and other tabs hearing changes
 * over a real BroadcastChannel. The store here only records what the gate asked of it; the real
 * IndexedDB store is exercised end to end in test/e2e/consent-revoke.spec.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConsentGate, type PersistenceControl } from '../../src/worker/consent-gate.ts';
import { vitrineRejection } from '../fixtures/rejection.ts';

/** Records calls; each call settles when the test says so (or at once with `auto`). */
class RecordingStore implements PersistenceControl {
  calls: string[] = [];
  persistent = false;
  #waiting: (() => void)[] = [];
  constructor(private auto = true) {}
  enablePersistence(): Promise<void> {
    return this.#call('enable', () => (this.persistent = true));
  }
  purge(): Promise<void> {
    return this.#call('purge', () => (this.persistent = false));
  }
  release(): void {
    for (const done of this.#waiting.splice(0)) done();
  }
  #call(name: string, effect: () => void): Promise<void> {
    this.calls.push(name);
    if (this.auto) {
      effect();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(() => (effect(), resolve())));
  }
}

const gates: ConsentGate[] = [];
function gate(store: PersistenceControl, broadcast = false): ConsentGate {
  const made = new ConsentGate(store, { broadcast, now: () => 1_000 });
  gates.push(made);
  return made;
}
afterEach(() => {
  for (const made of gates.splice(0)) made.close();
});

describe('ConsentGate', () => {
  it('C1: should start at necessary only, with source default', () => {
    const consent = gate(new RecordingStore());
    expect(consent.record()).toEqual({ personalization: false, measurement: false, source: 'default', updatedAt: 0, history: [] });
    expect(consent.allows('necessary')).toBe(true);
    expect(consent.allows('personalization')).toBe(false);
    expect(consent.allows('measurement')).toBe(false);
  });

  it('should merge signals per scope: the last signal that names a scope decides it', async () => {
    const consent = gate(new RecordingStore());
    await consent.set({ personalization: true, measurement: true, source: 'tcf', time: 10 });
    const record = await consent.set({ measurement: false, source: 'consent-mode', time: 20 });
    expect(record).toMatchObject({ personalization: true, measurement: false, source: 'consent-mode', updatedAt: 20 });
    expect(record.history[0]).toEqual({ personalization: true, measurement: true, source: 'tcf', updatedAt: 10 });
  });

  it('should record the worker clock and source api when the signal gives neither', async () => {
    const consent = gate(new RecordingStore());
    expect(await consent.set({ personalization: true })).toMatchObject({ source: 'api', updatedAt: 1_000 });
  });

  it('should enable persistence on a grant and purge on a revocation', async () => {
    const store = new RecordingStore();
    const consent = gate(store);
    await consent.set({ personalization: true });
    expect(store.calls).toEqual(['enable']);
    await consent.set({ personalization: false });
    expect(store.calls).toEqual(['enable', 'purge']);
    // Nothing left to delete: a repeated denial does not purge again.
    await consent.set({ personalization: false });
    expect(store.calls).toEqual(['enable', 'purge']);
  });

  it('should purge once on a first denial, for a profile an earlier visit may have left', async () => {
    const store = new RecordingStore();
    const consent = gate(store);
    await consent.set({ personalization: false, source: 'tcf' });
    expect(store.calls).toEqual(['purge']);
  });

  it('should not touch the store for a measurement-only signal while nothing is owed', async () => {
    const store = new RecordingStore();
    const consent = gate(store);
    await consent.set({ personalization: false });
    await consent.set({ measurement: true });
    expect(store.calls).toEqual(['purge']);
  });

  it('should flip the state at once but resolve a revocation only after the purge finished', async () => {
    const store = new RecordingStore(false);
    const consent = gate(store);
    const granting = consent.set({ personalization: true });
    await expect.poll(() => store.calls).toEqual(['enable']);
    store.release();
    await granting;
    let resolved = false;
    const revoking = consent.set({ personalization: false }).then(() => (resolved = true));
    // Calls arriving now already see the revocation.
    expect(consent.allows('personalization')).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(store.calls).toEqual(['enable', 'purge']);
    expect(resolved).toBe(false);
    expect(store.persistent).toBe(true);
    store.release();
    await revoking;
    expect(store.persistent).toBe(false);
  });

  it('C3: should end a burst of 50 grant/revoke signals in the state of the last one', async () => {
    const store = new RecordingStore(false);
    const consent = gate(store);
    const timer = setInterval(() => store.release(), 1);
    try {
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i += 1) all.push(consent.set({ personalization: i % 2 === 0 }));
      await Promise.all(all);
    } finally {
      clearInterval(timer);
    }
    // The 50th signal (i = 49) revoked: the last thing the store did was a purge.
    expect(consent.allows('personalization')).toBe(false);
    expect(store.calls.at(-1)).toBe('purge');
    expect(store.persistent).toBe(false);
    // Queued steps collapse: far fewer store calls than signals.
    expect(store.calls.length).toBeLessThan(10);
  });

  it('should reject malformed signals with INVALID_REQUEST and change nothing', async () => {
    const consent = gate(new RecordingStore());
    for (const bad of [
      null,
      'yes',
      [],
      { personalization: 'true' },
      { necessary: false },
      { marketing: true },
      { source: 'cookie' },
      { time: -1 },
    ]) {
      const error = await vitrineRejection(consent.set(bad));
      expect(error.code).toBe('INVALID_REQUEST');
    }
    expect(consent.state.source).toBe('default');
  });

  it('should keep the revocation when the purge fails, and report the failure', async () => {
    const store: PersistenceControl = {
      enablePersistence: () => Promise.resolve(),
      purge: () => Promise.reject(new Error('deletion blocked')),
    };
    const consent = gate(store);
    await consent.set({ personalization: true });
    await expect(consent.set({ personalization: false })).rejects.toThrow('deletion blocked');
    expect(consent.allows('personalization')).toBe(false);
  });

  it('should tell other tabs, which adopt and enforce the change', async () => {
    const here = new RecordingStore();
    const there = new RecordingStore();
    const tab1 = gate(here, true);
    const tab2 = gate(there, true);
    await tab1.set({ personalization: true, measurement: true, source: 'api', time: 5 });
    await expect.poll(() => tab2.state).toEqual({ personalization: true, measurement: true, source: 'api', updatedAt: 5 });
    await expect.poll(() => there.calls).toEqual(['enable']);
    await tab1.set({ personalization: false, time: 6 });
    await expect.poll(() => there.calls).toEqual(['enable', 'purge']);
    expect(tab2.allows('personalization')).toBe(false);
  });
});
