/**
 * On-device experiments (issue 13, part C) in real Chromium: the real worker and its experiments
 * engine, the real content-slot code on a real DOM (IntersectionObserver viewability, clicks), the
 * real profile database. Sessions end after SESSION_GAP_MS of engine time: the test-build-only
 * `advanceBanditClock` moves the worker's bandit clock instead of waiting half an hour.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type Vitrine } from '../../src/embed/create-vitrine.ts';
import type { EngineBridge } from '../../src/embed/bridge.ts';
import { scanSlots } from '../../src/embed/slots.ts';
import type { ArmChoice, ArmFeedback } from '../../src/shared/experiment.ts';
import { isVitrineError } from '../../src/shared/errors.ts';
import { SESSION_GAP_MS } from '../../src/worker/visitor.ts';

const DB = 'vitrine-profile';

let vitrine: Vitrine;
let bridge: EngineBridge;
let root: HTMLElement;

beforeEach(() => {
  ({ vitrine, bridge } = createEngine());
  root = document.createElement('main');
  document.body.append(root);
});

afterEach(async () => {
  await vitrine.consent.set({ personalization: false }).catch(() => undefined);
  vitrine.close();
  root.remove();
});

/** Test builds only: ends the engine's session (the next feedback is a new session). */
const nextSession = () =>
  bridge.run((engine) => (engine as unknown as { advanceBanditClock(ms: number): Promise<void> }).advanceBanditClock(SESSION_GAP_MS + 1));

