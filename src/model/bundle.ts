/**
 * A model directory: everything `generate`, `eval` and `serve` need.
 *   config.json         {format, model (ModelConfig), parameters, training summary, metrics}
 *   vocab.en.json       source vocabulary (English words)
 *   vocab.py.json       target vocabulary (Python model tokens, see src/tokenize/subword.ts)
 *   model.safetensors   weights, PyTorch-style names (listed by `en2py info --model DIR`)
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { Vocab } from '../tokenize/vocab.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { modelConfigSchema, type ModelConfig } from './config.js';
import { readSafetensors, writeSafetensors, type DType, type NamedTensor } from './safetensors.js';
import { Seq2SeqTransformer } from './transformer.js';

export const MODEL_FORMAT = 'en2py-model/1';

const bundleConfigSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  model: modelConfigSchema,
  parameters: z.number().int(),
  training: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export type BundleConfig = z.infer<typeof bundleConfigSchema>;

export interface LoadedModel {
  dir: string;
  model: Seq2SeqTransformer;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  config: BundleConfig;
}

export function weightsOf(model: Seq2SeqTransformer): Map<string, NamedTensor> {
  const out = new Map<string, NamedTensor>();
  for (const [name, t] of model.params.byName) out.set(name, { shape: [...t.shape], data: t.data });
  return out;
}

/** Copy weights into the model, checking that names and shapes match exactly. */
export function loadWeights(model: Seq2SeqTransformer, tensors: Map<string, NamedTensor>, file: string): void {
  for (const [name, p] of model.params.byName) {
    const t = tensors.get(name);
    if (!t) throw new UserError(`${file}: weight ${name} is missing (the checkpoint does not match this model's config)`);
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new UserError(`${file}: weight ${name} has shape [${t.shape}], the config expects [${p.shape}]`);
    }
    p.data.set(t.data);
  }
  for (const name of tensors.keys()) {
    if (!model.params.byName.has(name)) throw new UserError(`${file}: unexpected weight ${name} (not in this model's config)`);
  }
}

export function saveModel(
  dir: string, model: Seq2SeqTransformer, srcVocab: Vocab, tgtVocab: Vocab,
  extra: { training?: Record<string, unknown>; metrics?: Record<string, unknown>; dtype?: DType } = {},
): void {
  const config: BundleConfig = {
    format: MODEL_FORMAT,
    model: model.config,
    parameters: model.parameterCount(),
    training: extra.training,
    metrics: extra.metrics,
  };
  srcVocab.save(path.join(dir, 'vocab.en.json'));
  tgtVocab.save(path.join(dir, 'vocab.py.json'));
  writeSafetensors(path.join(dir, 'model.safetensors'), weightsOf(model), extra.dtype ?? 'F32', { format: 'pt', en2py: MODEL_FORMAT });
  writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}

/**
 * Copy a run's companion files (`run.json`, `metrics.jsonl`, and `eval-test.json`
 * when the weights are the same model's) from `from` into the model directory
 * `to`. One missing in `from`, or an evaluation not asked for, is removed from
 * `to`: left from a model written there before, it would describe that model.
 */
export function copyCompanionFiles(from: string, to: string, opts: { evaluation: boolean }): void {
  for (const f of ['run.json', 'metrics.jsonl', 'eval-test.json']) {
    const src = path.join(from, f);
    if (existsSync(src) && (opts.evaluation || f !== 'eval-test.json')) copyFileSync(src, path.join(to, f));
    else rmSync(path.join(to, f), { force: true });
  }
}

export function readBundleConfig(dir: string): BundleConfig {
  const file = path.join(dir, 'config.json');
  if (!existsSync(dir)) throw new UserError(`${dir}: no such model directory`);
  if (!existsSync(file)) throw new UserError(`${file}: missing; a model directory holds config.json, vocab.en.json, vocab.py.json and model.safetensors`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = bundleConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${file}: ${issue.path.join('.') || 'config'}: ${issue.message}`);
  }
  return parsed.data;
}

export function loadModel(dir: string): LoadedModel {
  const config = readBundleConfig(dir);
  const srcVocab = Vocab.load(path.join(dir, 'vocab.en.json'));
  const tgtVocab = Vocab.load(path.join(dir, 'vocab.py.json'));
  const c: ModelConfig = config.model;
  if (c.srcVocab !== srcVocab.size || c.tgtVocab !== tgtVocab.size) {
    throw new UserError(`${dir}: config.json expects vocabularies of ${c.srcVocab}/${c.tgtVocab} tokens, the vocabulary files have ${srcVocab.size}/${tgtVocab.size}`);
  }
  const model = new Seq2SeqTransformer(c);
  const file = path.join(dir, 'model.safetensors');
  loadWeights(model, readSafetensors(file).tensors, file);
  model.training = false;
  return { dir, model, srcVocab, tgtVocab, config };
}
