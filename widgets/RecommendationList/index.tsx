/**
 * A list of recommendations as data: a carousel (scroll-snap, previous/next buttons) or a grid of
 * cards, a skeleton while `items` is null (the section is `aria-busy` then) and a sentence when it
 * is empty. It calls no engine: what the visitor does goes out through the `on*` callbacks.
 *
 * Every string in an item comes from the shop's bundle and is rendered as text, titles cut to
 * MAX_TITLE_LENGTH (a bundle may hold a 1 MB one); links and images only get URLs that pass `safeUrl`.
 */
import { h, Fragment } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { clampText, MAX_TITLE_LENGTH } from '../../src/shared/clamp-text.ts';
import type { ResultItem } from '../../src/shared/request.ts';
import { money, number, tag } from '../format.ts';
import { pick, type Strings } from '../i18n.ts';
import { uid } from '../ids.ts';
import { useImpressions } from '../impressions.ts';
import { safeUrl } from '../safe-url.ts';
import type { RecommendationListProps } from '../types.ts';
import { WhyButton } from '../WhyButton/index.tsx';

/** Cards in the skeleton: enough to fill a row on most screens without promising a count. */
const SKELETON_CARDS = 4;

interface ItemProps extends Pick<RecommendationListProps, 'onItemClick' | 'onManageData' | 'itemComponent' | 'strings'> {
  item: ResultItem;
  locale: string;
  t: Strings;
  onDismiss?: (() => void) | undefined;
}

function Price({ item, locale, t }: { item: ResultItem; locale: string; t: Strings }) {
  const { price, salePrice, currency } = item;
  const now = salePrice ?? price;
  if (now == null) return null;
  // Screen readers say nothing about <del>: the words "was" / "now" are there for them.
  return (
    <p class="price" part="price">
      {price != null && now < price ? (
        <>
          <del part="old-price">
            <span class="sr">{t.was} </span>
            {money(price, currency, locale)}
          </del>{' '}
          <span class="sale" part="sale-price">
            <span class="sr">{t.now} </span>
            {money(now, currency, locale)}
          </span>
        </>
      ) : (
        money(now, currency, locale)
      )}
    </p>
  );
}

/** The built-in card's content: image, title, price, rating and "Why?". */
function Card({ item, locale, t, strings, onDismiss, onManageData }: ItemProps) {
  const href = safeUrl(item.url);
  const src = safeUrl(item.image);
  const { rating } = item;
  const stars = rating != null && Number.isFinite(rating) ? Math.min(5, Math.max(0, rating)) : null;
  // alt="": the title follows right away, so the image would only repeat it.
  const body = (
    <>
      <div class="img" part="image">
        {src && <img loading="lazy" decoding="async" referrerpolicy="no-referrer" alt="" src={src} />}
      </div>
      <span class="t" part="title">
        {clampText(item.title, MAX_TITLE_LENGTH)}
      </span>
    </>
  );
  return (
    <>
      {href ? (
        <a href={href} rel="noopener" part="link">
          {body}
        </a>
      ) : (
        <div class="a" part="link">
          {body}
        </div>
      )}
      <Price item={item} locale={locale} t={t} />
      {stars != null && (
        // The width goes through the CSSOM, which a strict style-src CSP allows.
        <span class="stars" part="rating" role="img" aria-label={t.rated(number(stars, locale))}>
          <span style={{ width: `${stars * 20}%` }} />
        </span>
      )}
      <WhyButton item={item} locale={locale} strings={strings} onDismiss={onDismiss} onManageData={onManageData} />
    </>
  );
}

/** One item: the shop's `itemComponent` or the built-in card. A followed link in it is the item's click. */
function Item(props: ItemProps) {
  const { item, locale, t, itemComponent, onItemClick } = props;
  const clicked = (e: MouseEvent) => (e.target as Element).closest('a[href]') && onItemClick?.(item, e);
  return (
    <li class="card" part="item" data-vitrine-item={item.productId} onClick={clicked} onAuxClick={(e) => e.button == 1 && clicked(e)}>
      {itemComponent ? h(itemComponent, { item, locale, strings: t }) : <Card {...props} />}
    </li>
  );
}

export function RecommendationList({
  placement,
  items,
  layout = 'carousel',
  heading,
  standIn,
  locale,
  onItemClick,
  onImpression,
  onDismiss,
  onManageData,
  itemComponent,
  headerComponent,
  emptyComponent,
  strings,
}: RecommendationListProps) {
  const loc = tag(locale);
  const t = pick(loc, strings);
  const title = heading ?? t.headings[placement];
  // The element that labels the list: the built-in <h2>, or the box the shop's header renders in.
  const Head = headerComponent ? 'div' : 'h2';
  const [[headId, listId]] = useState(() => [uid(), uid()]);
  const list = useRef<HTMLUListElement>(null);
  const head = useRef<HTMLHeadingElement & HTMLDivElement>(null);
  const [atStart, setAtStart] = useState(true);
  const [atEnd, setAtEnd] = useState(true);
  const carousel = layout != 'grid';
  const empty = items?.length === 0;
  useImpressions(list, items, onImpression);

  const edges = () => {
    const el = list.current;
    if (!el) return;
    const left = Math.abs(el.scrollLeft); // negative in right-to-left pages
    setAtStart(left < 1);
    setAtEnd(left + el.clientWidth > el.scrollWidth - 1);
  };
  useLayoutEffect(edges, [items, carousel]);
  // Smooth or not is the stylesheet's call (prefers-reduced-motion).
  const step = (direction: number) => {
    const el = list.current!;
    el.scrollBy({ left: direction * el.clientWidth * 0.9 });
  };

  return (
    <section
      class={`v rl ${carousel ? 'carousel' : 'grid'}${empty ? ' empty' : ''}`}
      part="root"
      data-vitrine-placement={placement}
      aria-labelledby={headId}
      aria-busy={items ? undefined : 'true'}
    >
      <div class="head" part="header">
        <Head id={headId} ref={head} tabIndex={-1} part="heading">
          {headerComponent ? h(headerComponent, { heading: title, placement, items }) : title}
          {standIn && <span class="sr"> ({t.headings[placement]})</span>}
        </Head>
        {carousel && !!items?.length && (
          <div class="nav acts" part="nav">
            <button type="button" aria-label={t.previous} aria-controls={listId} disabled={atStart} onClick={() => step(-1)}>
              ‹
            </button>
            <button type="button" aria-label={t.next} aria-controls={listId} disabled={atEnd} onClick={() => step(1)}>
              ›
            </button>
          </div>
        )}
      </div>
      {empty ? (
        <div part="empty">{emptyComponent ? h(emptyComponent, {}) : <p class="muted">{t.empty}</p>}</div>
      ) : (
        <ul id={listId} ref={list} class="items" part="list" role="list" onScroll={carousel ? edges : undefined}>
          {items
            ? items.map((item) => (
                <Item
                  key={item.productId}
                  item={item}
                  locale={loc}
                  t={t}
                  strings={strings}
                  itemComponent={itemComponent}
                  onItemClick={onItemClick}
                  onManageData={onManageData}
                  onDismiss={
                    onDismiss &&
                    (() => {
                      onDismiss(item);
                      // The item is about to go, and the focus with it: keep it in the widget.
                      head.current!.focus();
                    })
                  }
                />
              ))
            : Array.from({ length: SKELETON_CARDS }, (_, i) => (
                <li key={i} class="card sk" aria-hidden="true">
                  <div class="img" />
                  <span />
                </li>
              ))}
        </ul>
      )}
    </section>
  );
}
