/**
 * Content slots: `<div data-vitrine-slot="home-hero">` holds the shop's own variants of a piece of
 * content (banners, incentives, calls to action). The first is ordinary, visible markup with
 * `data-variant="…"`, so it shows when Vitrine is off, blocked or has no consent; the others are
 * `<template data-variant="…">`. The experiments engine chooses; Vitrine then only clones the
 * chosen template's content (the shop's own HTML, already in the page) into the slot: variant names
 * are lookup keys, nothing from the bundle, the URL or the engine is ever written as HTML.
 *
 * `data-slots="2"` shows that many variants (a carousel), `data-policy="lin-ts"` picks the
 * contextual policy. The slot's viewable impression (half on screen for one second) is the trial,
 * a click on a link or button inside it the success. An exploration choice is marked:
 * `data-vitrine-explore` on the slot and a small label saying so. Slots added later (a single-page
 * app) are picked up like placeholders.
 */
import type { ArmChoice, ExperimentSpec } from '../shared/experiment.ts';
import { isVitrineError, VitrineError } from '../shared/errors.ts';
import { EXPLORING } from '../../widgets/i18n.ts';
import { within } from './page-tracking.ts';
import { onViewable } from './viewable.ts';
import type { Vitrine } from './create-vitrine.ts';

const SELECTOR = '[data-vitrine-slot]';
export type Experimenter = Pick<Vitrine, 'experiment' | 'reward'>;

/** "We're trying something new here", in German for `de*`. */
export const exploringText = (locale: string): string => (/^de(-|$)/i.test(locale) ? EXPLORING.de : EXPLORING.en);

/** Mounts every slot in `root` not mounted yet (each slot is asked for once per page). */
export function scanSlots(root: ParentNode, vitrine: Experimenter, locale: string, warn: (error: unknown) => void): void {
  for (const slot of within<HTMLElement>(root, SELECTOR)) {
    if (slot.dataset.vitrineArm !== undefined) continue;
    slot.dataset.vitrineArm = '';
    const warnAboutSlot = (error: unknown): void =>
      warn(
        isVitrineError(error)
          ? new VitrineError(error.code, `data-vitrine-slot="${slot.dataset.vitrineSlot}": ${error.message}`, error.details)
          : error,
      );
    void mountSlot(slot, vitrine, locale, warnAboutSlot).catch(warnAboutSlot);
  }
}

async function mountSlot(slot: HTMLElement, vitrine: Experimenter, locale: string, warn: (error: unknown) => void): Promise<void> {
  const name = slot.dataset.vitrineSlot!;
  const variants = [...slot.children].filter(
    (child): child is HTMLElement => child instanceof HTMLElement && child.dataset.variant !== undefined,
  );
  const spec: ExperimentSpec = { name, arms: variants.map((v) => v.dataset.variant!) };
  const { slots, policy } = slot.dataset;
  if (slots) spec.slots = Number(slots);
  if (policy) spec.policy = policy as ExperimentSpec['policy'];
  // A malformed slot (one variant, duplicate names, a bad data-slots) rejects here: the first variant stays.
  const choice: ArmChoice = await vitrine.experiment(spec, { referrer: document.referrer });
  const [first] = variants;
  if (choice.arms.length != 1 || choice.arms[0] != first!.dataset.variant) {
    const shown = choice.arms.map((arm) => {
      const variant = variants.find((v) => v.dataset.variant == arm)!;
      if (!(variant instanceof HTMLTemplateElement)) return variant;
      const wrapper = document.createElement('div');
      wrapper.dataset.variant = arm;
      wrapper.append(variant.content.cloneNode(true));
      return wrapper;
    });
    first!.replaceWith(...shown);
  }
  slot.dataset.vitrineArm = choice.arms.join(' ');
  if (choice.explore >= 0) {
    const arm = choice.arms[choice.explore]!;
    slot.dataset.vitrineExplore = arm;
    const label = document.createElement('small');
    label.dataset.vitrineExploreLabel = '';
    label.textContent = exploringText(locale);
    slot.append(label);
  }
  // A reward the engine could not take (it crashed, the page closed it) is a warning, never an unhandled rejection.
  onViewable(slot, () => void vitrine.reward(choice.arms.map((arm) => ({ experiment: name, arm, kind: 'impression' }))).catch(warn));
  // The success goes to the variant clicked in (a carousel shows several).
  slot.addEventListener('click', ({ target }) => {
    const arm = (target as Element).closest?.('a, button') && (target as Element).closest('[data-variant]')?.getAttribute('data-variant');
    if (arm && choice.arms.includes(arm)) void vitrine.reward([{ experiment: name, arm, kind: 'click' }]).catch(warn);
  });
}
