/**
 * Compile-time checks of the page/worker contract (conditional-type-checks style): `tsc -b`
 * (`npm run typecheck`) fails if the worker API's types drift from what the page relies on.
 * Nothing here runs.
 */
import type { Remote } from 'comlink';
import type { EngineApi } from '../../src/worker/index.ts';
import type { EngineStatus, RecommendResult, RerankResult, Vitrine } from '../../src/index.ts';

/** True only when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type AssertFalse<T extends false> = T;

type Engine = Remote<EngineApi>;

export type Checks = [
  // Through comlink every call is asynchronous and resolves to the worker function's result.
  Assert<Equals<ReturnType<Engine['recommend']>, Promise<RecommendResult>>>,
  Assert<Equals<ReturnType<Engine['similar']>, Promise<RecommendResult>>>,
  Assert<Equals<ReturnType<Engine["rerank"]>, Promise<RerankResult>>>,
  Assert<Equals<ReturnType<Engine['status']>, Promise<EngineStatus>>>,
  Assert<Equals<ReturnType<Engine['load']>, Promise<EngineStatus>>>,
  Assert<Equals<Parameters<Engine['load']>[0], string | ArrayBuffer>>,
  AssertFalse<Equals<ReturnType<Engine['recommend']>, Promise<RerankResult>>>,
  // The page API promises what the worker delivers.
  Assert<Equals<ReturnType<Vitrine['recommend']>, ReturnType<Engine['recommend']>>>,
  Assert<Equals<ReturnType<Vitrine['rerank']>, ReturnType<Engine['rerank']>>>,
  Assert<Equals<ReturnType<Vitrine['load']>, ReturnType<Engine['load']>>>,
];

// A placement the engine does not know is a type error on the page, not just a runtime one.
export function rejectsUnknownPlacement(engine: Engine): void {
  // @ts-expect-error 'nope' is not a Placement
  void engine.recommend({ placement: 'nope' });
}
