/**
 * The privacy panel: against the real engine for what it lists and what forget, delete and the
 * consent switch really do to the profile; against a fake engine for the export download, the
 * measurement choice, failures and the wording.
 */
import axe from 'axe-core';
import { h, render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProfileExport } from '../../src/index.ts';
import { mountWidget, PrivacyPanel, PrivacyPanelView, type PrivacyEngine, type PrivacyPanelProps } from '../../widgets/index.ts';
import { enginesClosedAfterEach, makeEngineBundle } from './engine-fixture.ts';

const createEngine = enginesClosedAfterEach();

let host: HTMLElement;
let unmount: () => void;
beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
  unmount = () => {};
});
afterEach(() => {
  unmount();
  host.remove();
});

function mount(props: Partial<PrivacyPanelProps> & Pick<PrivacyPanelProps, 'vitrine'>): HTMLElement {
  unmount = mountWidget(host, <PrivacyPanelView {...props} />);
  return host.shadowRoot!.querySelector<HTMLElement>('[data-vitrine-placement="privacy-panel"]')!;
}
const loaded = (panel: HTMLElement) => vi.waitFor(() => expect(panel.getAttribute('aria-busy')).toBeNull());
const button = (panel: HTMLElement, text: string): HTMLButtonElement =>
  [...panel.querySelectorAll('button')].find((b) => b.textContent == text || b.textContent!.startsWith(`${text} `))!;
const checkbox = (panel: HTMLElement, label: string): HTMLInputElement =>
  [...panel.querySelectorAll('label')].find((l) => l.textContent == label)!.querySelector('input')!;
const storedTitles = (panel: HTMLElement): string[] => [...panel.querySelectorAll('.products li > span')].map((s) => s.textContent!);
const status = (panel: HTMLElement): string => panel.querySelector('[role="status"]')!.textContent!;
const count = (panel: HTMLElement, label: string): string | undefined =>
  [...panel.querySelectorAll('dt')].find((dt) => dt.textContent == label)?.nextElementSibling?.textContent ?? undefined;

const exported = (overrides: Partial<ProfileExport> = {}): ProfileExport => ({
  format: 'vitrine-profile',
  formatVersion: 1,
  exportedAt: '2025-03-04T10:00:00.000Z',
  storedIn: 'memory',
  status: { mode: 'memory', reason: null, events: 0, overflow: 0, skippedRecords: 0 },
  events: [],
  compacted: [],
  preferences: { category: [], brand: [], colour: [], size: [], priceLevel: [] },
  bandit: [],
  ...overrides,
});

/** A fake engine that records calls. */
function fakeEngine(
  data: ProfileExport = exported(),
  { endpoint = null as string | null, mode = 'memory', reason = null as string | null } = {},
) {
  const engine = {
    status: vi.fn(async () => ({ state: 'ready', profile: { mode, reason } })),
    measurement: vi.fn(async () => ({ endpoint })),
    consent: {
      get: vi.fn(async () => ({ personalization: true, measurement: false, source: 'api', updatedAt: 1, history: [] })),
      set: vi.fn(async () => ({})),
    },
    profile: {
      export: vi.fn(async () => data),
      delete: vi.fn(async () => {}),
      forget: vi.fn(async () => {}),
      summary: vi.fn(async () => ({})),
    },
  };
  // Only the fields the panel reads are filled in.
  return engine as typeof engine & PrivacyEngine;
}

