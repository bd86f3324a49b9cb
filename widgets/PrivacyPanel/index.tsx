/**
 * The visitor's own view of their data: where it lives (on this device, or only in this tab's
 * memory), what is stored, their consent choices, and the rights to export, forget one product
 * and delete everything. Every change is followed by a fresh read, and while in view the panel
 * follows changes made elsewhere, so it shows what the engine holds, not what the panel assumes.
 */
import { h, Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsentChoice, ConsentRecord, ProfileExport } from '../../src/index.ts';
import type { ProfileStatus } from '../../src/shared/request.ts';
import { clampText, MAX_NAME_LENGTH, MAX_TITLE_LENGTH } from '../../src/shared/clamp-text.ts';
import { day, number, tag } from '../format.ts';
import { uid } from '../ids.ts';
import { shadowHost } from '../mount.tsx';
import { pickPanel } from './strings.ts';
import type { PrivacyPanelProps } from '../types.ts';

/** How often a panel in view checks whether the profile or the consent changed, ms. */
export const LIVE_MS = 1000;

/** Preferences listed per kind (category, brand, …): the strongest few say enough. */
const TOP_PREFERENCES = 3;

interface Loaded {
  profile: Pick<ProfileStatus, 'mode' | 'reason'>;
  consent: ConsentRecord;
  /** A measurement endpoint is configured: only then is the measurement choice worth showing. */
  measurable: boolean;
  data: ProfileExport;
}