async function rejection(promise: Promise<unknown>): Promise<{ code: string; field: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (isVitrineError(error)) return { code: error.code, field: error.details.field };
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The bandit store's records, read the way the browser keeps them; null when the database does not exist. */
async function storedBandit(): Promise<unknown[] | null> {
  if (!(await indexedDB.databases()).some((db) => db.name == DB)) return null;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    if (!db.objectStoreNames.contains('bandit')) return [];
    return await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction('bandit').objectStore('bandit').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** A content slot: the first variant as visible markup, the others as templates, each with a button. */
function addSlot(name: string, variants: string[], attributes: Record<string, string> = {}): HTMLElement {
  const slot = document.createElement('div');
  slot.dataset.vitrineSlot = name;
  for (const [key, value] of Object.entries(attributes)) slot.setAttribute(key, value);
  variants.forEach((variant, i) => {
    const holder = i == 0 ? document.createElement('div') : document.createElement('template');
    holder.dataset.variant = variant;
    const inner = i == 0 ? holder : (holder as HTMLTemplateElement).content;
    const button = document.createElement('button');
    button.textContent = `Shop ${variant}`;
    inner.append(button);
    slot.append(holder);
  });
  root.append(slot);
  return slot;
}

/** The page API as the slots use it, recording the feedback they send (the engine behind is the real one). */
function watched() {
  const sent: ArmFeedback[] = [];
  const api = {
    experiment: vitrine.experiment,
    reward: (feedback: ArmFeedback[]) => (sent.push(...feedback), vitrine.reward(feedback)),
  };
  return { api, sent };
}

describe('experiments engine', () => {
  it('should reject a malformed spec with INVALID_REQUEST naming the field, and bad feedback likewise', async () => {
    expect(await rejection(vitrine.experiment({ name: 'x', arms: ['only'] }))).toEqual({ code: 'INVALID_REQUEST', field: 'arms' });
    expect(await rejection(vitrine.experiment({ name: 'x', arms: ['a', 'a'] }))).toEqual({ code: 'INVALID_REQUEST', field: 'arms' });
    expect(await rejection(vitrine.experiment({ name: 'x', arms: Array.from({ length: 51 }, (_, i) => `a${i}`) }))).toMatchObject({
      field: 'arms',
    });
    expect(await rejection(vitrine.experiment({ name: '', arms: ['a', 'b'] }))).toMatchObject({ field: 'name' });
    expect(await rejection(vitrine.experiment({ name: 'x', arms: ['a', 'b'], slots: 3 }))).toMatchObject({ field: 'slots' });
    expect(await rejection(vitrine.experiment({ name: 'x', arms: ['a', 'b'], reward: { click: 2 } }))).toMatchObject({
      field: 'reward.click',
    });
    expect(await rejection(vitrine.experiment({ name: 'x', arms: ['a', 'b'], policy: 'ucb' as 'ts' }))).toMatchObject({ field: 'policy' });
    expect(await rejection(vitrine.reward([{ experiment: 'x', arm: 'a', kind: 'hover' as 'click' }]))).toMatchObject({
      field: 'feedback[0].kind',
    });
    // Nothing was lost: a good spec still answers.
    const choice = await vitrine.experiment({ name: 'x', arms: ['a', 'b', 'c'], slots: 2 });
    expect(choice.arms).toHaveLength(2);
    expect(new Set(choice.arms).size).toBe(2);
    expect(choice.segment).toBe('all');
  });

  it('should converge to the arm that gets clicked, counting one trial and one success per session and arm', async () => {
    await vitrine.consent.set({ personalization: true });
    const spec = { name: 'engine-converges', arms: ['a', 'b', 'c', 'd'] };
    const picks: string[] = [];
    for (let session = 0; session < 60; session++) {
      await nextSession();
      const { arms } = await vitrine.experiment(spec);
      const arm = arms[0]!;
      picks.push(arm);
      // A reload and a double click: the same trial and success again, which must not count twice.
      for (let repeat = 0; repeat < 2; repeat++) {
        await vitrine.reward([{ experiment: spec.name, arm, kind: 'impression' }]);
        if (arm == 'c') await vitrine.reward([{ experiment: spec.name, arm, kind: 'click' }]);
      }
    }
    const late = picks.slice(-20);
    expect(late.filter((arm) => arm == 'c').length).toBeGreaterThanOrEqual(17);
    const { bandit } = await vitrine.profile.export();
    const mine = bandit.filter((entry) => entry.experiment == spec.name);
    const c = mine.find((entry) => entry.arm == 'c')!;
    expect(c.trials).toBe(picks.filter((arm) => arm == 'c').length);
    expect(c.successes).toBe(c.trials);
    for (const other of mine.filter((entry) => entry.arm != 'c')) expect(other.successes).toBe(0);
    expect(mine.reduce((sum, entry) => sum + entry.trials, 0)).toBe(60);
  });

  it('should count an add-to-cart of a product the arm showed, tracked as an ordinary event, as its success', async () => {
    const spec = { name: 'engine-cart', arms: ['for_you', 'trending'], reward: { click: 0.2, add_to_cart: 1 } };
    await vitrine.consent.set({ personalization: true });
    const { arms } = await vitrine.experiment(spec);
    await vitrine.reward([{ experiment: spec.name, arm: arms[0]!, kind: 'impression', products: ['sku-7'] }]);
    expect(await vitrine.track({ type: 'add_to_cart', product: 'sku-7', price: 10 })).toMatchObject({ recorded: true });
    await vi.waitFor(async () => {
      const { bandit } = await vitrine.profile.export();
      expect(bandit.find((entry) => entry.experiment == spec.name && entry.arm == arms[0])).toMatchObject({ trials: 1, successes: 1 });
    });
  });
});

describe('content slots', () => {
  it('should show the first variant until chosen, then converge to the variant that gets clicked', async () => {
    const { api, sent } = watched();
    const warnings: unknown[] = [];
    const shown: string[] = [];
    for (let session = 0; session < 24; session++) {
      await nextSession();
      root.replaceChildren();
      const slot = addSlot('home-hero', ['sale', 'new-in', 'free-shipping']);
      // Before the engine answered: the shop's own first variant, as without Vitrine.
      expect(slot.querySelector('[data-variant]:not(template)')!.getAttribute('data-variant')).toBe('sale');
      scanSlots(root, api, 'en', (error) => warnings.push(error));
      await vi.waitFor(() => expect(slot.dataset.vitrineArm).toBeTruthy(), { timeout: 10_000 });
      const arm = slot.dataset.vitrineArm!;
      shown.push(arm);
      const visible = [...slot.querySelectorAll<HTMLElement>(':scope > [data-variant]:not(template)')];
      expect(visible.map((v) => v.dataset.variant)).toEqual([arm]);
      // The viewable impression (half on screen for a second) is the trial.
      await vi.waitFor(() => expect(sent.filter((f) => f.kind == 'impression')).toHaveLength(session + 1), { timeout: 3000 });
      if (arm == 'free-shipping') visible[0]!.querySelector('button')!.click();
    }
    expect(sent.filter((f) => f.kind == 'click').every((f) => f.arm == 'free-shipping')).toBe(true);
    expect(shown.slice(-8).filter((arm) => arm == 'free-shipping').length).toBeGreaterThanOrEqual(6);
    expect(warnings).toEqual([]);
  });

  it('should warn, not leave an unhandled rejection, when the engine is gone before the impression is reported', async () => {
    const warnings: unknown[] = [];
    const slot = addSlot('closing', ['a', 'b']);
    scanSlots(root, vitrine, 'en', (error) => warnings.push(error));
    await vi.waitFor(() => expect(slot.dataset.vitrineArm).toBeTruthy(), { timeout: 10_000 });
    vitrine.close(); // before the slot has been on screen for a second
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 3000 });
    expect(String(warnings[0])).toMatch(/WORKER_CRASHED/);
  });

  it('should mark an exploration choice and say so, and only then', async () => {
    const { api } = watched();
    const warnings: unknown[] = [];
    let explored: HTMLElement | null = null;
    let exploited: HTMLElement | null = null;
    // Fresh experiments: every arm has the same posterior mean, so any arm but the first by mean
    // that wins the draw is exploration (two in three, per choice).
    for (let i = 0; i < 30 && !(explored && exploited); i++) {
      const slot = addSlot(`explore-${i}`, ['a', 'b', 'c']);
      scanSlots(root, api, 'en', (error) => warnings.push(error));
      await vi.waitFor(() => expect(slot.dataset.vitrineArm).toBeTruthy(), { timeout: 10_000 });
      if (slot.dataset.vitrineExplore !== undefined) explored ??= slot;
      else exploited ??= slot;
    }
    expect(explored).not.toBeNull();
    expect(exploited).not.toBeNull();
    expect(explored!.dataset.vitrineExplore).toBe(explored!.dataset.vitrineArm);
    expect(explored!.dataset.vitrineExplore).not.toBe('a');
    expect(explored!.querySelector('[data-vitrine-explore-label]')!.textContent).toBe("We're trying something new here");
    expect(exploited!.querySelector('[data-vitrine-explore-label]')).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('should say it in German on a German page', async () => {
    let label: Element | null = null;
    for (let i = 0; i < 30 && !label; i++) {
      const slot = addSlot(`erkunden-${i}`, ['a', 'b', 'c']);
      scanSlots(root, vitrine, 'de', () => undefined);
      await vi.waitFor(() => expect(slot.dataset.vitrineArm).toBeTruthy(), { timeout: 10_000 });
      label = slot.querySelector('[data-vitrine-explore-label]');
    }
    expect(label!.textContent).toBe('Hier probieren wir etwas Neues aus');
  });

  it('should clone only the shop template: a variant name from anywhere else is no HTML', async () => {
    for (let i = 0; i < 20; i++) {
      root.replaceChildren();
      const fresh = addSlot(`hostile-${i}`, ['plain', '<img src=x onerror=alert(1)>']);
      fresh.querySelector('template')!.content.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'shop copy' }));
      scanSlots(root, vitrine, 'en', () => undefined);
      await vi.waitFor(() => expect(fresh.dataset.vitrineArm).toBeTruthy(), { timeout: 10_000 });
      if (fresh.dataset.vitrineArm != 'plain') {
        expect(fresh.querySelector('img')).toBeNull();
        expect(fresh.querySelector(':scope > [data-variant]:not(template) p')!.textContent).toBe('shop copy');
        return;
      }
    }
    expect.fail('the second variant was never chosen');
  });

  it('should keep the first variant and warn naming the slot when it is malformed', async () => {
    const slot = addSlot('lonely', ['only-one']);
    const warnings: unknown[] = [];
    scanSlots(root, vitrine, 'en', (error) => warnings.push(error));
    // The warning follows the engine's answer (a worker round trip): seconds on a loaded machine, not waitFor's default 1 s.
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 10_000 });
    expect(String((warnings[0] as Error).message)).toContain('data-vitrine-slot="lonely"');
    expect((warnings[0] as { code: string }).code).toBe('INVALID_REQUEST');
    expect(slot.querySelector('[data-variant]')!.textContent).toBe('Shop only-one');
  });
});

