/**
 * The evidence behind a co-visitation or co-purchase link, shared by the bundle builder (which
 * weighs links by it) and the worker (which cites only links that have it). The full rule is in
 * `src/cli/bundle-builder/link-strength.ts` and docs/cli.md, "Events".
 */

/**
 * The prior's weight, in sessions: a link's strength is at most half its cosine until the pair has
 * been seen this many times. Fixed, not fitted to any log: at 10 sessions a co-occurrence rate's
 * relative error (about 1 / sqrt(n)) is down to a third, and a pair seen once is then worth at most
 * 1/11 ≈ 0.09, less than content similarity gives two look-alikes.
 */
export const LINK_PRIOR_SESSIONS = 10;

/**
 * The strongest link a pair seen in a single session can have, `1 / (1 + k)`. A stronger link was
 * seen in at least two sessions, so "shoppers who viewed X also viewed this" is true of more than
 * one shopper: explanations cite only such links.
 */
export const SINGLE_SESSION_STRENGTH = 1 / (1 + LINK_PRIOR_SESSIONS);
