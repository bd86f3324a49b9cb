/**
 * The fitted session-model weights between `vitrine eval --tune` (writes) and `vitrine bundle
 * build` (reads, then ships them in the bundle's modelWeights section). A small JSON file so a
 * shop can review and version it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ModelWeights } from '../../shared/bundle/types.ts';
import { VitrineError } from '../../shared/errors.ts';

/** Where `--tune` writes and `bundle build` looks when no `--model` is given. */
export const DEFAULT_MODEL_FILE = 'vitrine-model.json';

export interface ModelFile {
  format: 'vitrine-model';
  version: 1;
  weights: ModelWeights;
  /** What the weights were fitted on and how they scored there (for the reader; not used). */
  fittedOn?: Record<string, unknown>;
}

export function writeModelFile(file: string, weights: ModelWeights, fittedOn?: Record<string, unknown>): void {
  const model: ModelFile = { format: 'vitrine-model', version: 1, weights, ...(fittedOn ? { fittedOn } : {}) };
  try {
    writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
  } catch (error) {
    throw new VitrineError('INPUT_UNREADABLE', `cannot write ${file}: ${(error as Error).message}`, { file });
  }
}

/**
 * The weights in `file`; with `optional`, a missing file gives undefined (the default path is only
 * used when present). A file of the wrong shape is an error naming the bad key.
 */
export function readModelFile(file: string, optional = false): ModelWeights | undefined {
  if (optional && !existsSync(file)) return undefined;
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
  return weights;
}
