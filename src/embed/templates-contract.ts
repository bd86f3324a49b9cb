/**
 * How `vitrine.js` and the lazily loaded `vitrine-templates.js` meet: the latter dispatches
 * `TEMPLATES_EVENT` on the document with its `FromTemplates` as `detail`, once, when it has run.
 */
import type { h } from 'preact';
import type { ListCustomisation } from '../../widgets/types.ts';

export const TEMPLATES_EVENT = 'vitrine-templates';

/** Builds the list's components from a placeholder's `<template>` elements, with the page's Preact `h`. */
export type FromTemplates = (placeholder: HTMLElement, createElement: typeof h) => ListCustomisation;