describe('PrivacyPanel with the real engine', () => {
  const bundle = () => makeEngineBundle({ rows: 30, seed: 4 }).bytes;

  it('should read the profile when it comes into view, so activity since the page loaded shows', async () => {
    const vitrine = createEngine();
    await vitrine.load(bundle());
    // Far below the fold: mounted, but not read yet.
    host.style.marginTop = '5000px';
    const panel = mount({ vitrine });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(panel.getAttribute('aria-busy')).toBe('true');
    await vitrine.track({ type: 'view', product: 'sku-3' });
    host.scrollIntoView();
    await loaded(panel);
    expect(storedTitles(panel)).toEqual(['Product 3']);
    // Scrolled away and back after more activity: read again.
    window.scrollTo(0, 0);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the observer sees it leave
    await vitrine.track({ type: 'view', product: 'sku-4' });
    host.scrollIntoView();
    await vi.waitFor(() => expect(storedTitles(panel)).toEqual(['Product 4', 'Product 3']));
  });

  it('should list what was tracked, forget one product, and delete everything after a confirmation', async () => {
    const vitrine = createEngine();
    await vitrine.load(bundle());
    await vitrine.consent.set({ personalization: true });
    try {
      for (const product of ['sku-1', 'sku-2', 'sku-3']) await vitrine.track({ type: 'view', product });
      await vitrine.track({ type: 'add_to_cart', product: 'sku-2' });
      const panel = mount({ vitrine });
      await loaded(panel);
      expect(panel.textContent).toContain('Saved on this device only, never sent anywhere.');
      expect(count(panel, 'Products viewed')).toBe('3');
      expect(count(panel, 'Added to cart')).toBe('1');
      expect(storedTitles(panel)).toEqual(['Product 2', 'Product 3', 'Product 1']);
      expect(checkbox(panel, 'Personal recommendations from what I do here').checked).toBe(true);

      button(panel, 'Forget Product 2').click();
      await vi.waitFor(() => expect(storedTitles(panel)).toEqual(['Product 3', 'Product 1']));
      await vi.waitFor(() => expect(status(panel)).toBe('Forgot Product 2.'));
      expect((await vitrine.profile.export()).events.map((e) => e.product)).toEqual(['sku-1', 'sku-3']);

      button(panel, 'Delete everything').click();
      await vi.waitFor(() => expect(host.shadowRoot!.activeElement).toBe(button(panel, 'Yes, delete')));
      button(panel, 'Yes, delete').click();
      await vi.waitFor(() => expect(status(panel)).toBe('All deleted.'));
      expect(storedTitles(panel)).toEqual([]);
      expect(panel.textContent).toContain('Nothing is stored.');
      expect((await vitrine.profile.export()).events).toEqual([]);
    } finally {
      // Revoking deletes the persisted profile, so later files start without one.
      await vitrine.consent.set({ personalization: false });
    }
  });

  it('should switch personalization consent on and off, and show where the profile lives', async () => {
    const vitrine = createEngine();
    await vitrine.load(bundle());
    render(<PrivacyPanel vitrine={vitrine} />, host);
    unmount = () => render(null, host);
    const panel = await vi.waitFor(() => {
      const found = host.querySelector('div')!.shadowRoot!.querySelector<HTMLElement>('section');
      expect(found).not.toBeNull();
      return found!;
    });
    await loaded(panel);
    try {
      expect(panel.textContent).toContain('In memory only, gone when this tab closes.');
      const consent = checkbox(panel, 'Personal recommendations from what I do here');
      expect(consent.checked).toBe(false);
      consent.click();
      await vi.waitFor(() => expect(status(panel)).toBe('Saved.'));
      expect((await vitrine.consent.get()).personalization).toBe(true);
      expect(consent.checked).toBe(true);
      expect(panel.textContent).toContain('Saved on this device only');
      consent.click();
      await vi.waitFor(() => expect(consent.checked).toBe(false));
      await vi.waitFor(async () => expect((await vitrine.consent.get()).personalization).toBe(false));
    } finally {
      await vitrine.consent.set({ personalization: false });
    }
  });
});

