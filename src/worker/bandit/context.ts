/**
 * The context of a contextual (`lin-ts`) experiment: a small vector the linear model weighs, and
 * the segment name its counts belong to. Computed on the device from what the worker knows; none
 * of it leaves the device except the segment name, with measurement consent.
 *
 * Encoding (13 dimensions, each 0 or 1 except the intercept, which is always 1):
 *  0 intercept
 *  1 returning visitor (events stored before this session)
 *  2 mobile device (User-Agent Client Hints `mobile`, else "Mobi" in the user agent)
 *  3 page type product · 4 page type listing (category or search) · (home and other: neither)
 *  5 intent buying (traits)
 *  6 buyer type bargain · 7 buyer type premium (traits' price style)
 *  8 daypart morning 6–12 · 9 afternoon 12–18 · 10 evening 18–24 · (night 0–6: none)
 * 11 referrer a search engine · 12 referrer social · (direct, internal, other: neither)
 */
import type { VisitorTraits } from '../../shared/visitor-traits.ts';

export const CONTEXT_DIMS = 13;

/** What the page may tell about where the experiment shows (`vitrine.experiment(spec, { page, referrer })`). */
export interface ExperimentContext {
  /** `'home'`, `'product'`, `'category'`, `'search'`, `'cart'` or anything else (counts as other). */
  page?: string;
  /** `document.referrer`: only its host's kind is used. */
  referrer?: string;
}

export interface VisitorSignals {
  returning: boolean;
  mobile: boolean;
  traits: VisitorTraits | null;
  /** Local hour 0–23. */
  hour: number;
}

const SEARCH = /(^|\.)(google|bing|duckduckgo|yahoo|ecosia|qwant|baidu|yandex|startpage)\./;
const SOCIAL = /(^|\.)(facebook|instagram|t|twitter|x|pinterest|tiktok|linkedin|reddit|youtube)\.(com|co)$/;

/** `'search'`, `'social'` or `'other'` (direct, internal, a malformed URL). */
export function referrerKind(referrer: string | undefined): 'search' | 'social' | 'other' {
  let host: string;
  try {
    host = new URL(referrer ?? '').hostname;
  } catch {
    return 'other';
  }
  return SEARCH.test(host) ? 'search' : SOCIAL.test(host) ? 'social' : 'other';
}

export function contextVector(signals: VisitorSignals, context: ExperimentContext = {}): Float64Array {
  const { returning, mobile, traits, hour } = signals;
  const page = context.page;
  const referrer = referrerKind(context.referrer);
  return Float64Array.from([
    1,
    +returning,
    +mobile,
    +(page == 'product'),
    +(page == 'category' || page == 'search'),
    +(traits?.intent.value == 'buying'),
    +(traits?.price.value == 'bargain'),
    +(traits?.price.value == 'premium'),
    +(hour >= 6 && hour < 12),
    +(hour >= 12 && hour < 18),
    +(hour >= 18),
    +(referrer == 'search'),
    +(referrer == 'social'),
  ]);
}

/** The segment a contextual choice belongs to: `'new-desktop'`, `'returning-mobile'`, … */
export function segmentOf({ returning, mobile }: VisitorSignals): string {
  return `${returning ? 'returning' : 'new'}-${mobile ? 'mobile' : 'desktop'}`;
}
