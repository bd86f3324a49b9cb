/**
 * How strongly two products are linked in a session graph, weighed by the evidence for it.
 *
 * Plain cosine, n(a,b) / sqrt(n(a) · n(b)), is the geometric mean of the two conditional rates
 * P(b | a) = n(a,b) / n(a) and P(a | b). It trusts one observation as much as five hundred: two
 * products that each appear in one session, once together, score 1. The strength used instead
 * estimates each rate as an empirical-Bayes posterior mean under a prior worth
 * `LINK_PRIOR_SESSIONS` (k) sessions in which the two were not seen together, and takes the
 * geometric mean of those:
 *
 *   P̂(b | a) = n(a,b) / (n(a) + k),   strength(a, b) = n(a,b) / sqrt((n(a) + k) · (n(b) + k)).
 *
 * Since n(a), n(b) ≥ n(a,b), a strength is at most n(a,b) / (n(a,b) + k): one shared session gives
 * at most 1 / (1 + k) (`SINGLE_SESSION_STRENGTH`), hundreds nearly the cosine. The scale is
 * absolute, the same for every product, so a product whose best link is weak keeps a weak link.
 * (Shrinking towards the rate chance gives, n(a) · n(b) / N, instead of 0 was tried: it drops links
 * between busy products that are real co-visits, and predicted the yoochoose validation split
 * slightly worse.)
 */
import { LINK_PRIOR_SESSIONS } from '../../shared/link-evidence.ts';

/**
 * Strength of a link scored `together` (at most the number of sessions holding both) between
 * products held by `countA` and `countB` of the sessions the graph counts.
 */
export function linkStrength(together: number, countA: number, countB: number): number {
  return together / Math.sqrt((countA + LINK_PRIOR_SESSIONS) * (countB + LINK_PRIOR_SESSIONS));
}

/**
 * Browsing sessions a pair must be co-viewed in to be a co-visitation link at all. One session is
 * one shopper wandering: its strength is at most 1 / (1 + k) (`SINGLE_SESSION_STRENGTH`), under
 * what content similarity gives two look-alikes, explanations never cite it, and such pairs are
 * most of a graph (70 % of the YOOCHOOSE sample's links, which predicts as well without them).
 * Co-purchase keeps single baskets: carts are far scarcer than visits, and a floor would empty a
 * small shop's graph (the demo's 208 carts hold 1,277 pairs, 43 of them twice or more).
 */
export const MIN_COVISIT_SESSIONS = 2;
