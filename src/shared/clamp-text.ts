/**
 * Bounds on catalog text. A hostile or broken catalog may hold a 1 MB title; laying that out costs
 * the page a long task and a card a million pixels tall. The CLI cuts such text when it builds a
 * bundle (with a warning naming the row), and the widgets cut it again when they render, since a
 * bundle may come from any writer.
 */

/** Longest product title kept or shown, in UTF-16 code units. */
export const MAX_TITLE_LENGTH = 300;
/** Longest brand name or category level kept or shown. */
export const MAX_NAME_LENGTH = 100;

/** `text` cut to at most `max` code units plus an ellipsis, never between the halves of a surrogate pair. */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  // A high surrogate as the last kept unit would leave half a character.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}
