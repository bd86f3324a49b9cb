import type { Command } from '../command.ts';
import { banditOpe } from './bandit-ope.ts';
import { banditSimulate } from './bandit-simulate.ts';
import { banditFold } from './bandit-fold.ts';
import { banditReceive } from './bandit-receive.ts';
import { bundleBuild } from './bundle-build.ts';
import { bundleInspect } from './bundle-inspect.ts';
import { evalCommand } from './eval.ts';
import { evalSimilar } from './eval-similar.ts';
import { splitCommand } from './split.ts';

/** Every sub-command, in the order `vitrine --help` lists them. */
export const commands: Command[] = [
  bundleBuild,
  bundleInspect,
  evalCommand,
  evalSimilar,
  splitCommand,
  banditOpe,
  banditSimulate,
  banditFold,
  banditReceive,
];
