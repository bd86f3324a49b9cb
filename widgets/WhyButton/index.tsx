/**
 * "Why?" next to a recommended item: a popover with the engine's reasons (already localised plain
 * text), each reason's share of the score, and the visitor's two levers, "Not interested" and
 * "Manage my data".
 *
 * The popover is a native one (`popover="auto"`): it sits in the top layer, so a scrolling carousel
 * cannot clip it, and Esc and clicks elsewhere close it for free. It is positioned beside the button
 * through the CSSOM (`style.top`): the shop's CSP may refuse `style` attributes. Browsers without
 * the Popover API (before Safari 17, Firefox 125) show no "Why?" at all (see style.css) rather than
 * every explanation at once.
 */
import { h, Fragment } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { clampText, MAX_TITLE_LENGTH } from '../../src/shared/clamp-text.ts';
import { percent, tag } from '../format.ts';
import { pick } from '../i18n.ts';
import { uid } from '../ids.ts';
import type { WhyButtonProps } from '../types.ts';

/** Longest reason shown: a sentence around a title, brand or category, each of which may be huge in a hostile bundle. */
const MAX_REASON_LENGTH = MAX_TITLE_LENGTH + 100;

/** Gap between the button and the popover, and between the popover and the viewport's edge, px. */
const GAP = 6;

/** Below the button, or above it when there is no room below; kept inside the viewport. */
function place(pop: HTMLElement, button: HTMLElement): void {
  const r = button.getBoundingClientRect();
  const h = pop.offsetHeight;
  const below = r.bottom + GAP + h <= innerHeight || r.top < h + 2 * GAP;
  pop.style.top = `${below ? r.bottom + GAP : r.top - h - GAP}px`;
  pop.style.left = `${Math.max(GAP, Math.min(r.left, innerWidth - pop.offsetWidth - GAP))}px`;
}

export function WhyButton({ item, locale, strings, onDismiss, onManageData }: WhyButtonProps) {
  const loc = tag(locale);
  const t = pick(loc, strings);
  const [[popId, headId]] = useState(() => [uid(), uid()]);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pop = useRef<HTMLDivElement>(null);

  // Layout effects: placed before the first paint, and the focus is back before anyone looks.
  useLayoutEffect(() => {
    const p = pop.current!;
    const b = button.current!;
    if (!open) return;
    const follow = () => place(p, b);
    follow();
    p.focus();
    // Scroll events do not cross shadow roots, and a carousel scrolls inside the widget's own.
    const root = b.getRootNode();
    addEventListener('resize', follow);
    for (const target of [document, root]) target.addEventListener('scroll', follow, true);
    return () => {
      removeEventListener('resize', follow);
      for (const target of [document, root]) target.removeEventListener('scroll', follow, true);
      // Closed with the focus inside (lost with the hidden box): back to the button. A click
      // elsewhere on the page keeps the focus where the visitor put it.
      const active = document.activeElement;
      if (!active || active == document.body || p.contains((root as Document | ShadowRoot).activeElement)) b.focus();
    };
  }, [open]);

  const hide = () => pop.current!.hidePopover();
  const reasons = item.why;

  return (
    <>
      <button
        ref={button}
        type="button"
        class="why-btn"
        part="why"
        data-vitrine-why=""
        aria-expanded={open}
        aria-controls={popId}
        popovertarget={popId}
      >
        {t.why}
        <span class="sr"> {clampText(item.title, MAX_TITLE_LENGTH)}</span>
      </button>
      <div
        ref={pop}
        id={popId}
        class="pop"
        part="why-popover"
        popover="auto"
        role="dialog"
        aria-labelledby={headId}
        tabIndex={-1}
        // Placed once before it shows (its size is not known yet), then again with its size.
        onBeforeToggle={(e) => e.newState == 'open' && place(pop.current!, button.current!)}
        onToggle={(e) => setOpen(e.newState == 'open')}
      >
        <h3 id={headId}>{t.whyTitle}</h3>
        {reasons.length > 0 && (
          <ul>
            {reasons.map((r) => {
              const share = item.score > 0 ? Math.min(1, Math.max(0, r.contribution / item.score)) : 0;
              return (
                <li key={r.message + r.component}>
                  {clampText(r.text, MAX_REASON_LENGTH)}
                  {share > 0 && <small>{t.share(percent(share, loc))}</small>}
                </li>
              );
            })}
          </ul>
        )}
        {!reasons.length && <p>{t.noReason}</p>}
        <div class="acts">
          {onDismiss && (
            <button type="button" onClick={() => (hide(), onDismiss())}>
              {t.notInterested}
            </button>
          )}
          {onManageData && (
            <button type="button" onClick={() => (hide(), button.current!.focus(), onManageData())}>
              {t.manageData}
            </button>
          )}
        </div>
      </div>
    </>
  );
}
