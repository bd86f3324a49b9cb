/**
 * Every word the widgets show, in English and German, and the shop's own words for any other locale
 * (`strings`: any keys, falling back to these). German speaks to the visitor with "du", like the
 * engine's explanations (src/shared/messages.ts). Sentences with values are functions of their
 * parameters, so no component glues sentence parts together. The privacy panel's words are its own
 * (./PrivacyPanel/strings.ts): the script tag loads the panel, and them, only on pages that show it.
 */
import type { Placement } from '../src/shared/request.ts';
import type { PanelStringOverrides } from './PrivacyPanel/strings.ts';
import { withOwnWords } from './own-words.ts';

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
  /** The label of the dialog that holds the privacy panel. */
  yourData: 'Your data',
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
};

/**
 * A shop's own words, any subset (`{ empty: 'Rien pour le moment.', headings: { similar: 'Similaires' } }`);
 * sentences with values are functions, like the built-in ones (`rated: (r) => \`Noté ${r} sur 5\``).
 * The privacy panel's words (`PanelStrings`) are set the same way, in the same object.
 */
export type StringOverrides = Partial<Omit<Strings, 'headings'>> & {
  headings?: Partial<Strings['headings']>;
} & PanelStringOverrides;

/**
 * The strings for a BCP 47 tag: German for `de` and `de-*`, English for everything else, with the
 * shop's `own` words over them. An own word of the wrong kind (text where a sentence function is
 * expected, as `data-strings` JSON can give) is left out: the built-in one stays.
 */
export function pick(locale = 'en', own?: StringOverrides): Strings {
  return withOwnWords(/^de(-|$)/i.test(locale) ? de : en, own, 'headings');
}
