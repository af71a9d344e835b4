/**
 * Model configuration: the `seed` preset (DESIGN.md) and the options a
 * researcher would try, validated with zod (unknown keys are errors).
 */
import { z } from 'zod';

/** The fields, without cross-field checks (so experiment configs can derive partial overrides). */
export const modelConfigFields = z
  .object({
    dModel: z.number().int().positive(),
    heads: z.number().int().positive(),
    encoderLayers: z.number().int().nonnegative(),
    decoderLayers: z.number().int().positive(),
    ffDim: z.number().int().positive(),
    dropout: z.number().min(0).lt(1),
    /** Dropout on attention weights (PyTorch's nn.Transformer uses the same rate as `dropout`). */
    attentionDropout: z.number().min(0).lt(1),
    srcVocab: z.number().int().positive(),
    tgtVocab: z.number().int().positive(),
    maxLen: z.number().int().positive(),
    /** Post-norm (the 2017 paper, the seed) or pre-norm (more stable when deeper). */
    norm: z.enum(['post', 'pre']),
    positions: z.enum(['learned', 'sinusoidal']),
    /** Share the target embedding matrix with the output projection. */
    tieTargetEmbeddings: z.boolean(),
    /** Dimension of pretrained source embeddings projected to dModel (0 = none). */
    srcEmbeddingDim: z.number().int().nonnegative(),
    /**
     * Numbers of the sentence become slot words <num0>, <num1>, … on both sides and are
     * copied back into the output (src/tokenize/numberSlots.ts). Models written before
     * the option have none.
     */
    numberSlots: z.boolean().optional(),
    /**
     * Which way the model translates: English → Python (every model before the option, and the
     * default), or Python → English, a reviewer that scores how well a program explains a
     * sentence (src/decode/reviewer.ts). The encoder reads the first language, the decoder writes
     * the second; vocab.en.json always holds the English words and vocab.py.json the Python tokens.
     */
    direction: z.enum(['en2py', 'py2en']).optional(),
  })
  .strict();

// The default lives here, not in the fields: a default inside the run spec's partial
// overrides would turn a recorded `model: {}` into `{numberSlots: false}` while a config
// without `model` stays `{}`, and every finished experiment would look changed.
export const modelConfigSchema = modelConfigFields.extend({ numberSlots: z.boolean().default(false) }).refine((c) => c.dModel % c.heads === 0, {
  message: 'dModel must be divisible by heads',
  path: ['heads'],
});

export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** The seed model: "Attention is all you need", post-norm, small (DESIGN.md). */
export function seedConfig(srcVocab: number, tgtVocab: number): ModelConfig {
  return {
    dModel: 256,
    heads: 8,
    encoderLayers: 3,
    decoderLayers: 3,
    ffDim: 512,
    dropout: 0.1,
    attentionDropout: 0.1,
    srcVocab,
    tgtVocab,
    maxLen: 512,
    norm: 'post',
    positions: 'learned',
    tieTargetEmbeddings: false,
    srcEmbeddingDim: 0,
    numberSlots: false,
  };
}
