/**
 * Bandits in the worker, as one lazy chunk: the on-device experiments engine and learning across
 * visitors (the priors it starts from, the arm counts it sends back). Pages without experiments,
 * content slots or bandit settings never download it.
 */
import { Experiments } from './bandit/experiments.ts';
import type { ConsentGate } from './consent-gate.ts';
import type { Engine } from './engine.ts';
import { BanditLearning } from './learning.ts';
import type { Measurement } from './measurement.ts';
import type { ProfileStore } from './profile/index.ts';
import type { VisitorInput } from './visitor.ts';

export interface Bandits {
  experiments: Experiments;
  learning: BanditLearning;
}

export async function startBandits(
  consent: ConsentGate,
  profile: ProfileStore,
  engine: Engine,
  visitor: () => VisitorInput,
  measurement: () => Measurement | undefined,
): Promise<Bandits> {
  const learning = new BanditLearning(consent, measurement);
  // Its own chunk and wasm file; never rejects (falls back to the TypeScript reference).
  const kernels = await (await import('./bandit-kernels.ts')).loadBanditKernels();
  return { learning, experiments: new Experiments(profile, engine, visitor, learning, kernels) };
}
