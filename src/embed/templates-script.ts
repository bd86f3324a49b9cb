/**
 * `dist/vitrine-templates.js`: placeholder templates (templates.ts) as a script of its own, which
 * `vitrine.js` adds to the page only when a placeholder holds a `<template>` (so other pages never
 * download it). It hands its renderer over in a `TEMPLATES_EVENT` on the document; `vitrine.js`
 * waits for it before mounting those placeholders (their own content shows meanwhile).
 */
import { TEMPLATES_EVENT } from './templates-contract.ts';
import { fromTemplates } from './templates.ts';

document.dispatchEvent(new CustomEvent(TEMPLATES_EVENT, { detail: fromTemplates }));
