/**
 * What the page knows about a visit before any history: the cold-start context. Everything here is
 * available on a first visit without storing anything (landing page, search box, campaign
 * parameters, referrer host, device class, local hour). Validated here; turned into scores by
 * `src/worker/cold-start.ts`.
 *
 * CONTRACT (skeleton written by the integrator; the context helper implements it).
 */

export interface VisitContext {
  /** Category of the landing / current category page: a name or a `' > '`-joined path. */
  category?: string;
  /** Search query the visitor typed (or arrived with). */
  query?: string;
  /** Campaign parameters from the landing URL (`utm_source`, `utm_medium`, `utm_campaign`, `utm_term`). */
  utm?: { source?: string; medium?: string; campaign?: string; term?: string };
  /** Referrer (full URL or host); only the host is used. */
  referrer?: string;
  device?: 'mobile' | 'tablet' | 'desktop';
  /** Visitor's local hour, 0..23. */
  hour?: number;
}

export interface NormalizedVisitContext {
  category: string | null;
  query: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null; term: string | null };
  referrerHost: string | null;
  device: 'mobile' | 'tablet' | 'desktop' | null;
  hour: number | null;
}

/** Throws `VitrineError('INVALID_REQUEST')` naming the bad field (`context.visit.hour`). */
export function normalizeVisitContext(value: unknown, field = 'visit'): NormalizedVisitContext {
  void value;
  void field;
  throw new Error('normalizeVisitContext: not implemented yet');
}
