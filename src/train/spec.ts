/**
 * What a training run is: a preset plus overrides for the model, the data and
 * the optimisation. `en2py train --config FILE` reads this from JSON (unknown or
 * mistyped keys fail before training starts, naming the key); `--preset seed`
 * is the same with no overrides.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { modelConfigFields, modelConfigSchema, seedConfig } from '../model/config.js';
import { dataOptionsSchema, defaultDataOptions, seedTrainOptions, trainOptionsSchema, type DataOptions, type TrainOptions } from './config.js';

const modelOverridesSchema = modelConfigFields.omit({ srcVocab: true, tgtVocab: true }).partial().strict();

export const runSpecSchema = z
  .object({
    preset: z.enum(['seed']).default('seed'),
    description: z.string().optional(),
    model: modelOverridesSchema.default({}),
    data: dataOptionsSchema.partial().strict().default({}),
    train: trainOptionsSchema.partial().strict().default({}),
  })
  .strict();

export type ModelOverrides = z.infer<typeof modelOverridesSchema>;

export interface RunSpec {
  preset: 'seed';
  description?: string;
  model: ModelOverrides;
  data: DataOptions;
  train: TrainOptions;
}

/** Fill a parsed spec with the preset's defaults. */
export function resolveSpec(raw: unknown, source: string): RunSpec {
  const parsed = runSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || '(top level)';
    const keys = 'keys' in issue ? ` ${(issue.keys as string[]).join(', ')}` : '';
    throw new UserError(`${source}: ${where}: ${issue.message}${keys}`);
  }
  const s = parsed.data;
  // Cross-field checks of the model (e.g. dModel divisible by heads), before any work.
  const model = modelConfigSchema.safeParse({ ...seedConfig(1, 1), ...s.model });
  if (!model.success) {
    const issue = model.error.issues[0];
    throw new UserError(`${source}: model.${issue.path.join('.')}: ${issue.message}`);
  }
  return {
    preset: s.preset,
    description: s.description,
    model: s.model,
    data: { ...defaultDataOptions(), ...s.data },
    train: { ...seedTrainOptions(), ...s.train },
  };
}

export function readSpecFile(file: string): RunSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read config (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return resolveSpec(raw, file);
}
