/**
 * The privacy panel's words, in English and German like the widgets' (../i18n.ts), and apart from
 * them: the script tag loads the panel, and these, only on pages that show it (vitrine-privacy.js).
 * A shop sets its own in the same `strings` object as the widgets' (`StringOverrides`).
 */
import { withOwnWords } from '../own-words.ts';

const en = {
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
  close: 'Close',
};

export type PanelStrings = typeof en;

const de: PanelStrings = {
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
  close: 'Schließen',
};

/** The panel's words a shop may set, any subset (`{ deleteAll: 'Tout supprimer', prefs: { brand: 'Marques' } }`). */
export type PanelStringOverrides = Partial<Omit<PanelStrings, 'prefs'>> & { prefs?: Partial<PanelStrings['prefs']> };

/** The panel's words for a BCP 47 tag (German for `de` and `de-*`, else English), with the shop's `own` words over them. */
export function pickPanel(locale = 'en', own?: PanelStringOverrides): PanelStrings {
  return withOwnWords(/^de(-|$)/i.test(locale) ? de : en, own, 'prefs');
}
