/**
 * Bandits in the worker, as one lazy chunk: the on-device experiments engine and learning across
 * visitors (the priors it starts from, the arm counts it sends back). Pages without experiments,
 * content slots or bandit settings never download it.
 */
import { Experiments } from './bandit/experiments.ts';
import type { ConsentGate } from './consent-gate.ts';
import type { Engine } from './engine.ts';
import { BanditLearning } from './learning.ts';
import { loadPart } from './lazy-part.ts';
import type { BanditKernels } from '../shared/bandit/kernels.ts';
import type { Measurement } from './measurement.ts';
import type { ProfileStore } from './profile/index.ts';
import type { VisitorInput } from './visitor.ts';

export interface Bandits {
  experiments: Experiments;
  learning: BanditLearning;
}

export function startBandits(
  consent: ConsentGate,
  profile: ProfileStore,
  engine: Engine,
  visitor: () => VisitorInput,
  measurement: () => Measurement | undefined,
): Bandits {
  const learning = new BanditLearning(consent, measurement);
  // Their own chunk and wasm file: loaded on the first choice; a chunk that could not be fetched is tried again next time.
  let kernels: Promise<BanditKernels> | undefined;
  const loadKernels = () =>
    (kernels ??= loadPart('bandit kernels', () => import('./bandit-kernels.ts')).then(
      (m) => m.loadBanditKernels(),
      (error) => {
        kernels = undefined;
        throw error;
      },
    ));
  return { learning, experiments: new Experiments(profile, engine, visitor, learning, loadKernels) };
}
