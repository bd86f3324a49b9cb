/**
 * Declarative tracking: what the shop's own markup says the visitor did, without any script.
 *
 * - `<div data-vitrine-track="view" data-product="SKU-1" data-price="59">` (a product page) and
 *   `data-vitrine-track="purchase"` (one element per product on an order confirmation): tracked
 *   once, when the element is on the page.
 * - `<button data-vitrine-track="add_to_cart" data-product="SKU-1">` (or `remove_from_cart`):
 *   tracked on each click.
 * - schema.org `Product` JSON-LD (`<script type="application/ld+json">`): when the page describes
 *   exactly one product (a product page, not a list), a `view` of its `sku` (else `productID`)
 *   at its `offers.price`. It is also the page product of placeholders that name none.
 *
 * A product is viewed once per page however many of these name it. Malformed attributes or
 * JSON-LD are skipped with a warning; nothing here throws into the page.
 */
import { VitrineError } from '../shared/errors.ts';
import type { EventType, TrackEvent } from '../shared/events.ts';

/** Declared event types: those tracked when the element is on the page, and those tracked on click. */
const ON_PAGE = ['view', 'purchase'];
const ON_CLICK = ['add_to_cart', 'remove_from_cart'];
const SELECTOR = '[data-vitrine-track]';
const JSON_LD = 'script[type="application/ld+json"]';

export interface PageTracking {
  /** Tracks what `root` and everything under it declares (the document at start, added nodes later). */
  scan(root: ParentNode): void;
  /** The one product the page's JSON-LD describes, if any. */
  pageProduct(): string | undefined;
}

/** A price as a number, or undefined (JSON-LD prices are often strings: `"59.90"`). */
function price(value: unknown): number | undefined {
  const number = typeof value == 'string' && value.trim() ? Number(value) : value;
  return typeof number == 'number' && number >= 0 && number < Infinity ? number : undefined;
}

/** The event of `product` at `seen`, without a `price` field when there is none. */
function event(type: string, product: string, seen: unknown): TrackEvent {
  const at = price(seen);
  return at === undefined ? { type: type as EventType, product } : { type: type as EventType, product, price: at };
}

/** Top-level `Product` nodes of one JSON-LD document, as view events (a list's items are not the page's product). */
function productsIn(json: unknown): TrackEvent[] {
  const out: TrackEvent[] = [];
  for (const node of [json].flat() as Record<string, unknown>[]) {
    if (Array.isArray(node?.['@graph'])) out.push(...productsIn(node['@graph']));
    const type = node?.['@type'];
    const id = node?.sku ?? node?.productID;
    if (
      (type == 'Product' || (Array.isArray(type) && type.includes('Product'))) &&
      (typeof id == 'number' || (typeof id == 'string' && id))
    ) {
      const offer = [node.offers].flat()[0] as Record<string, unknown> | undefined;
      out.push(event('view', String(id), offer?.price ?? offer?.lowPrice));
    }
  }
  return out;
}

/** `root` and its descendants that match `selector`, in document order. */
export function within<E extends Element = Element>(root: ParentNode, selector: string): E[] {
  const found = [...root.querySelectorAll<E>(selector)];
  return root instanceof Element && root.matches(selector) ? [root as E, ...found] : found;
}

function invalid(field: string, message: string): VitrineError {
  return new VitrineError('INVALID_EVENT', message, { field });
}

export function trackPage(doc: Document, track: (event: TrackEvent) => Promise<unknown>, warn: (error: unknown) => void): PageTracking {
  const viewed = new Set<string>();
  const done = new WeakSet<Element>();
  const jsonLd: TrackEvent[] = [];

  /** Tracks the event `element` declares (a product page is viewed once, however many say so). */
  const send = (element: HTMLElement | null, declared?: TrackEvent): void => {
    const { vitrineTrack: type = '', product, price: seen } = element?.dataset ?? {};
    if (element && !product) return warn(invalid('data-product', `data-vitrine-track="${type}" needs data-product`));
    const tracked = declared ?? event(type, product!, seen);
    if (tracked.type == 'view' && viewed.has(tracked.product!)) return;
    if (tracked.type == 'view') viewed.add(tracked.product!);
    track(tracked).catch(warn);
  };

  doc.addEventListener(
    'click',
    (click) => {
      const element = click.target instanceof Element ? click.target.closest<HTMLElement>(SELECTOR) : null;
      if (element && ON_CLICK.includes(element.dataset.vitrineTrack!)) send(element);
    },
    true,
  );

  const tracking: PageTracking = {
    scan(root) {
      for (const element of within(root, SELECTOR) as HTMLElement[]) {
        const type = element.dataset.vitrineTrack!;
        if (done.has(element) || ON_CLICK.includes(type)) continue;
        done.add(element);
        if (ON_PAGE.includes(type)) send(element);
        else warn(invalid('data-vitrine-track', `data-vitrine-track="${type}" is not one of ${[...ON_PAGE, ...ON_CLICK]}`));
      }
      for (const script of within(root, JSON_LD)) {
        if (done.has(script)) continue;
        done.add(script);
        try {
          jsonLd.push(...productsIn(JSON.parse(script.textContent!)));
        } catch {
          warn(invalid('application/ld+json', 'a JSON-LD script on the page is not valid JSON; it was ignored'));
        }
      }
      if (tracking.pageProduct()) send(null, jsonLd[0]);
    },
    pageProduct: () => (jsonLd.length == 1 ? jsonLd[0]!.product : undefined),
  };
  return tracking;
}
