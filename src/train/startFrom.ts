/**
 * Fine-tuning (spec `init.model`): a run that starts from another model's weights
 * and vocabularies instead of random weights. The vocabularies are the other
 * model's, unchanged, so every weight keeps its meaning; the architecture must
 * match the spec's exactly (each weight is copied with its shape checked); only
 * dropout may differ.
 * A resumed run takes its weights from its own checkpoint instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { loadModel, loadWeights, weightsOf, type LoadedModel } from '../model/bundle.js';
import type { ModelConfig } from '../model/config.js';
import type { Seq2SeqTransformer } from '../model/transformer.js';
import { modelConfigFor, type RunSpec } from './spec.js';

/** Settings that shape no weight, so a fine-tuning run may change them. */
const TRAINING_ONLY: ReadonlySet<keyof ModelConfig> = new Set(['dropout', 'attentionDropout']);

/**
 * The model a spec starts from, checked before any work to be a single model
 * whose config is the one the spec trains on its vocabularies (dropout may differ, nothing else).
 */
export function loadStartModel(spec: RunSpec): LoadedModel {
  const dir = spec.init?.model;
  if (!dir) throw new Error('loadStartModel: the spec has no init.model');
  if (!existsSync(dir)) throw new UserError(`${dir}: no such model directory (init.model: train or fetch that model first)`);
  const loaded = loadModel(dir, { direction: 'any' });
  if (loaded.members.length > 1) throw new UserError(`${dir}: init.model is an ensemble of ${loaded.members.length} models; fine-tuning starts from one`);
  const have = loaded.model.config;
  const want = modelConfigFor(spec, loaded.srcVocab.size, loaded.tgtVocab.size);
  const differing = (Object.keys(want) as (keyof ModelConfig)[]).filter((k) => !TRAINING_ONLY.has(k) && JSON.stringify(want[k]) !== JSON.stringify(have[k]));
  if (differing.length) {
    const k = differing[0];
    throw new UserError(`${dir}: init.model has model.${k} ${JSON.stringify(have[k])}, this spec ${JSON.stringify(want[k])} (fine-tuning keeps the architecture)`);
  }
  return loaded;
}

/** Copy the start model's weights (checked by loadStartModel) into a freshly built model of the spec's config. */
export function copyStartWeights(model: Seq2SeqTransformer, start: LoadedModel): void {
  loadWeights(model, weightsOf(start.model), path.join(start.dir, 'model.safetensors'));
}
