/**
 * "Why recommended": each item's strongest score components, each with the evidence that produced
 * it and the exact part of the score that evidence accounts for. For components that sum over the
 * session's products the part is measured, not guessed: the component is recomputed without that
 * product (leave-one-out) and the difference is what the reason claims — so removing the cited
 * product from the session lowers the score by exactly the claimed amount (tested per strategy).
 */
import { renderMessage, type MessageId, type MessageParams } from '../shared/messages.ts';
import type { WhyReason } from '../shared/request.ts';
import { explainAffinity } from './affinity.ts';
import { slotOf, type Component } from './components.ts';
import { explainBuyerFit } from './traits.ts';
import { currentPrice, graphContribution, graphValue, knnInto, priceDrops, seedsWithout, sessionVectorOf, similarityTo, type Query, type Seed } from './query.ts';

/** Reasons shown per item. */
export const MAX_REASONS = 2;
/** Session products tried as evidence (most recent first); older ones weigh little anyway. */
export const MAX_EVIDENCE_SEEDS = 3;
/** Popularity (scaled to the catalog's most popular product) from which a product is "a bestseller". */
export const BESTSELLER_SHARE = 0.25;
/** Contributions below this are noise, not reasons. */
const MIN_CONTRIBUTION = 1e-6;

interface Draft {
  component: Component;
  contribution: number;
  message: MessageId;
  params: MessageParams;
  evidenceProduct?: string;
}

function hasTimedEvents(query: Query): boolean {
  return (query.version.bundle.sessions?.referenceTime ?? 0) > 0;
}

/**
 * Per-request memo of leave-one-out recomputations, keyed by the left-out product and shared by
 * every item of the list (a 200-item rerank would otherwise rebuild them per item).
 */
export class Explainer {
  private readonly knnWithout = new Map<number, Float32Array>();
  private readonly seedsWithout = new Map<number, Seed[]>();
  private readonly vectorWithout = new Map<number, Float32Array | null>();
  private drops: ReturnType<typeof priceDrops> | null = null;

  constructor(
    private readonly query: Query,
    private readonly weights: readonly number[],
  ) {}

  /** Reasons for `row`, strongest first. `components` are its weighted component values. */
  explain(row: number, components: Record<string, number>): WhyReason[] {
    const ranked = (Object.entries(components) as [Component, number][])
      .filter(([, value]) => value > MIN_CONTRIBUTION)
      .sort((a, b) => b[1] - a[1]);
    const reasons: WhyReason[] = [];
    for (const [component, value] of ranked) {
      if (reasons.length === MAX_REASONS) break;
      const draft = this.draft(component, row, value);
      if (draft && draft.contribution > MIN_CONTRIBUTION) {
        reasons.push({ ...draft, text: renderMessage(draft.message, draft.params, this.query.options.locale) });
      }
    }
    return reasons;
  }

  private weight(component: Component): number {
    return this.weights[slotOf(component)] ?? 0;
  }

  private title(row: number): string {
    return this.query.version.bundle.products.title(row);
  }

  private id(row: number): string {
    return this.query.version.bundle.products.id(row);
  }

  /** The seed whose removal lowers the component most, with that drop (already weighted). */
  private bestSeed(seeds: readonly Seed[], dropOf: (seed: Seed) => number): { seed: Seed; drop: number } | null {
    let best: { seed: Seed; drop: number } | null = null;
    for (const seed of seeds) {
      const drop = dropOf(seed);
      if (drop > MIN_CONTRIBUTION && (best === null || drop > best.drop)) best = { seed, drop };
    }
    return best;
  }

