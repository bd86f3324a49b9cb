/**
 * What the page knows about a visit before any history: the cold-start context. Everything here is
 * available on a first visit without storing anything (landing page, search box, campaign
 * parameters, referrer host, device class, local hour). Validated here; turned into scores by
 * `src/worker/cold-start.ts`.
 */
import { invalidRequest, knownKeysRecord } from './validation.ts';

export interface VisitContext {
  /** Category of the landing / current category page: a name or a `' > '`-joined path. */
  category?: string;
  /** Search query the visitor typed (or arrived with). */
  query?: string;
  /** Campaign parameters from the landing URL (`utm_source`, `utm_medium`, `utm_campaign`, `utm_term`). */
  utm?: { source?: string; medium?: string; campaign?: string; term?: string };
  /** Referrer (full URL or host); only the host is kept: `'https://www.google.de/search?q=x'` → `'www.google.de'`. */
  referrer?: string;
  device?: 'mobile' | 'tablet' | 'desktop';
  /** Visitor's local hour, 0..23. */
  hour?: number;
}

export interface NormalizedVisitContext {
  category: string | null;
  query: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null; term: string | null };
  /** Lower-case host of the referrer; path, query string, credentials and port are dropped (privacy). */
  referrerHost: string | null;
  device: 'mobile' | 'tablet' | 'desktop' | null;
  hour: number | null;
}

/**
 * Longest text kept from any context string. Longer values are cut, not rejected: they come from
 * URLs and search boxes the shop does not control, and a 2 kB campaign name should not cost the
 * visitor their recommendations. 200 characters hold any real query or category path.
 */
export const MAX_CONTEXT_TEXT = 200;

export const DEVICES = ['mobile', 'tablet', 'desktop'] as const;

const UTM_KEYS = ['source', 'medium', 'campaign', 'term'] as const;
const VISIT_KEYS = ['category', 'query', 'utm', 'referrer', 'device', 'hour'];

/** Trimmed, whitespace-collapsed, capped text; null when absent or blank. */
function text(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidRequest(field, 'must be a string');
  const collapsed = value.replace(/\s+/gu, ' ').trim();
  if (collapsed === '') return null;
  // Cut by code points, so a cut never leaves half a surrogate pair.
  const chars = Array.from(collapsed);
  return chars.length > MAX_CONTEXT_TEXT ? chars.slice(0, MAX_CONTEXT_TEXT).join('').trimEnd() : collapsed;
}

/** A host name: letters (IDN hosts stay Unicode), digits, dots and hyphens, or a bracketed IPv6 address. */
const HOST = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/**
 * The lower-case host of a referrer given as a URL (`https://user@Shop.example:8080/p?q=1`), a
 * protocol-relative URL or a bare host (`google.de/search`). Parsed by hand because `src/shared`
 * has no `URL` type in its lib and the rule is small: everything after the host is dropped.
 */
function referrerHost(value: unknown, field: string): string | null {
  const raw = text(value, field);
  if (raw === null) return null;
  let rest = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//iu, '').replace(/^\/\//u, '');
  rest = rest.split(/[/?#\\]/u, 1)[0]!;
  rest = rest.slice(rest.lastIndexOf('@') + 1);
  let host: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    host = close < 0 ? rest : rest.slice(0, close + 1);
  } else {
    host = rest.replace(/:\d*$/u, '');
  }
  host = host.toLowerCase().replace(/\.$/u, '');
  if (host === '' || !(HOST.test(host) || IPV6.test(host))) throw invalidRequest(field, 'must be a URL or a host name');
  return host;
}

function device(value: unknown, field: string): NormalizedVisitContext['device'] {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(DEVICES as readonly string[]).includes(value)) {
    throw invalidRequest(field, `must be one of ${DEVICES.join(', ')}`);
  }
  return value as NormalizedVisitContext['device'];
}

function hour(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 23) {
    throw invalidRequest(field, 'must be an integer from 0 to 23');
  }
  return value;
}

function utm(value: unknown, field: string): NormalizedVisitContext['utm'] {
  if (value === undefined || value === null) return { source: null, medium: null, campaign: null, term: null };
  const given = knownKeysRecord(value, field, UTM_KEYS);
  return {
    source: text(given.source, `${field}.source`),
    medium: text(given.medium, `${field}.medium`),
    campaign: text(given.campaign, `${field}.campaign`),
    term: text(given.term, `${field}.term`),
  };
}

/**
 * Checks a `VisitContext` from the page and returns a fresh plain object. `undefined` (no context)
 * gives every field null.
 * @throws VitrineError `INVALID_REQUEST` naming the bad field, e.g. `visit.hour`.
 */
export function normalizeVisitContext(value: unknown, field = 'visit'): NormalizedVisitContext {
  if (value === undefined || value === null) value = {};
  const given = knownKeysRecord(value, field, VISIT_KEYS);
  return {
    category: text(given.category, `${field}.category`),
    query: text(given.query, `${field}.query`),
    utm: utm(given.utm, `${field}.utm`),
    referrerHost: referrerHost(given.referrer, `${field}.referrer`),
    device: device(given.device, `${field}.device`),
    hour: hour(given.hour, `${field}.hour`),
  };
}
