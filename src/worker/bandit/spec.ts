/**
 * Checks an `ExperimentSpec` from the page: a bad one is `INVALID_REQUEST` naming the field, and
 * changes nothing the engine holds.
 */
import { VitrineError } from '../../shared/errors.ts';
import type { ArmFeedback, ArmReward, ExperimentSpec } from '../../shared/experiment.ts';

export const MIN_ARMS = 2;
export const MAX_ARMS = 50;
const MAX_NAME = 100;
const REWARDS: readonly ArmReward[] = ['click', 'add_to_cart', 'purchase'];
const KINDS: readonly ArmFeedback['kind'][] = ['impression', ...REWARDS];

/** A checked spec with every default filled in. */
export interface Experiment {
  name: string;
  arms: string[];
  policy: 'ts' | 'lin-ts';
  slots: number;
  reward: Record<ArmReward, number>;
}

function invalid(field: string, message: string): VitrineError {
  return new VitrineError('INVALID_REQUEST', `${field}: ${message}`, { field });
}

const isName = (value: unknown): value is string => typeof value == 'string' && value.length > 0 && value.length <= MAX_NAME;

export function validateSpec(spec: unknown): Experiment {
  if (typeof spec != 'object' || spec === null) throw invalid('spec', 'must be an object');
  const { name, arms, policy = 'ts', slots = 1, reward = {} } = spec as ExperimentSpec;
  if (!isName(name)) throw invalid('name', `must be a string of 1 to ${MAX_NAME} characters`);
  if (!Array.isArray(arms) || arms.length < MIN_ARMS || arms.length > MAX_ARMS) {
    throw invalid('arms', `must be an array of ${MIN_ARMS} to ${MAX_ARMS} arm names`);
  }
  const bad = arms.findIndex((arm) => !isName(arm));
  if (bad >= 0) throw invalid(`arms[${bad}]`, `must be a string of 1 to ${MAX_NAME} characters`);
  if (new Set(arms).size != arms.length) throw invalid('arms', 'must be distinct');
  if (policy != 'ts' && policy != 'lin-ts') throw invalid('policy', 'must be "ts" or "lin-ts"');
  if (!Number.isInteger(slots) || slots < 1 || slots > arms.length)
    throw invalid('slots', `must be a whole number from 1 to ${arms.length}`);
  if (typeof reward != 'object' || reward === null) throw invalid('reward', 'must be an object');
  const weights = { click: 1, add_to_cart: 1, purchase: 1 };
  for (const [kind, weight] of Object.entries(reward)) {
    if (!REWARDS.includes(kind as ArmReward)) throw invalid(`reward.${kind}`, `is not one of ${REWARDS.join(', ')}`);
    if (typeof weight != 'number' || !(weight >= 0 && weight <= 1)) throw invalid(`reward.${kind}`, 'must be a number in [0, 1]');
    weights[kind as ArmReward] = weight;
  }
  return { name, arms: [...arms], policy, slots, reward: weights };
}

/** Checks one feedback item; the engine ignores feedback for experiments or arms it never chose. */
export function validateFeedback(item: unknown, index: number): ArmFeedback {
  const field = (name: string) => `feedback[${index}].${name}`;
  if (typeof item != 'object' || item === null) throw invalid(`feedback[${index}]`, 'must be an object');
  const { experiment, arm, kind, products } = item as ArmFeedback;
  if (!isName(experiment)) throw invalid(field('experiment'), 'must be an experiment name');
  if (!isName(arm)) throw invalid(field('arm'), 'must be an arm name');
  if (!KINDS.includes(kind)) throw invalid(field('kind'), `must be one of ${KINDS.join(', ')}`);
  if (products !== undefined && !(Array.isArray(products) && products.every((p) => typeof p == 'string'))) {
    throw invalid(field('products'), 'must be an array of product ids');
  }
  return { experiment, arm, kind, products };
}