  private draft(component: Component, row: number, value: number): Draft | null {
    const { query } = this;
    const w = this.weight(component);
    const products = query.version.bundle.products;
    switch (component) {
      case 'similarity': {
        if (query.strategy === 'similar' && query.page !== null) {
          return { component, contribution: value, message: 'similarTo', params: { title: this.title(query.page) }, evidenceProduct: this.id(query.page) };
        }
        const full = value / w;
        const best = this.bestSeed(query.seeds.slice(0, MAX_EVIDENCE_SEEDS), (seed) => w * (full - similarityTo(query, this.sessionVectorWithout(seed.row), row)));
        return best && this.cite(component, best, 'viewed');
      }
      case 'sessionKnn': {
        const full = value / w;
        const best = this.bestSeed(query.seeds.slice(0, MAX_EVIDENCE_SEEDS), (seed) => w * (full - this.knnWithoutSeed(seed.row)[row]!));
        return best && this.cite(component, best, 'viewedTogether');
      }
      case 'covisitation': {
        const graph = query.version.bundle.covisitation;
        const full = value / w;
        const best = this.bestSeed(query.seeds, (seed) => w * (full - graphValue(graph, this.seedsWithoutSeed(seed.row), row)));
        return best && this.cite(component, best, 'viewedTogether');
      }
      case 'copurchase': {
        // Basket seeds all weigh 1: each one's share is exactly its own term.
        const best = this.bestSeed(query.basket, (seed) => w * graphContribution(query.version.bundle.copurchase, seed, row));
        if (!best) return null;
        const message = query.strategy === 'goes_with' ? 'goesWith' : best.seed.row === query.page ? 'boughtTogether' : 'boughtWith';
        return this.cite(component, best, message);
      }
      case 'revisit': {
        const last = [...query.visitor.session].reverse().find((event) => event.row === row);
        return { component, contribution: value, message: 'lookedAgain', params: last ? { date: last.time } : {} };
      }
      case 'affinity': {
        const found = query.visitor.affinities && explainAffinity(query.version.bundle, query.visitor.affinities, row);
        return found ? { component, contribution: w * found.amount, message: found.message, params: found.params } : null;
      }
      case 'buyerFit': {
        const found = explainBuyerFit(query.version.bundle, query.traits, row);
        return found ? { component, contribution: w * found.amount, message: found.message, params: found.params } : null;
      }
      case 'context': {
        const found = query.contextMatch?.explain(row) ?? null;
        return found ? { component, contribution: w * found.amount, message: found.message, params: found.params } : null;
      }
      case 'priceDrop': {
        this.drops ??= priceDrops(query);
        const drop = this.drops.get(row);
        if (!drop) return null;
        return {
          component,
          contribution: value,
          message: 'priceDrop',
          params: { oldPrice: drop.seen, price: currentPrice(query.version, row), currency: products.currency(row), date: drop.time, title: this.title(row) },
        };
      }
      case 'rules':
        return { component, contribution: value, message: 'featured', params: {} };
      case 'popularity': {
        // "A bestseller" only for the top of the catalog; below that, say no more than is true.
        const share = query.version.kernels.slot(slotOf('popularity'))[row]!;
        return { component, contribution: value, message: share >= BESTSELLER_SHARE ? 'bestseller' : 'popular', params: {} };
      }
      case 'trending': {
        // Without event times the "trending" window is all time: no "this week" then.
        if (!hasTimedEvents(query)) return { component, contribution: value, message: 'popular', params: {} };
        const leaf = products.categoryIndex[row]!;
        const category = query.options.category ?? (leaf >= 0 ? query.version.bundle.categories[leaf]!.name : null);
        return category ? { component, contribution: value, message: 'popularIn', params: { category } } : { component, contribution: value, message: 'trending', params: {} };
      }
    }
  }

  private cite(component: Component, best: { seed: Seed; drop: number }, message: MessageId): Draft {
    return { component, contribution: best.drop, message, params: { title: this.title(best.seed.row) }, evidenceProduct: this.id(best.seed.row) };
  }

  /** The session's seeds had it never held `row`. */
  private seedsWithoutSeed(row: number): Seed[] {
    let seeds = this.seedsWithout.get(row);
    if (!seeds) {
      seeds = seedsWithout(this.query, row);
      this.seedsWithout.set(row, seeds);
    }
    return seeds;
  }

  /** The session vector had the session never held `row` (null when nothing is left). */
  private sessionVectorWithout(row: number): Float32Array | null {
    if (!this.vectorWithout.has(row)) this.vectorWithout.set(row, sessionVectorOf(this.query, this.seedsWithoutSeed(row)));
    return this.vectorWithout.get(row)!;
  }

  /** Session-kNN scores with every occurrence of `row` taken out of the session. */
  private knnWithoutSeed(row: number): Float32Array {
    let scores = this.knnWithout.get(row);
    if (!scores) {
      scores = new Float32Array(this.query.version.bundle.products.count);
      knnInto(this.query, this.query.sequence.filter((r) => r !== row), scores);
      this.knnWithout.set(row, scores);
    }
    return scores;
  }
}