describe('bandit state and consent', () => {
  const spec = { name: 'consent-hero', arms: ['x', 'y'] };
  const trial = async (): Promise<ArmChoice> => {
    const choice = await vitrine.experiment(spec);
    await vitrine.reward([{ experiment: spec.name, arm: choice.arms[0]!, kind: 'impression' }]);
    return choice;
  };

  it('should keep the state in memory only without personalization consent', async () => {
    await vitrine.profile.delete();
    await trial();
    const stored = await storedBandit();
    expect(stored === null || stored.length == 0).toBe(true);
    expect((await vitrine.profile.export()).bandit).toEqual([]);
  });

  it('should store it with consent, export it, and drop it on delete() and on revocation', async () => {
    await vitrine.consent.set({ personalization: true });
    const { arms } = await trial();
    await vi.waitFor(async () => expect(await storedBandit()).toHaveLength(1));
    const exported = (await vitrine.profile.export()).bandit;
    expect(exported).toEqual([expect.objectContaining({ experiment: spec.name, segment: 'all', arm: arms[0], trials: 1, successes: 0 })]);

    await vitrine.profile.delete();
    expect(await storedBandit()).toEqual([]);
    expect((await vitrine.profile.export()).bandit).toEqual([]);
    // The memory state went too: the next trial starts from zero.
    await nextSession();
    await trial();
    await vi.waitFor(async () => expect((await vitrine.profile.export()).bandit.map((e) => e.trials)).toEqual([1]));

    await vitrine.consent.set({ personalization: false });
    const stored = await storedBandit();
    expect(stored === null || stored.length == 0).toBe(true);
    expect((await vitrine.profile.export()).bandit).toEqual([]);
  });
});
