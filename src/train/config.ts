/**
 * A training run's configuration: the model (a preset plus overrides), the data
 * and split, and the optimisation. Validated with zod; unknown keys are errors,
 * named with their path, before any work starts.
 */
import { z } from 'zod';

export const trainOptionsSchema = z
  .object({
    epochs: z.number().int().positive(),
    /** Sentences per batch (the seed: 32). */
    batchSize: z.number().int().positive(),
    /** If set, batches are filled up to this many target tokens instead of batchSize sentences. */
    maxTokens: z.number().int().positive().nullable(),
    lr: z.number().positive(),
    schedule: z.enum(['constant', 'inverse-sqrt']),
    warmupSteps: z.number().int().nonnegative(),
    clipNorm: z.number().positive().nullable(),
    weightDecay: z.number().nonnegative(),
    labelSmoothing: z.number().min(0).lt(1),
    /**
     * Share of the decoder's input tokens (the gold code so far; BOS kept) replaced by <unk> in
     * training, drawn anew each step ("word dropout", Bowman et al. 2016). A decoder that has
     * learned Python well can predict much of the code from the code so far and read little of
     * the sentence; hiding some of that prefix makes it read the sentence. 0 = off.
     */
    decoderInputDropout: z.number().min(0).lt(1),
    focalGamma: z.number().nonnegative(),
    /** Loss weight of structure tokens (<nl>, <indent>, <dedent>, ':', brackets); 1 = plain. */
    structureWeight: z.number().positive(),
    /** Stop after this many epochs without a better validation loss (0 = never). */
    patience: z.number().int().nonnegative(),
    seed: z.number().int(),
    /** Save a resumable checkpoint every this many steps (and at every epoch end). */
    checkpointEvery: z.number().int().positive(),
    maxSrcLen: z.number().int().positive(),
    maxTgtLen: z.number().int().positive(),
    /**
     * Training pairs whose code is longer than maxTgtLen: "truncate" cuts the code (and the
     * model learns to end there), "skip" leaves the pair out of training. Validation pairs
     * are truncated either way, so validation losses stay comparable.
     */
    longTargets: z.enum(['truncate', 'skip']),
    /**
     * Matrix products in "bf16" (mixed precision on the CPU's matrix units) or "fp32";
     * "auto" = bf16 where the CPU has bf16 units. Weights, optimizer state and
     * checkpoints stay fp32 either way, so a run may resume on another CPU.
     */
    precision: z.enum(['auto', 'fp32', 'bf16']),
  })
  .strict();

export const dataOptionsSchema = z
  .object({
    /** Data file; null = the default English→Python set (see `en2py data`). */
    path: z.string().nullable(),
    format: z.enum(['english-python', 'conala', 'mbpp']).nullable(),
    splitSeed: z.number().int(),
    /** Group near-identical descriptions into one split (false only to reproduce leaky published protocols). */
    grouped: z.boolean(),
    valid: z.number().min(0).lt(1),
    test: z.number().min(0).lt(1),
    minFreq: z.number().int().positive(),
    /**
     * At most this many entries per vocabulary (specials, structure tokens and the ASCII
     * fallbacks included), the most frequent first; null = every token that passes minFreq.
     * Rarer Python tokens are cut into pieces and characters, rarer English words read as
     * <unk>. A fixed size keeps the output layer small on a large corpus (issue 19).
     */
    maxVocab: z.number().int().min(512).nullable(),
    /**
     * Extra TRAINING pairs from other sets (src/data/extra.ts): CoNaLa's train set, MBPP's tasks 601-974,
     * the standard library's documented functions, the shared functions/ set, a built corpus's pairs.
     * path null = the copy in ../shared/data (stdlib: the folder python3 reports; corpus: .cache/corpus).
     * Validation and test stay the main set's.
     */
    extra: z.array(z.object({ source: z.enum(['conala', 'mbpp', 'stdlib', 'functions', 'corpus']), path: z.string().nullable().default(null) }).strict()),
    /** Add up to this many copies of each training pair with its local variables consistently renamed (src/data/augment.ts). */
    renamedCopies: z.number().int().nonnegative(),
  })
  .strict();

export type TrainOptions = z.infer<typeof trainOptionsSchema>;
export type DataOptions = z.infer<typeof dataOptionsSchema>;

/** The seed's training recipe (DESIGN.md): Adam 5e-4, clip 1.0, batch 32, 20 epochs, best-validation checkpoint. */
export function seedTrainOptions(): TrainOptions {
  return {
    epochs: 20,
    batchSize: 32,
    maxTokens: null,
    lr: 5e-4,
    schedule: 'constant',
    warmupSteps: 0,
    clipNorm: 1.0,
    weightDecay: 0,
    labelSmoothing: 0,
    decoderInputDropout: 0,
    focalGamma: 0,
    structureWeight: 1,
    patience: 0,
    seed: 1,
    checkpointEvery: 50,
    maxSrcLen: 64,
    maxTgtLen: 256,
    longTargets: 'truncate',
    precision: 'auto',
  };
}

export function defaultDataOptions(): DataOptions {
  return { path: null, format: null, splitSeed: 1, grouped: true, valid: 0.1, test: 0.1, minFreq: 2, maxVocab: null, extra: [], renamedCopies: 0 };
}
