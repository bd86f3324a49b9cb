/**
 * Vitrine's library entry: `import { createVitrine } from 'vitrine'`. Only an export list: the page
 * code lives in src/embed/, the types both sides share in src/shared/.
 */
export {
  createVitrine,
  DEFAULT_LOAD_TIMEOUT_MS,
  type ConsentApi,
  type ProfileApi,
  type Vitrine,
  type VitrineOptions,
} from './embed/create-vitrine.ts';
export type { CallControl } from './embed/page-methods.ts';
export { VitrineError, isVitrineError, ERROR_CODES, type ErrorCode, type ErrorDetails } from './shared/errors.ts';
export type { EngineApi } from './worker/index.ts';
export type { ProfileLimits } from './shared/profile-limits.ts';
export type { ConsentChoice, ConsentRecord, ConsentScope, ConsentSource, ConsentState } from './shared/consent-record.ts';
export type { MeasurementBatch, MeasurementStatus } from './shared/measurement-status.ts';
export type { EventType, TrackEvent, TrackOutcome } from './shared/events.ts';
export type { ProfileExport, ProfileSummary, SummarySection, ExportedEvent, ExportedPreference } from './shared/profile-export.ts';
export type {
  BundleStatus,
  EngineState,
  EngineStatus,
  Placement,
  ProfileStatus,
  RecommendOptions,
  RecommendRequest,
  RecommendResult,
  RequestContext,
  RerankResult,
  ResultItem,
  SimilarOptions,
  StrategyName,
  WhyReason,
} from './shared/request.ts';
export type { BusinessRules, ProductFilter, WeightedFilter } from './shared/rules.ts';
export type { VisitContext } from './shared/visit-context.ts';
export type { MessageId, MessageParams } from './shared/messages.ts';
export type { VisitorTraits, Trait, TraitEvidence } from './shared/visitor-traits.ts';
