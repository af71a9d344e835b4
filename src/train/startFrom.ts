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
import type { RunSpec } from './spec.js';

/** The model a spec starts from, checked to be a single model with the spec's number slots. */
export function loadStartModel(spec: RunSpec): LoadedModel {
  const dir = spec.init?.model;
  if (!dir) throw new Error('loadStartModel: the spec has no init.model');
  if (!existsSync(dir)) throw new UserError(`${dir}: no such model directory (init.model: train or fetch that model first)`);
  const loaded = loadModel(dir);
  if (loaded.members.length > 1) throw new UserError(`${dir}: init.model is an ensemble of ${loaded.members.length} models; fine-tuning starts from one`);
  const wanted = spec.model.numberSlots ?? false;
  if ((loaded.config.model.numberSlots ?? false) !== wanted) {
    throw new UserError(`${dir}: init.model ${loaded.config.model.numberSlots ? 'uses' : 'does not use'} number slots and this spec ${wanted ? 'does' : 'does not'} (set model.numberSlots to match)`);
  }
  return loaded;
}

/** Settings that shape no weight, so a fine-tuning run may change them. */
const TRAINING_ONLY: ReadonlySet<keyof ModelConfig> = new Set(['dropout', 'attentionDropout']);

/** Copy the start model's weights into a freshly built model of the spec's config (dropout may differ, nothing else). */
export function copyStartWeights(model: Seq2SeqTransformer, start: LoadedModel): void {
  const differing = (Object.keys(model.config) as (keyof ModelConfig)[])
    .filter((k) => !TRAINING_ONLY.has(k) && JSON.stringify(model.config[k]) !== JSON.stringify(start.model.config[k]));
  if (differing.length) {
    const k = differing[0];
    throw new UserError(`${start.dir}: init.model has model.${k} ${JSON.stringify(start.model.config[k])}, this spec ${JSON.stringify(model.config[k])} (fine-tuning keeps the architecture)`);
  }
  loadWeights(model, weightsOf(start.model), path.join(start.dir, 'model.safetensors'));
}
