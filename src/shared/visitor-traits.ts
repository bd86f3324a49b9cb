/**
 * Visitor traits as the page receives them from `traits()`: intent in this visit, price style and
 * brand style, each with a confidence in [0, 1] and the counts that decided it. The worker reads
 * them off the visitor's own events (src/worker/traits.ts).
 */

/** One count behind a trait, e.g. `{ kind: 'carts', count: 2 }` or `{ kind: 'repeatViews', count: 1, productId }`. */
export interface TraitEvidence {
  kind: string;
  count?: number;
  productId?: string;
  value?: number;
}

/** One trait: its value, how sure (a saturating score in [0, 1], not a probability) and why. */
export interface Trait<V extends string> {
  value: V;
  confidence: number;
  evidence: TraitEvidence[];
}

/** What `traits()` returns. */
export interface VisitorTraits {
  intent: Trait<'browsing' | 'buying' | 'unknown'>;
  price: Trait<'bargain' | 'premium' | 'neutral' | 'unknown'>;
  brand: Trait<'loyal' | 'exploring' | 'unknown'> & { brand: string | null };
}
