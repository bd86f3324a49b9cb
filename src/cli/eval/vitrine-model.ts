/**
 * Vitrine's own session model as a `NextItemModel`: builds a bundle from the training sessions with
 * the real bundle builder, loads it into the real kernels and asks the engine's `for_you` scoring,
 * exactly as the worker does in the browser.
 *
 * CONTRACT (skeleton written by the integrator, who implements it).
 */
import type { EvalData, NextItemModel } from './types.ts';

export interface VitrineModelOptions {
  /** Component weights to use instead of the defaults / bundle's fitted ones. */
  weights?: Record<string, number>;
}

export async function createVitrineModel(data: EvalData, options: VitrineModelOptions = {}): Promise<NextItemModel> {
  void data;
  void options;
  throw new Error('createVitrineModel: not implemented yet');
}

/**
 * Fits the session model's weights on `validation` (train → valid split) and returns them, to be
 * written where `bundle build` picks them up.
 */
export async function tuneVitrine(
  validation: EvalData,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  void validation;
  void log;
  throw new Error('tuneVitrine: not implemented yet');
}
