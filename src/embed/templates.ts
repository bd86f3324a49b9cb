/**
 * Placeholder templates: the shop's own markup for an item, the heading and the empty state, written
 * as `<template>` elements inside a placeholder, the script tag's counterpart of the widgets'
 * `itemComponent`, `headerComponent` and `emptyComponent`:
 *
 *   <div data-vitrine="similar" data-product="SKU-1">
 *     <template data-vitrine-template="item">
 *       <a data-field-href="url" part="card"><img data-field-src="image" data-field-alt="title"><b data-field="title"></b></a>
 *       <span data-field="price"></span> <del data-field="regularPrice"></del>
 *     </template>
 *     <template data-vitrine-template="header"><h2 data-field="heading"></h2></template>
 *     <template data-vitrine-template="empty"><p>Nothing for you yet.</p></template>
 *   </div>
 *
 * Only the template's content (the shop's HTML, already in the page) is cloned; values from the
 * bundle fill it as text (`textContent`) or as one of a few attributes: `href` and `src` only with
 * URLs that pass `safeUrl`, `alt`, `title` and `aria-label` as plain text. Nothing from the bundle is
 * ever parsed as HTML. An element whose field has no value (no sale, no rating, an attribute the
 * product lacks) is removed, so `<del data-field="regularPrice">` shows only for reduced products.
 *
 * This module is the lazily loaded `dist/vitrine-templates.js` (templates-script.ts): `vitrine.js`
 * adds it only to pages with a template in a placeholder, and hands it its own Preact's `h`.
 */
import { money, number } from '../../widgets/format.ts';
import { safeUrl } from '../../widgets/safe-url.ts';
import type { HeaderComponentProps, ItemComponentProps } from '../../widgets/types.ts';
import type { ResultItem } from '../shared/request.ts';
import type { FromTemplates } from './templates-contract.ts';

/** Attributes a field may fill besides the text; URLs go through `safeUrl`. */
const URL_ATTRIBUTES = ['href', 'src'];
const TEXT_ATTRIBUTES = ['alt', 'title', 'aria-label'];

/**
 * The text of `field` for `item` in `locale`, or null when it has none: `title`, `brand`,
 * `productId`, `currency`, `url`, `image`, `price` (the current price, formatted), `regularPrice`
 * (the price before a reduction: only for reduced items), `salePrice`, `rating`, `category` (the
 * leaf), `categoryPath` (`Women › Dresses`), `inStock` (`true` / `false`), `attributes.<name>`.
 */
export function fieldText(item: ResultItem, field: string, locale: string): string | null {
  const { price, salePrice, currency } = item;
  const reduced = price != null && salePrice != null && salePrice < price;
  const formatted = (value: number | null) => (value == null ? null : money(value, currency, locale));
  switch (field) {
    case 'price':
      return formatted(salePrice ?? price);
    case 'regularPrice':
      return reduced ? formatted(price) : null;
    case 'salePrice':
      return reduced ? formatted(salePrice) : null;
    case 'rating':
      return item.rating == null ? null : number(item.rating, locale);
    case 'category':
      return item.category.at(-1) ?? null;
    case 'categoryPath':
      return item.category.join(' › ') || null;
    case 'inStock':
      return String(item.inStock);
    case 'title':
    case 'brand':
    case 'productId':
    case 'currency':
    case 'url':
    case 'image':
      return item[field] || null;
  }
  // Own properties only: `attributes.constructor` is no field.
  const name = field.startsWith('attributes.') ? field.slice(11) : null;
  return name !== null && Object.hasOwn(item.attributes, name) ? item.attributes[name]! : null;
}

/** Fills the `data-field*` slots under `root` from `value(field)`; removes an element whose text field has no value. */
export function fillSlots(root: ParentNode, value: (field: string) => string | null): void {
  for (const element of root.querySelectorAll<HTMLElement>('*')) {
    for (const { name, value: field } of [...element.attributes]) {
      if (name != 'data-field' && !name.startsWith('data-field-')) continue;
      const target = name.slice(11); // after "data-field-"; '' for the text slot
      const text = value(field);
      element.removeAttribute(name);
      if (!target) {
        if (text === null) element.remove();
        else element.textContent = text;
      } else if (URL_ATTRIBUTES.includes(target)) {
        const url = safeUrl(text);
        if (url) element.setAttribute(target, url);
      } else if (TEXT_ATTRIBUTES.includes(target) && text !== null) {
        element.setAttribute(target, text);
      }
    }
  }
}

/** The filled copy of `template` for `key` (refilled only when the key changes: re-renders keep the DOM, and images stay loaded). */
const filledFor = new WeakMap<Element, unknown>();

function fillInto(box: HTMLElement | null, template: HTMLTemplateElement, key: unknown, value: (field: string) => string | null): void {
  if (!box || filledFor.get(box) === key) return;
  filledFor.set(box, key);
  const copy = template.content.cloneNode(true) as DocumentFragment;
  fillSlots(copy, value);
  box.replaceChildren(copy);
}

export const fromTemplates: FromTemplates = (placeholder, h) => {
  const find = (kind: string) => placeholder.querySelector<HTMLTemplateElement>(`:scope > template[data-vitrine-template="${kind}"]`);
  const item = find('item');
  const header = find('header');
  const empty = find('empty');
  // Boxes with `display: contents`: the template's own elements lay out as the card's children.
  const box = (template: HTMLTemplateElement, key: unknown, value: (field: string) => string | null) =>
    h('div', { class: 'tpl', ref: (element: HTMLElement | null) => fillInto(element, template, key, value) });
  return {
    itemComponent: item
      ? ({ item: product, locale }: ItemComponentProps) => box(item, product, (f) => fieldText(product, f, locale))
      : undefined,
    headerComponent: header
      ? ({ heading }: HeaderComponentProps) => box(header, heading, (f) => (f == 'heading' ? heading : null))
      : undefined,
    emptyComponent: empty ? () => box(empty, empty, () => null) : undefined,
  };
};
