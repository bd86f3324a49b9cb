let counter = 0;

/** A page-unique id for `aria-*` references: lists and panels share shadow roots and documents. */
export function uid(): string {
  return `vitrine-${++counter}`;
}