describe('PrivacyPanelView with a fake engine', () => {
  it('should download the export as vitrine-profile.json and release the object URL', async () => {
    const data = exported({
      events: [
        {
          type: 'view',
          product: 'p1',
          productTitle: 'Parka',
          query: null,
          price: null,
          placement: null,
          arm: null,
          time: '2025-03-01T09:00:00.000Z',
        },
      ],
    });
    const vitrine = fakeEngine(data);
    const panel = mount({ vitrine });
    await loaded(panel);
    const downloads: { name: string; body: Promise<unknown>; href: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, href: this.href, body: fetch(this.href).then((r) => r.json()) });
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    try {
      button(panel, 'Download my data').click();
      await vi.waitFor(() => expect(status(panel)).toBe('Downloaded.'));
      expect(downloads.map((d) => d.name)).toEqual(['vitrine-profile.json']);
      expect(await downloads[0]!.body).toEqual(data);
      expect(downloads[0]!.href).toMatch(/^blob:/);
      expect(revoke).toHaveBeenCalledWith(downloads[0]!.href);
    } finally {
      click.mockRestore();
      revoke.mockRestore();
    }
  });

  it('should show the measurement choice only when an endpoint is configured, and save it', async () => {
    let panel = mount({ vitrine: fakeEngine() });
    await loaded(panel);
    expect(panel.querySelectorAll('input[type="checkbox"]')).toHaveLength(1);
    unmount();
    const vitrine = fakeEngine(exported(), { endpoint: 'https://shop.example/stats' });
    panel = mount({ vitrine });
    await vi.waitFor(() => expect(panel.querySelectorAll('input[type="checkbox"]')).toHaveLength(2));
    const measurement = checkbox(panel, 'Send anonymous counts to the shop');
    expect(measurement.checked).toBe(false);
    measurement.click();
    await vi.waitFor(() => expect(vitrine.consent.set).toHaveBeenCalledWith({ measurement: true }));
  });

  it('should summarise older activity, the first date and the strongest preferences', async () => {
    const data = exported({
      events: [
        {
          type: 'search',
          product: null,
          productTitle: null,
          query: 'parka',
          price: null,
          placement: null,
          arm: null,
          time: '2025-03-02T09:00:00.000Z',
        },
        {
          type: 'purchase',
          product: 'p9',
          productTitle: null,
          query: null,
          price: 10,
          placement: null,
          arm: null,
          time: '2025-03-03T09:00:00.000Z',
        },
      ],
      compacted: [
        {
          product: 'p1',
          productTitle: 'Old Parka',
          events: 7,
          firstTime: '2025-01-15T12:00:00.000Z',
          lastTime: '2025-02-01T12:00:00.000Z',
        },
      ],
      preferences: {
        category: [
          { value: 'Jackets', score: 3 },
          { value: 'Shoes', score: 2 },
          { value: 'Hats', score: 1 },
          { value: 'Socks', score: 0.5 },
        ],
        brand: [],
        colour: [],
        size: [],
        priceLevel: [{ value: '32 to 64', score: 1 }],
      },
    });
    const panel = mount({ vitrine: fakeEngine(data) });
    await loaded(panel);
    expect([count(panel, 'Searches'), count(panel, 'Purchases'), count(panel, 'Older activity')]).toEqual(['1', '1', '7']);
    expect(panel.textContent).toContain('Since Jan 15, 2025');
    expect(count(panel, 'Categories')).toBe('Jackets, Shoes, and Hats');
    expect(count(panel, 'Price ranges')).toBe('32–64');
    expect(count(panel, 'Brands')).toBeUndefined();
    // A product without a title is listed by its id.
    expect(storedTitles(panel)).toEqual(['p9', 'Old Parka']);
  });

  it('should say why the profile is in memory when storage failed', async () => {
    const panel = mount({ vitrine: fakeEngine(exported(), { reason: 'STORAGE_QUOTA' }) });
    await loaded(panel);
    expect(panel.textContent).toContain('In memory only, gone when this tab closes.');
    expect(panel.textContent).toContain('Saving is not possible here (STORAGE_QUOTA).');
  });

  it('should delete nothing when the confirmation is cancelled, and give the focus back', async () => {
    const vitrine = fakeEngine();
    const panel = mount({ vitrine });
    await loaded(panel);
    const deleteAll = button(panel, 'Delete everything');
    deleteAll.click();
    await vi.waitFor(() => expect(deleteAll.getAttribute('aria-expanded')).toBe('true'));
    expect(panel.textContent).toContain('Delete all your data for good?');
    button(panel, 'Cancel').click();
    await vi.waitFor(() => expect(button(panel, 'Cancel')).toBeUndefined());
    expect(host.shadowRoot!.activeElement).toBe(deleteAll);
    expect(vitrine.profile.delete).not.toHaveBeenCalled();
  });

  it('should say so when its data cannot be loaded, and when an action fails, without throwing', async () => {
    const failing = fakeEngine();
    failing.profile.export.mockRejectedValue(Object.assign(new Error('gone'), { code: 'WORKER_CRASHED' }));
    let panel = mount({ vitrine: failing });
    await vi.waitFor(() => expect(panel.textContent).toContain('That failed, please try again.'));
    expect(panel.getAttribute('aria-busy')).toBeNull();

    unmount();
    const vitrine = fakeEngine();
    vitrine.consent.set.mockRejectedValue(Object.assign(new Error('late'), { code: 'TIMEOUT' }));
    panel = mount({ vitrine });
    await loaded(panel);
    checkbox(panel, 'Personal recommendations from what I do here').click();
    await vi.waitFor(() => expect(status(panel)).toBe('That failed, please try again.'));
    // Reloaded from the engine: the choice that failed is not shown as made.
    expect(checkbox(panel, 'Personal recommendations from what I do here').checked).toBe(true);
  });

  it('should offer a close button only when it has onClose', async () => {
    const onClose = vi.fn();
    let panel = mount({ vitrine: fakeEngine() });
    await loaded(panel);
    expect(button(panel, 'Close')).toBeUndefined();
    unmount();
    panel = mount({ vitrine: fakeEngine(), onClose });
    button(panel, 'Close').click();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('should speak German for de', async () => {
    const data = exported({
      events: [
        {
          type: 'view',
          product: 'p1',
          productTitle: 'Parka',
          query: null,
          price: null,
          placement: null,
          arm: null,
          time: '2025-03-01T09:00:00.000Z',
        },
      ],
    });
    const panel = mount({ vitrine: fakeEngine(data, { mode: 'persistent' }), locale: 'de-DE' });
    await loaded(panel);
    expect(panel.querySelector('h2')!.textContent).toBe('Deine Daten');
    expect(panel.textContent).toContain('Nur auf diesem Gerät gespeichert, nie gesendet.');
    expect(count(panel, 'Angesehene Produkte')).toBe('1');
    expect(panel.textContent).toContain('Seit 01.03.2025');
    expect(button(panel, 'Vergessen Parka')).toBeDefined();
    expect(button(panel, 'Alles löschen')).toBeDefined();
  });

  it("should show the shop's own words over its own, nested ones too, leaving out a word of the wrong kind", async () => {
    const data = exported({ preferences: { ...exported().preferences, brand: [{ value: 'Acme', score: 1 }] } });
    const onClose = vi.fn();
    const strings = {
      yourData: 'Vos données',
      deleteAll: 'Tout supprimer',
      close: 'Fermer',
      prefs: { brand: 'Marques' },
      // A sentence function is expected here (data-strings JSON can give text): the built-in one stays.
      memoryReason: 'impossible' as never,
      // A widget's word does not reach the panel's table, nor the other way round.
      why: 'Pourquoi ?',
    };
    const panel = mount({ vitrine: fakeEngine(data, { reason: 'STORAGE_QUOTA' }), locale: 'fr', strings, onClose });
    await loaded(panel);
    expect(panel.querySelector('h2')!.textContent).toBe('Vos données');
    expect(button(panel, 'Tout supprimer')).toBeDefined();
    expect(button(panel, 'Fermer')).toBeDefined();
    expect(count(panel, 'Marques')).toBe('Acme');
    expect(panel.textContent).toContain('Saving is not possible here (STORAGE_QUOTA).');
    expect(panel.textContent).not.toContain('Pourquoi');
  });

  it('should have no axe violations, also while confirming the deletion', async () => {
    const data = exported({
      events: [
        {
          type: 'view',
          product: 'p1',
          productTitle: 'Parka',
          query: null,
          price: null,
          placement: null,
          arm: null,
          time: '2025-03-01T09:00:00.000Z',
        },
      ],
    });
    const panel = mount({ vitrine: fakeEngine(data, { endpoint: '/stats' }), onClose: () => {} });
    await loaded(panel);
    button(panel, 'Delete everything').click();
    await vi.waitFor(() => expect(button(panel, 'Yes, delete')).toBeDefined());
    const { violations } = await axe.run(host);
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
