/**
 * The "Why?" popover, driven with Chromium's real keyboard (Playwright): it opens on Enter with
 * the focus inside, closes on Escape with the focus back on its button, says honestly when there
 * is no personal reason, and hands "Not interested" / "Manage my data" to its owner.
 */
import { h } from 'preact';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { ResultItem, WhyReason } from '../../src/shared/request.ts';
import { mountWidget, RecommendationList, WhyButton, type WhyButtonProps } from '../../widgets/index.ts';

let host: HTMLElement;
beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
});
afterEach(() => host.remove());

const reason = (message: WhyReason['message'], text: string, contribution: number): WhyReason => ({
  component: 'similarity',
  contribution,
  message,
  params: {},
  text,
});

function item(why: WhyReason[], overrides: Partial<ResultItem> = {}): ResultItem {
  return {
    productId: 'sku-1',
    title: 'Parka Arctic',
    url: 'https://shop.example/p/1',
    image: '',
    brand: 'Acme',
    category: [],
    inStock: true,
    attributes: {},
    price: 100,
    salePrice: null,
    currency: 'EUR',
    score: 2,
    components: {},
    why,
    strategy: 'for_you',
    rating: null,
    bundleVersion: '0badf00d',
    ...overrides,
  };
}
const explained = item([reason('viewed', 'Because you viewed Rain Jacket', 1.5), reason('trending', 'Trending this week', 0.3)]);

function mount(props: Partial<WhyButtonProps> = {}) {
  mountWidget(host, <WhyButton item={explained} {...props} />);
  const root = host.shadowRoot!;
  const button = root.querySelector<HTMLButtonElement>('[data-vitrine-why]')!;
  const popover = root.getElementById(button.getAttribute('aria-controls')!)!;
  return { root, button, popover };
}

async function openWithKeyboard(button: HTMLButtonElement, popover: HTMLElement): Promise<void> {
  button.focus();
  await userEvent.keyboard('{Enter}');
  await vi.waitFor(() => expect(popover.matches(':popover-open')).toBe(true));
  await vi.waitFor(() => expect(button.getAttribute('aria-expanded')).toBe('true'));
}

