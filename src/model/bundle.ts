/**
 * A model directory: everything `generate`, `eval` and `serve` need.
 *   config.json         {format, model (ModelConfig), parameters, training summary, metrics}
 *   vocab.en.json       English words: the source vocabulary (the target one of a py2en reviewer)
 *   vocab.py.json       Python model tokens, see src/tokenize/subword.ts: the target vocabulary (a reviewer's source)
 *   model.safetensors   weights, PyTorch-style names (listed by `en2py info --model DIR`)
 *   model.2.safetensors … an ensemble's further members (same vocabularies, sizes may differ; see `en2py ensemble`)
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { weightsChanged } from '../tensor/precision.js';
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
  /** An ensemble: the weight files of the members after the first (which is model.safetensors), and where every member came from. */
  ensemble: z.object({
    weights: z.array(z.string().regex(/^model\.\d+\.safetensors$/, 'expected file names like model.2.safetensors')).min(1),
    from: z.array(z.string()),
    /**
     * The config of each member after the first, in `weights` order: members share
     * vocabularies but may differ in size. Ensembles written before members could
     * differ have none, and every member has `model`'s config.
     */
    models: z.array(modelConfigSchema).optional(),
  }).refine((e) => !e.models || e.models.length === e.weights.length, { message: 'expected one config in models for each file in weights', path: ['models'] }).optional(),
});

export type BundleConfig = z.infer<typeof bundleConfigSchema>;

export interface LoadedModel {
  dir: string;
  /** The model, or an ensemble's first member (its vocabularies are every member's; its config sizes the first). */
  model: Seq2SeqTransformer;
  /** Every member of an ensemble, `model` first; just [model] otherwise. Decoding takes these. */
  members: Seq2SeqTransformer[];
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
    if (t.data !== p.data) p.data.set(t.data); // the same array when it was read straight into the parameter
  }
  weightsChanged(); // bf16 copies of the old weights are stale
  for (const name of tensors.keys()) {
    if (!model.params.byName.has(name)) throw new UserError(`${file}: unexpected weight ${name} (not in this model's config)`);
  }
}

const memberFile = (k: number) => (k === 0 ? 'model.safetensors' : `model.${k + 1}.safetensors`);

/**
 * Write a model directory. With `ensemble`, `model` is the first member and
 * `ensemble.others` the rest, written as model.2.safetensors, model.3.safetensors, ….
 */
export function saveModel(
  dir: string, model: Seq2SeqTransformer, srcVocab: Vocab, tgtVocab: Vocab,
  extra: {
    training?: Record<string, unknown>; metrics?: Record<string, unknown>; dtype?: DType;
    ensemble?: { others: readonly Seq2SeqTransformer[]; from: string[] };
  } = {},
): void {
  const members = [model, ...(extra.ensemble?.others ?? [])];
  const config: BundleConfig = {
    format: MODEL_FORMAT,
    model: model.config,
    parameters: model.parameterCount(),
    training: extra.training,
    metrics: extra.metrics,
    ensemble: extra.ensemble
      ? { weights: members.slice(1).map((_, k) => memberFile(k + 1)), from: extra.ensemble.from, models: members.slice(1).map((m) => m.config) }
      : undefined,
  };
  const files = vocabFiles(dir, model.config);
  srcVocab.save(files.src);
  tgtVocab.save(files.tgt);
  members.forEach((m, k) => writeSafetensors(path.join(dir, memberFile(k)), weightsOf(m), extra.dtype ?? 'F32', { format: 'pt', en2py: MODEL_FORMAT }));
  writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  // Members left from an ensemble written here before would sit beside this model unused.
  for (const f of readdirSync(dir)) {
    const m = /^model\.(\d+)\.safetensors$/.exec(f);
    if (m && Number(m[1]) > members.length) rmSync(path.join(dir, f));
  }
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

/** The vocabulary files of a model's encoder (src) and decoder (tgt): English → Python unless config.direction is py2en. */
export function vocabFiles(dir: string, config: Pick<ModelConfig, 'direction'>): { src: string; tgt: string } {
  const en = path.join(dir, 'vocab.en.json');
  const py = path.join(dir, 'vocab.py.json');
  return config.direction === 'py2en' ? { src: py, tgt: en } : { src: en, tgt: py };
}

/**
 * Read a model directory. `direction` is the way the caller needs it to translate: generation,
 * evaluation and serving take English → Python models (the default), the reviewer a Python →
 * English one; 'any' is for tools that only copy or inspect weights.
 */
export function loadModel(dir: string, opts: { direction?: 'en2py' | 'py2en' | 'any' } = {}): LoadedModel {
  const config = readBundleConfig(dir);
  const c: ModelConfig = config.model;
  const want = opts.direction ?? 'en2py';
  const have = c.direction ?? 'en2py';
  if (want !== 'any' && want !== have) {
    throw new UserError(have === 'py2en'
      ? `${dir}: a Python → English reviewer model (config.json model.direction py2en); this needs an English → Python model`
      : `${dir}: an English → Python model; this needs a Python → English reviewer (a model trained with model.direction py2en)`);
  }
  const files = vocabFiles(dir, c);
  const srcVocab = Vocab.load(files.src);
  const tgtVocab = Vocab.load(files.tgt);
  if (c.srcVocab !== srcVocab.size || c.tgtVocab !== tgtVocab.size) {
    throw new UserError(`${dir}: config.json expects vocabularies of ${c.srcVocab}/${c.tgtVocab} tokens, the vocabulary files have ${srcVocab.size}/${tgtVocab.size}`);
  }
  const configs = [c, ...(config.ensemble?.weights ?? []).map((_, k) => config.ensemble?.models?.[k] ?? c)];
  configs.forEach((mc, k) => {
    if (mc.srcVocab !== c.srcVocab || mc.tgtVocab !== c.tgtVocab || mc.numberSlots !== c.numberSlots) {
      throw new UserError(`${path.join(dir, 'config.json')}: ensemble.models[${k - 1}] differs from model in its vocabularies or number slots (members must read and write the same tokens)`);
    }
  });
  const members = ['model.safetensors', ...(config.ensemble?.weights ?? [])].map((name, k) => {
    // No random initialisation: loadWeights sets every weight (it refuses a file that lacks one).
    const model = new Seq2SeqTransformer(configs[k], 1, { initialise: false });
    const file = path.join(dir, name);
    if (!existsSync(file)) throw new UserError(`${file}: missing; config.json lists it as ${name === 'model.safetensors' ? 'the weights' : 'an ensemble member'}`);
    // Each tensor is decoded straight into the parameter of its name when the shapes agree; loadWeights checks all of them.
    const into = (name: string, shape: number[]) => {
      const p = model.params.byName.get(name);
      return p && p.shape.length === shape.length && p.shape.every((d, i) => d === shape[i]) ? p.data : undefined;
    };
    loadWeights(model, readSafetensors(file, { into }).tensors, file);
    model.training = false;
    return model;
  });
  return { dir, model: members[0], members, srcVocab, tgtVocab, config };
}