export function PrivacyPanelView({ vitrine, locale, strings, onClose }: PrivacyPanelProps) {
  const loc = tag(locale);
  const t = pickPanel(loc, strings);
  const [[headId, confirmId]] = useState(() => [uid(), uid()]);
  // undefined while loading, null when loading failed.
  const [state, setState] = useState<Loaded | null>();
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const head = useRef<HTMLHeadingElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  const load = () =>
    Promise.all([vitrine.status(), vitrine.consent.get(), vitrine.measurement(), vitrine.profile.export()]).then(
      ([status, consent, measurement, data]) =>
        setState({
          profile: status.profile ?? data.status,
          consent,
          measurable: measurement.endpoint != null,
          data,
        }),
    );
  // Read whenever the panel comes into view: a panel at the foot of the page shows what the
  // engine holds when the visitor gets there, not what it held when the page loaded. While in
  // view it follows the engine: a cheap look at the profile's status and the consent every
  // LIVE_MS, and a full read when they changed (a consent applied late, another tab's or the
  // page's events, a storage fallback).
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    let seen = '';
    let timer: ReturnType<typeof setInterval> | undefined;
    const look = () =>
      Promise.all([vitrine.status(), vitrine.consent.get()]).then(([status, consent]) => {
        const now = JSON.stringify([status.profile, consent]);
        if (now != seen) return load().then(() => (seen = now));
      });
    const observer = new IntersectionObserver(([entry]) => {
      clearInterval(timer);
      if (!entry!.isIntersecting) return;
      seen = '';
      look().catch(() => setState(null));
      // A failed look is tried again on the next tick; what is shown stays meanwhile.
      timer = setInterval(() => look().catch(() => 0), LIVE_MS);
    });
    observer.observe(root.current!);
    return () => {
      observer.disconnect();
      clearInterval(timer);
    };
  }, [vitrine]);
  useEffect(() => {
    if (confirming) confirmButton.current!.focus();
  }, [confirming]);

  /** Runs a visitor's request, shows the engine's state after it, and says what happened. */
  const act = (run: () => Promise<unknown>, done: string) => {
    // Emptied first, so the same message twice is announced twice.
    setNote('');
    Promise.resolve()
      .then(run)
      .then(
        () => done,
        () => t.failed,
      )
      // Reloaded either way: a failed change must not leave the panel showing it as made.
      .then((message) => load().then(() => setNote(message)))
      .catch(() => setNote(t.failed));
  };
  const choose = (choice: ConsentChoice) => {
    // Shown at once; the reload after the engine's answer has the last word.
    setState({ ...state!, consent: { ...state!.consent, ...choice } });
    act(() => vitrine.consent.set(choice), t.saved);
  };
  const download = () =>
    act(async () => {
      const json = JSON.stringify(await vitrine.profile.export(), null, 2);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      link.download = 'vitrine-profile.json';
      link.click();
      // After the click's task: the download has taken the blob by then.
      setTimeout(() => URL.revokeObjectURL(link.href));
    }, t.downloaded);

  let body = null;
  if (state) {
    const { profile, consent, measurable, data } = state;
    const counts: Record<string, number> = {};
    for (const event of data.events) counts[event.type] = (counts[event.type] ?? 0) + 1;
    const older = data.compacted.reduce((sum, c) => sum + c.events, 0);
    // ISO 8601 UTC strings sort by time.
    const since = [...data.events.map((e) => e.time), ...data.compacted.map((c) => c.firstTime)].sort()[0];
    // Most recent first; the id stands in for a product the catalog no longer has.
    const products = new Map<string, string>();
    for (const e of [...data.events].reverse()) {
      if (e.product && !products.has(e.product)) products.set(e.product, clampText(e.productTitle ?? e.product, MAX_TITLE_LENGTH));
    }
    for (const c of data.compacted)
      if (!products.has(c.product)) products.set(c.product, clampText(c.productTitle ?? c.product, MAX_TITLE_LENGTH));
    const list = new Intl.ListFormat(loc);
    const preferences = (Object.keys(t.prefs) as (keyof typeof t.prefs)[])
      .map((kind) => [kind, data.preferences[kind]?.slice(0, TOP_PREFERENCES) ?? []] as const)
      .filter(([, top]) => top.length);
    const rows: [string, number][] = [
      [t.views, counts.view ?? 0],
      [t.carts, counts.add_to_cart ?? 0],
      [t.purchases, counts.purchase ?? 0],
      [t.searches, counts.search ?? 0],
    ];
    if (older) rows.push([t.older, older]);

    body = (
      <>
        <p>{profile.mode == 'persistent' ? t.persistent : t.memory}</p>
        {profile.reason && <p class="muted">{t.memoryReason(profile.reason)}</p>}
        <h3>{t.stored}</h3>
        {since ? (
          <>
            <dl>
              {rows.map(([label, n]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd>{number(n, loc)}</dd>
                </div>
              ))}
            </dl>
            <p class="muted">{t.since(day(since, loc))}</p>
          </>
        ) : (
          <p>{t.nothing}</p>
        )}
        {preferences.length > 0 && (
          <>
            <h3>{t.preferences}</h3>
            <dl>
              {preferences.map(([kind, top]) => (
                <div key={kind}>
                  <dt>{t.prefs[kind]}</dt>
                  {/* The engine words price ranges "32 to 64": a dash reads the same in any language. */}
                  <dd>{list.format(top.map((p) => clampText(p.value.replace(' to ', '–'), MAX_NAME_LENGTH)))}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
        {products.size > 0 && (
          <>
            <h3>{t.products}</h3>
            <ul class="products">
              {[...products].map(([id, title]) => (
                <li key={id}>
                  <span>{title}</span>
                  <button
                    type="button"
                    onClick={() => {
                      head.current!.focus();
                      act(() => vitrine.profile.forget(id), t.forgotten(title));
                    }}
                  >
                    {t.forget}
                    <span class="sr"> {title}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        <h3>{t.choices}</h3>
        <label>
          <input type="checkbox" checked={consent.personalization} onChange={(e) => choose({ personalization: e.currentTarget.checked })} />
          {t.personalization}
        </label>
        {measurable && (
          <label>
            <input type="checkbox" checked={consent.measurement} onChange={(e) => choose({ measurement: e.currentTarget.checked })} />
            {t.measurement}
          </label>
        )}
        <div class="acts">
          <button type="button" onClick={download}>
            {t.download}
          </button>
          <button
            ref={deleteButton}
            type="button"
            class="danger"
            aria-expanded={confirming}
            aria-controls={confirming ? confirmId : undefined}
            onClick={() => setConfirming(!confirming)}
          >
            {t.deleteAll}
          </button>
        </div>
        {confirming && (
          <div id={confirmId} class="confirm" role="group" aria-label={t.deleteAll}>
            <p>{t.confirmDelete}</p>
            <div class="acts">
              <button
                ref={confirmButton}
                type="button"
                class="danger"
                onClick={() => {
                  setConfirming(false);
                  head.current!.focus();
                  act(() => vitrine.profile.delete(), t.deleted);
                }}
              >
                {t.confirm}
              </button>
              <button
                type="button"
                onClick={() => {
                  setConfirming(false);
                  deleteButton.current!.focus();
                }}
              >
                {t.cancel}
              </button>
            </div>
          </div>
        )}
      </>
    );
  }

  return (
    <section
      ref={root}
      class="v pp"
      data-vitrine-placement="privacy-panel"
      aria-labelledby={headId}
      aria-busy={state === undefined ? 'true' : undefined}
    >
      <div class="head">
        <h2 id={headId} ref={head} tabIndex={-1}>
          {t.yourData}
        </h2>
        {onClose && (
          <button type="button" onClick={onClose}>
            {t.close}
          </button>
        )}
      </div>
      {state === null ? <p>{t.failed}</p> : body}
      <p role="status">{note}</p>
    </section>
  );
}

/** `PrivacyPanelView` in its own shadow root, for apps. */
export const PrivacyPanel = shadowHost(PrivacyPanelView);
