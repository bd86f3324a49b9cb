/**
 * The shop's consent banner, behaving like a CMP: accept, reject (as easy: the same kind of
 * button, side by side) or customise the two purposes Vitrine knows (personalization, measurement).
 * The choice lives in the CMP's own first-party storage, and is signalled to Vitrine on every page
 * load through the page API (`vitrine.consent.set`, queued before vitrine.js runs), as CMP integrations do.
 * Until the visitor decides, nothing is signalled: Vitrine then keeps nothing beyond the tab.
 */
import { el } from './dom.ts';
import { href, LANG } from './i18n.ts';
import { signalConsent, withVitrine } from './vitrine.ts';

const KEY = 'demo-cmp-choice';

/** When the banner last saved a choice: a panel read started before it is stale. */
let decidedAt = 0;

export interface ConsentChoice {
  personalization: boolean;
  measurement: boolean;
}

const TEXT = {
  de: {
    title: 'Deine Privatsphäre',
    body: 'Wir möchten dir Empfehlungen zeigen, die zu dir passen. Sie werden in deinem Browser berechnet; was du ansiehst, verlässt dein Gerät nicht. Mit „Messung“ zählen wir anonym, welche Banner gut ankommen.',
    accept: 'Alle akzeptieren',
    reject: 'Alle ablehnen',
    customise: 'Anpassen',
    save: 'Auswahl speichern',
    personalization: 'Personalisierung: Empfehlungen nach deinem Verlauf, auf diesem Gerät gespeichert',
    measurement: 'Messung: anonyme Zählung, welche Inhalte angeklickt werden',
    more: 'Mehr zum Datenschutz',
  },
  en: {
    title: 'Your privacy',
    body: 'We would like to show you recommendations that suit you. They are computed in your browser; what you look at never leaves your device. With “measurement” we count anonymously which banners work.',
    accept: 'Accept all',
    reject: 'Reject all',
    customise: 'Customise',
    save: 'Save my choice',
    personalization: 'Personalization: recommendations from your history, stored on this device',
    measurement: 'Measurement: anonymous counts of what is clicked',
    more: 'More about privacy',
  },
}[LANG];

export function storedChoice(): ConsentChoice | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<ConsentChoice> | null;
    return stored ? { personalization: stored.personalization === true, measurement: stored.measurement === true } : undefined;
  } catch {
    return undefined;
  }
}

function store(choice: ConsentChoice): void {
  localStorage.setItem(KEY, JSON.stringify(choice));
}

/** Saves a choice and tells Vitrine at once (a revocation deletes what it stored). */
function decide(choice: ConsentChoice): void {
  decidedAt = Date.now();
  store(choice);
  signalConsent(choice);
  document.getElementById('consent-banner')?.remove();
  document.dispatchEvent(new CustomEvent('demo:consent', { detail: choice }));
}

/** The banner; `customising` opens it with the purposes' switches shown. */
export function openConsentBanner(customising = false): void {
  document.getElementById('consent-banner')?.remove();
  const current = storedChoice() ?? { personalization: false, measurement: false };
  const box = (name: keyof ConsentChoice, label: string) =>
    el('label', { class: 'consent-purpose' }, el('input', { type: 'checkbox', name, ...(current[name] && { checked: true }) }), ' ', label);
  const purposes = el(
    'fieldset',
    { class: 'consent-purposes', hidden: !customising },
    box('personalization', TEXT.personalization),
    box('measurement', TEXT.measurement),
  );
  const save = el('button', { type: 'button', class: 'button', hidden: !customising }, TEXT.save);
  const customise = el('button', { type: 'button', class: 'button', hidden: customising }, TEXT.customise);
  const reject = el('button', { type: 'button', class: 'button' }, TEXT.reject);
  const accept = el('button', { type: 'button', class: 'button' }, TEXT.accept);
  const banner = el(
    'section',
    { id: 'consent-banner', class: 'consent-banner', role: 'dialog', 'aria-labelledby': 'consent-title' },
    el('h2', { id: 'consent-title' }, TEXT.title),
    el('p', {}, TEXT.body, ' ', el('a', { href: href('/privacy') }, TEXT.more)),
    purposes,
    el('div', { class: 'consent-actions' }, reject, accept, customise, save),
  );
  accept.addEventListener('click', () => decide({ personalization: true, measurement: true }));
  reject.addEventListener('click', () => decide({ personalization: false, measurement: false }));
  customise.addEventListener('click', () => {
    purposes.hidden = save.hidden = false;
    customise.hidden = true;
  });
  save.addEventListener('click', () => {
    const checked = (name: string) => purposes.querySelector<HTMLInputElement>(`input[name="${name}"]`)!.checked;
    decide({ personalization: checked('personalization'), measurement: checked('measurement') });
  });
  document.body.append(banner);
}

/**
 * On every page: signal the stored choice to Vitrine before it starts, or ask for one. Call from
 * the page's module before vitrine.js runs (module scripts come before the deferred script tag).
 */
export function startConsent(): void {
  const choice = storedChoice();
  if (choice) signalConsent(choice);
  else openConsentBanner();
}

/**
 * A choice made in Vitrine's privacy panel (on /privacy) becomes the CMP's too, or the next page
 * load would signal the old one again. The panel has no event for it, so the page asks the engine.
 */
export function followPanelChoices(): void {
  withVitrine((vitrine) =>
    setInterval(async () => {
      const asked = Date.now();
      const record = await vitrine.consent.get();
      const stored = storedChoice();
      if (stored && decidedAt < asked && (stored.personalization !== record.personalization || stored.measurement !== record.measurement)) {
        store({ personalization: record.personalization, measurement: record.measurement });
      }
    }, 500),
  ).catch(() => undefined);
}
