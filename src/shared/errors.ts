/**
 * Vitrine's one error type. Its `code` is stable (tests, shops and the page branch on it) and
 * survives `postMessage`: comlink keeps only `name`, `message` and `stack` of an Error, so the
 * worker boundary serialises errors with `toJSON()` / `VitrineError.fromJSON()` on purpose.
 */

/** Every error code Vitrine can raise, grouped by where it comes from. */
export const ERROR_CODES = [
  // The bundle file (reader): each names the section and byte offset in `details`.
  'BUNDLE_BAD_MAGIC',
  'BUNDLE_UNSUPPORTED_VERSION',
  'BUNDLE_TRUNCATED',
  'BUNDLE_CHECKSUM_MISMATCH',
  'BUNDLE_SECTION_OUT_OF_RANGE',
  'BUNDLE_SECTION_OVERLAP',
  'BUNDLE_SECTION_MISALIGNED',
  'BUNDLE_SECTION_MISSING',
  'BUNDLE_SECTION_MALFORMED',
  'BUNDLE_NON_FINITE',
  'BUNDLE_INVALID_UTF8',
  'BUNDLE_DUPLICATE_ID',
  /** A value beyond a documented bound of the format, e.g. a category path deeper than 32 levels; `details.limit` says which. */
  'BUNDLE_LIMIT_EXCEEDED',
  'BUNDLE_FETCH_FAILED',
  /** The bundle's digest differs from the `integrity` declared to `load()`; nothing from it is used. */
  'BUNDLE_INTEGRITY_MISMATCH',
  // Input files given to the CLI (catalog, events, embeddings) and bad command-line options.
  'INPUT_UNREADABLE',
  'INPUT_INVALID_ROW',
  'INPUT_BAD_OPTION',
  // The engine.
  'NOT_READY',
  'UNKNOWN_PRODUCT',
  'INVALID_REQUEST',
  'WASM_BLOCKED',
  'WASM_UNAVAILABLE',
  'WORKER_CRASHED',
  /** A scoring kernel trapped (WebAssembly `unreachable`, out-of-bounds, AssemblyScript `abort`): that query fails, the next runs on fresh kernels. */
  'KERNEL_TRAP',
  /** A worker call missed its deadline (the bridge's `timeoutMs`). */
  'TIMEOUT',
  /** A part of Vitrine's own code that loads when first needed could not be fetched; `details.part` names it. */
  'CODE_UNAVAILABLE',
  // Visitor events and the profile store. Storage codes are reported in `status().profile.reason`
  // when the profile falls back to memory; they are not thrown at the page.
  /** A `track()` event failed validation; `details.field` names the field. */
  'INVALID_EVENT',
  /** IndexedDB is missing or refused (opaque origin, private mode, thrown on open). */
  'STORAGE_UNAVAILABLE',
  /** Opening the profile database did not settle within `openTimeoutMs`. */
  'STORAGE_OPEN_TIMEOUT',
  /** Another tab holds an older version open and ignores `versionchange` (upgrade or deletion waits). */
  'STORAGE_BLOCKED',
  /** The origin's storage quota is exhausted (raw `QuotaExceededError` or wrapped in `AbortError`). */
  'STORAGE_QUOTA',
  /** The database was closed under us: site data cleared, browser purge. */
  'STORAGE_CLEARED',
  /** The database is at a version this build does not know, or another tab upgraded it. */
  'STORAGE_VERSION',
  /** A schema migration failed; the database stays at `details.fromVersion`, intact, and the next start retries. */
  'STORAGE_MIGRATION_FAILED',
  /** A write transaction committed before its last request (something awaited inside it); never expected outside fault tests. */
  'STORAGE_TX_INACTIVE',
  // Consent and measurement.
  /** An aggregate measurement batch was not accepted by the endpoint; reported in `measurement().lastError`, never thrown. */
  'MEASUREMENT_FAILED',
  // Bandits learning across visitors.
  /** A priors file or `banditPriors` section is malformed; `details.field` names the bad field. The bandits keep the previous priors. */
  'PRIORS_INVALID',
  /** The priors file could not be fetched (network, HTTP status); reported in status, the bandits keep the previous priors. */
  'PRIORS_FETCH_FAILED',
  /** An arm-count batch (receiver) or a counts file line (`bandit fold`) is malformed; `details.field` / `details.line` say where. */
  'COUNTS_INVALID',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where an error happened, as far as it is known. Plain data only: it crosses threads. */
export interface ErrorDetails {
  /** Bundle section kind name, e.g. `'products'`. */
  section?: string;
  /** Byte offset in the bundle file. */
  offset?: number;
  /** Input file, 1-based line and field name (CLI). */
  file?: string;
  line?: number;
  field?: string;
  /** Anything else worth showing, e.g. the offending product id. */
  [key: string]: string | number | boolean | undefined;
}

/** The JSON shape of a VitrineError. */
export interface SerializedVitrineError {
  name: 'VitrineError';
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

export class VitrineError extends Error {
  override readonly name = 'VitrineError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(`${code}: ${message}`);
  }

  toJSON(): SerializedVitrineError {
    return { name: 'VitrineError', code: this.code, message: this.message, details: { ...this.details } };
  }

  /**
   * Rebuilds an error from its JSON form. The worker is built with the page, so its codes are ours;
   * only something that is not a code at all becomes `WORKER_CRASHED`. (Not checked against
   * `ERROR_CODES`: that list would cost the script tag 300 bytes for a case that cannot happen.)
   */
  static fromJSON(json: SerializedVitrineError): VitrineError {
    const code = /^[A-Z][A-Z0-9_]*$/.test(json.code) ? json.code : 'WORKER_CRASHED';
    const prefix = `${json.code}: `;
    const message = json.message.startsWith(prefix) ? json.message.slice(prefix.length) : json.message;
    return new VitrineError(code, message, json.details ?? {});
  }
}

/** True for a VitrineError from any realm or thread (never rely on `instanceof` after a hop). */
export function isVitrineError(value: unknown): value is VitrineError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'VitrineError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
