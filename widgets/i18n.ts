/**
 * Every word the widgets show, in English and German, and the shop's own words for any other locale
 * (`strings`: any keys, falling back to these). German speaks to the visitor with "du", like the
 * engine's explanations (src/shared/messages.ts). Sentences with values are functions of their
 * parameters, so no component glues sentence parts together.
 */
import type { Placement } from '../src/shared/request.ts';

/**
 * An experiment's exploration position (the policy tried an arm that is not among the best so far).
 * Its own table, not in the widgets' strings: only the experiments script (vitrine-slots.js) shows it.
 */
export const EXPLORING = { en: "We're trying something new here", de: 'Hier probieren wir etwas Neues aus' };

const en = {
  headings: {
    similar: 'Similar products',
    also_bought: 'Customers also bought',
    goes_with: 'Goes well with',
    now_reduced: 'Now reduced',
    for_you: 'Recommended for you',
    trending: 'Trending now',
    /** `now_reduced` when the visitor saw too few price drops and the list was filled with other products on sale. */
    on_sale: 'On sale',
  } satisfies Record<Placement | 'on_sale', string>,
  empty: 'No recommendations right now.',
  previous: 'Previous',
  next: 'Next',
  was: 'was',
  now: 'now',
  rated: (rating: string) => `Rated ${rating} out of 5`,
  why: 'Why?',
  whyTitle: 'Why this recommendation?',
  noReason: 'No personal reason: a general pick.',
  share: (percent: string) => `${percent} of the score`,
  notInterested: 'Not interested',
  manageData: 'Manage my data',
  close: 'Close',
  // The privacy panel.
  yourData: 'Your data',
  persistent: 'Saved on this device only, never sent anywhere.',
  memory: 'In memory only, gone when this tab closes.',
  memoryReason: (code: string) => `Saving is not possible here (${code}).`,
  stored: 'What is stored',
  views: 'Products viewed',
  carts: 'Added to cart',
  purchases: 'Purchases',
  searches: 'Searches',
  older: 'Older activity',
  since: (date: string) => `Since ${date}`,
  nothing: 'Nothing is stored.',
  preferences: 'Your preferences',
  prefs: {
    category: 'Categories',
    brand: 'Brands',
    colour: 'Colours',
    size: 'Sizes',
    priceLevel: 'Price ranges',
  },
  products: 'Stored products',
  forget: 'Forget',
  choices: 'Your choices',
  personalization: 'Personal recommendations from what I do here',
  measurement: 'Send anonymous counts to the shop',
  download: 'Download my data',
  deleteAll: 'Delete everything',
  confirmDelete: 'Delete all your data for good?',
  confirm: 'Yes, delete',
  cancel: 'Cancel',
  saved: 'Saved.',
  forgotten: (title: string) => `Forgot ${title}.`,
  deleted: 'All deleted.',
  downloaded: 'Downloaded.',
  failed: 'That failed, please try again.',
};

export type Strings = typeof en;

const de: Strings = {
  headings: {
    similar: 'Ähnliche Produkte',
    also_bought: 'Kunden kauften auch',
    goes_with: 'Passt gut dazu',
    now_reduced: 'Jetzt reduziert',
    for_you: 'Für dich empfohlen',
    trending: 'Gerade im Trend',
    on_sale: 'Im Angebot',
  },
  empty: 'Gerade keine Empfehlungen.',
  previous: 'Zurück',
  next: 'Weiter',
  was: 'statt',
  now: 'jetzt',
  rated: (rating) => `Bewertet mit ${rating} von 5`,
  why: 'Warum?',
  whyTitle: 'Warum empfohlen?',
  noReason: 'Kein persönlicher Grund: eine allgemeine Auswahl.',
  share: (percent) => `${percent} der Bewertung`,
  notInterested: 'Kein Interesse',
  manageData: 'Meine Daten verwalten',
  close: 'Schließen',
  yourData: 'Deine Daten',
  persistent: 'Nur auf diesem Gerät gespeichert, nie gesendet.',
  memory: 'Nur im Arbeitsspeicher, weg, sobald dieser Tab zu ist.',
  memoryReason: (code) => `Speichern ist hier nicht möglich (${code}).`,
  stored: 'Was gespeichert ist',
  views: 'Angesehene Produkte',
  carts: 'In den Warenkorb gelegt',
  purchases: 'Käufe',
  searches: 'Suchen',
  older: 'Ältere Aktivität',
  since: (date) => `Seit ${date}`,
  nothing: 'Nichts ist gespeichert.',
  preferences: 'Deine Vorlieben',
  prefs: {
    category: 'Kategorien',
    brand: 'Marken',
    colour: 'Farben',
    size: 'Größen',
    priceLevel: 'Preisbereiche',
  },
  products: 'Gespeicherte Produkte',
  forget: 'Vergessen',
  choices: 'Deine Auswahl',
  personalization: 'Persönliche Empfehlungen aus meiner Aktivität hier',
  measurement: 'Anonyme Zählungen an den Shop senden',
  download: 'Meine Daten herunterladen',
  deleteAll: 'Alles löschen',
  confirmDelete: 'Alle deine Daten endgültig löschen?',
  confirm: 'Ja, löschen',
  cancel: 'Abbrechen',
  saved: 'Gespeichert.',
  forgotten: (title) => `${title} vergessen.`,
  deleted: 'Alles gelöscht.',
  downloaded: 'Heruntergeladen.',
  failed: 'Fehlgeschlagen, bitte versuche es noch einmal.',
};

/**
 * A shop's own words, any subset (`{ empty: 'Rien pour le moment.', headings: { similar: 'Similaires' } }`);
 * sentences with values are functions, like the built-in ones (`rated: (r) => \`Noté ${r} sur 5\``).
 */
export type StringOverrides = Partial<Omit<Strings, 'headings' | 'prefs'>> & {
  headings?: Partial<Strings['headings']>;
  prefs?: Partial<Strings['prefs']>;
};

/**
 * The strings for a BCP 47 tag: German for `de` and `de-*`, English for everything else, with the
 * shop's `own` words over them. An own word of the wrong kind (text where a sentence function is
 * expected, as `data-strings` JSON can give) is left out: the built-in one stays.
 */
export function pick(locale = 'en', own?: StringOverrides): Strings {
  const base = /^de(-|$)/i.test(locale) ? de : en;
  if (!own) return base;
  const out: Record<string, unknown> = { ...base, headings: { ...base.headings }, prefs: { ...base.prefs } };
  const over = (target: Record<string, unknown>, from: Record<string, unknown> = {}): void => {
    for (const key in from) if (typeof from[key] == typeof target[key] && typeof target[key] != 'object') target[key] = from[key];
  };
  over(out, own);
  over(out.headings as Record<string, unknown>, own.headings);
  over(out.prefs as Record<string, unknown>, own.prefs);
  return out as Strings;
}
