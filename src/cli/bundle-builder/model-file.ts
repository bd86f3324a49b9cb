/**
 * The fitted session model between `vitrine eval --tune` (writes) and `vitrine bundle build
 * --model` / `vitrine eval --model` (read, then ship the weights in the bundle's modelWeights section
 * and the session-kNN constants in its sessionModel section). A small JSON file so a shop can
 * review and version it.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.ts';
import { decodeSessionModel } from '../../shared/bundle/json-sections.ts';
import type { ModelWeights, SessionModel } from '../../shared/bundle/types.ts';
import { VitrineError } from '../../shared/errors.ts';

/** Where `--tune` writes by default. */
export const DEFAULT_MODEL_FILE = 'vitrine-model.json';

/** `--model none`: the built-in defaults, nothing fitted, no file read. */
export const NO_MODEL = 'none';

export interface ModelFile {
  format: 'vitrine-model';
  version: 1;
  weights: ModelWeights;
  /** Session-kNN constants (optional: files written before they were fittable have none → defaults). */
  sessionModel?: SessionModel;
  /** What the weights were fitted on and how they scored there (for the reader; not used). */
  fittedOn?: Record<string, unknown>;
}

/** What a model file gives a build or an evaluation. */
export interface FittedModel {
  weights: ModelWeights;
  sessionModel?: SessionModel;
}

export function writeModelFile(file: string, fitted: FittedModel, fittedOn?: Record<string, unknown>): void {
  const model: ModelFile = {
    format: 'vitrine-model',
    version: 1,
    weights: fitted.weights,
    ...(fitted.sessionModel ? { sessionModel: fitted.sessionModel } : {}),
    ...(fittedOn ? { fittedOn } : {}),
  };
  writeFileAtomic(file, `${JSON.stringify(model, null, 2)}\n`);
}

/** The weights and constants in `file`. A file of the wrong shape is an error naming the bad key. */
export function readModelFile(file: string): FittedModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new VitrineError('INPUT_UNREADABLE', `cannot read model file ${file}: ${(error as Error).message}`, { file });
  }
  const model = parsed as Partial<ModelFile> | null;
  if (typeof model !== 'object' || model === null || model.format !== 'vitrine-model' || model.version !== 1) {
    throw new VitrineError('INPUT_BAD_OPTION', `${file} is not a vitrine-model version 1 file`, { file, field: 'format' });
  }
  const weights = model.weights;
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    throw new VitrineError('INPUT_BAD_OPTION', `${file}: weights must be an object`, { file, field: 'weights' });
  }
  for (const [name, value] of Object.entries(weights)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new VitrineError('INPUT_BAD_OPTION', `${file}: weights.${name} must be a finite number`, { file, field: `weights.${name}` });
    }
  }
  if (model.sessionModel === undefined) return { weights };
  const sessionModel = decodeSessionModel(model.sessionModel, (field, message) => {
    throw new VitrineError('INPUT_BAD_OPTION', `${file}: sessionModel.${field} ${message}`, { file, field: `sessionModel.${field}` });
  });
  return { weights, sessionModel };
}