describe('WhyButton', () => {
  it('should be a collapsed button that controls a closed popover', () => {
    const { button, popover } = mount();
    expect(button.type).toBe('button');
    expect(button.textContent).toBe('Why? Parka Arctic');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(popover.getAttribute('popover')).toBe('auto');
    expect(popover.matches(':popover-open')).toBe(false);
    expect(popover.checkVisibility()).toBe(false);
  });

  it('should open with Enter, with the focus inside, and close with Escape, with the focus back on the button', async () => {
    const { root, button, popover } = mount();
    await openWithKeyboard(button, popover);
    expect(popover.checkVisibility()).toBe(true);
    await vi.waitFor(() => expect(root.activeElement).toBe(popover));
    await userEvent.keyboard('{Escape}');
    await vi.waitFor(() => expect(popover.matches(':popover-open')).toBe(false));
    await vi.waitFor(() => expect(button.getAttribute('aria-expanded')).toBe('false'));
    expect(root.activeElement).toBe(button);
  });

  it('should show the reasons with their share of the score under a heading that names the popover', async () => {
    const { root, button, popover } = mount();
    await openWithKeyboard(button, popover);
    expect(popover.getAttribute('role')).toBe('dialog');
    const heading = root.getElementById(popover.getAttribute('aria-labelledby')!)!;
    expect(heading.textContent).toBe('Why this recommendation?');
    const reasons = [...popover.querySelectorAll('li')];
    expect(reasons.map((li) => li.textContent)).toEqual([
      'Because you viewed Rain Jacket75% of the score',
      'Trending this week15% of the score',
    ]);
  });

  it('should sit next to its button, inside the viewport', async () => {
    const { button, popover } = mount();
    await openWithKeyboard(button, popover);
    const b = button.getBoundingClientRect();
    const p = popover.getBoundingClientRect();
    expect(popover.style.top).toMatch(/px$/);
    expect(Math.abs(p.top - b.bottom) < 20 || Math.abs(b.top - p.bottom) < 20).toBe(true);
    expect(p.left).toBeGreaterThanOrEqual(0);
    expect(p.right).toBeLessThanOrEqual(innerWidth);
  });

  it('should keep its full width and stay on screen when its button is at the right edge (a carousel card half out of view)', async () => {
    host.style.cssText = `position: absolute; top: 0; left: ${innerWidth - 60}px`;
    const { button, popover } = mount();
    await openWithKeyboard(button, popover);
    const p = popover.getBoundingClientRect();
    // Not shrunk to the room right of the button: min(20rem, viewport - 12px).
    expect(p.width).toBeCloseTo(Math.min(320, innerWidth - 12), 0);
    expect(p.left).toBeGreaterThanOrEqual(0);
    expect(p.right).toBeLessThanOrEqual(innerWidth);
    expect(p.bottom).toBeLessThanOrEqual(innerHeight);
  });

  it('should say there is no personal reason when the engine gives none', async () => {
    const { button, popover } = mount({ item: item([]) });
    await openWithKeyboard(button, popover);
    expect(popover.querySelector('ul')).toBeNull();
    expect(popover.textContent).toContain('No personal reason: a general pick.');
    expect(popover.textContent).not.toContain('Popular');
  });

  it('should call onDismiss from "Not interested" and close', async () => {
    const onDismiss = vi.fn();
    const { button, popover } = mount({ onDismiss });
    await openWithKeyboard(button, popover);
    const notInterested = [...popover.querySelectorAll('button')].find((b) => b.textContent == 'Not interested')!;
    notInterested.click();
    expect(onDismiss).toHaveBeenCalledTimes(1);
    expect(popover.matches(':popover-open')).toBe(false);
  });

  it('should call onManageData from "Manage my data" with the focus on the Why button', async () => {
    let focused: Element | null = null;
    const { root, button, popover } = mount({ onManageData: () => (focused = root.activeElement) });
    await openWithKeyboard(button, popover);
    [...popover.querySelectorAll('button')].find((b) => b.textContent == 'Manage my data')!.click();
    expect(focused).toBe(button);
    expect(popover.matches(':popover-open')).toBe(false);
  });

  it('should leave out the actions nobody handles', async () => {
    const { button, popover } = mount();
    await openWithKeyboard(button, popover);
    expect(popover.querySelectorAll('button')).toHaveLength(0);
  });

  it('should speak German for de', async () => {
    const { button, popover } = mount({ item: item([]), locale: 'de', onDismiss: () => {}, onManageData: () => {} });
    expect(button.textContent).toBe('Warum? Parka Arctic');
    await openWithKeyboard(button, popover);
    expect(popover.querySelector('h3')!.textContent).toBe('Warum empfohlen?');
    expect(popover.textContent).toContain('Kein persönlicher Grund');
    expect([...popover.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Kein Interesse', 'Meine Daten verwalten']);
  });

  it('should escape a scrolling carousel: the open popover is in the top layer, not clipped', async () => {
    host.style.cssText = 'width: 230px; --vitrine-card-width: 100px; --vitrine-gap: 10px';
    mountWidget(host, <RecommendationList placement="for_you" items={[explained]} onDismiss={() => {}} />);
    const root = host.shadowRoot!;
    const button = root.querySelector<HTMLButtonElement>('[data-vitrine-why]')!;
    const popover = root.getElementById(button.getAttribute('aria-controls')!)!;
    await openWithKeyboard(button, popover);
    const box = popover.getBoundingClientRect();
    // Below the carousel's scroll box, which would clip it, and still the topmost element there.
    expect(box.top).toBeGreaterThanOrEqual(root.querySelector('ul')!.getBoundingClientRect().bottom - 10);
    const hit = root.elementFromPoint(box.left + box.width / 2, box.bottom - 5);
    expect(popover.contains(hit)).toBe(true);
  });

  it('should have no axe violations with the popover open', async () => {
    const { button, popover } = mount({ onDismiss: () => {}, onManageData: () => {} });
    await openWithKeyboard(button, popover);
    const { violations } = await axe.run(host);
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
