/**
 * Compile-time checks of the page/worker contract (conditional-type-checks style): `tsc -b`
 * (`npm run typecheck`) fails if the worker API's types drift from what the page relies on.
 * Nothing here runs.
 */
import type { Remote } from 'comlink';
import type { EngineApi } from '../../src/worker/index.ts';
import type { BanditLearningConfig, BanditLearningStatus } from '../../src/shared/bandit/learning-status.ts';
import type { ArmChoice, ArmFeedback, ExperimentSpec } from '../../src/shared/experiment.ts';
import type { ExperimentContext } from '../../src/worker/bandit/context.ts';
import type {
  CallControl,
  ConsentChoice,
  ConsentRecord,
  EngineStatus,
  MeasurementStatus,
  ProfileExport,
  ProfileSummary,
  RecommendOptions,
  RecommendRequest,
  RecommendResult,
  RequestContext,
  RerankResult,
  SimilarOptions,
  TrackEvent,
  TrackOutcome,
  Vitrine,
  VisitorTraits,
} from '../../src/index.ts';

/** True only when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type AssertFalse<T extends false> = T;

type Engine = Remote<EngineApi>;

export type Checks = [
  // Through comlink every call is asynchronous and resolves to the worker function's result.
  Assert<Equals<ReturnType<Engine['recommend']>, Promise<RecommendResult>>>,
  Assert<Equals<ReturnType<Engine['similar']>, Promise<RecommendResult>>>,
  Assert<Equals<ReturnType<Engine['rerank']>, Promise<RerankResult>>>,
  Assert<Equals<ReturnType<Engine['status']>, Promise<EngineStatus>>>,
  Assert<Equals<ReturnType<Engine['load']>, Promise<EngineStatus>>>,
  Assert<Equals<Parameters<Engine['load']>[0], string | ArrayBuffer>>,
  AssertFalse<Equals<ReturnType<Engine['recommend']>, Promise<RerankResult>>>,
  // The page API promises what the worker delivers.
  Assert<Equals<ReturnType<Vitrine['recommend']>, ReturnType<Engine['recommend']>>>,
  Assert<Equals<ReturnType<Vitrine['rerank']>, ReturnType<Engine['rerank']>>>,
  Assert<Equals<ReturnType<Vitrine['load']>, ReturnType<Engine['load']>>>,
];

/**
 * `Vitrine` is derived from the method table (src/embed/page-methods.ts): each method has exactly
 * the signature the page API has always had, argument by argument, optional where it was.
 */
export type PageSignatures = [
  Assert<
    Equals<
      Vitrine['load'],
      (
        source: string | URL | ArrayBuffer,
        options?: CallControl & { integrity?: string; maxDownload?: number; head?: string | URL },
      ) => Promise<EngineStatus>
    >
  >,
  Assert<Equals<Vitrine['similar'], (productId: string, options?: SimilarOptions & CallControl) => Promise<RecommendResult>>>,
  Assert<Equals<Vitrine['recommend'], (request: RecommendRequest, options?: CallControl) => Promise<RecommendResult>>>,
  Assert<
    Equals<
      Vitrine['rerank'],
      (productIds: string[], context?: RequestContext, options?: RecommendOptions & CallControl) => Promise<RerankResult>
    >
  >,
  Assert<Equals<Vitrine['traits'], (options?: CallControl) => Promise<VisitorTraits>>>,
  Assert<Equals<Vitrine['status'], (options?: CallControl) => Promise<EngineStatus>>>,
  Assert<Equals<Vitrine['track'], (event: TrackEvent, options?: CallControl) => Promise<TrackOutcome>>>,
  Assert<
    Equals<
      Vitrine['consent']['set'],
      (choice: ConsentChoice, options?: CallControl & { source?: 'api' | 'tcf' | 'consent-mode' }) => Promise<ConsentRecord>
    >
  >,
  Assert<Equals<Vitrine['consent']['get'], (options?: CallControl) => Promise<ConsentRecord>>>,
  Assert<Equals<Vitrine['measurement'], (options?: CallControl) => Promise<MeasurementStatus>>>,
  Assert<Equals<Vitrine['bandits'], (config?: BanditLearningConfig, options?: CallControl) => Promise<BanditLearningStatus>>>,
  Assert<Equals<Vitrine['profile']['export'], (options?: CallControl) => Promise<ProfileExport>>>,
  Assert<Equals<Vitrine['profile']['delete'], (options?: CallControl) => Promise<void>>>,
  Assert<Equals<Vitrine['profile']['forget'], (productId: string, options?: CallControl) => Promise<void>>>,
  Assert<Equals<Vitrine['profile']['summary'], (options?: CallControl) => Promise<ProfileSummary>>>,
  Assert<Equals<Vitrine['close'], () => void>>,
  Assert<Equals<Vitrine['experiment'], (spec: ExperimentSpec, context?: ExperimentContext, options?: CallControl) => Promise<ArmChoice>>>,
  Assert<Equals<Vitrine['reward'], (feedback: ArmFeedback[], options?: CallControl) => Promise<void>>>,
  // Nothing more and nothing less than the page API has (experiments: issue 13).
  Assert<
    Equals<
      keyof Vitrine,
      | 'load'
      | 'similar'
      | 'recommend'
      | 'rerank'
      | 'traits'
      | 'status'
      | 'track'
      | 'consent'
      | 'measurement'
      | 'bandits'
      | 'profile'
      | 'close'
      | 'experiment'
      | 'reward'
    >
  >,
  Assert<Equals<keyof Vitrine['consent'], 'set' | 'get'>>,
  Assert<Equals<keyof Vitrine['profile'], 'export' | 'delete' | 'forget' | 'summary'>>,
];

// The methods stay assignable, as on the hand-written interface (no `readonly` from the table).
export function replaceable(vitrine: Vitrine): void {
  vitrine.track = () => Promise.resolve({ recorded: true });
  vitrine.consent.get = vitrine.consent.get.bind(vitrine.consent);
}

// A placement the engine does not know is a type error on the page, not just a runtime one.
export function rejectsUnknownPlacement(engine: Engine): void {
  // @ts-expect-error 'nope' is not a Placement
  void engine.recommend({ placement: 'nope' });
}
