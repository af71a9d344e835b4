/**
 * A resumable training checkpoint in ONE safetensors file, written atomically:
 * the weights, Adam's moments (named `optimizer.m.<param>` / `optimizer.v.<param>`)
 * and the trainer state as JSON in the metadata. One file means a crash can never
 * leave weights and state from different steps.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import { loadWeights, weightsOf } from '../model/bundle.js';
import { readSafetensors, writeSafetensors, type NamedTensor } from '../model/safetensors.js';
import type { Seq2SeqTransformer } from '../model/transformer.js';
import type { Adam } from '../tensor/optim.js';

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_ppl: number;
  valid_loss: number;
  valid_ppl: number;
  tokens_per_s: number;
  /** Seconds of the epoch's optimiser steps. */
  epoch_s: number;
  /** Seconds of the validation pass after it (absent in runs from before it was recorded). */
  valid_s?: number;
  lr: number;
  best: boolean;
}

export interface TrainerState {
  /** Epoch in progress (0-based) and the number of its batches already done. */
  epoch: number;
  batchInEpoch: number;
  step: number;
  /** Running sums of the epoch in progress. */
  epochLossSum: number;
  epochWeightSum: number;
  epochTokens: number;
  epochSeconds: number;
  bestValidLoss: number | null;
  bestEpoch: number | null;
  epochsWithoutImprovement: number;
  dropoutRng: number[];
  history: EpochMetrics[];
  done: boolean;
  stopReason: string | null;
}

/** The parameter name of each tensor the optimiser updates (frozen embeddings have no Adam state). */
function optimizedNames(model: Seq2SeqTransformer, adam: Adam): string[] {
  const nameOf = new Map([...model.params.byName].map(([name, t]) => [t, name]));
  return adam.params.map((p) => nameOf.get(p)!);
}

export function saveCheckpoint(file: string, model: Seq2SeqTransformer, adam: Adam, state: TrainerState): void {
  const tensors = weightsOf(model);
  const names = optimizedNames(model, adam);
  adam.params.forEach((p, i) => {
    tensors.set(`optimizer.m.${names[i]}`, { shape: [...p.shape], data: adam.m[i] });
    tensors.set(`optimizer.v.${names[i]}`, { shape: [...p.shape], data: adam.v[i] });
  });
  writeSafetensors(file, tensors, 'F32', { en2py_trainer_state: JSON.stringify(state), adam_step: String(adam.step) });
}

export function loadCheckpoint(file: string, model: Seq2SeqTransformer, adam: Adam): TrainerState {
  if (!existsSync(file)) throw new UserError(`${file}: no checkpoint to resume from`);
  const { tensors, metadata } = readSafetensors(file);
  const weights = new Map<string, NamedTensor>();
  for (const [name, t] of tensors) if (!name.startsWith('optimizer.')) weights.set(name, t);
  loadWeights(model, weights, file);
  const names = optimizedNames(model, adam);
  adam.params.forEach((_, i) => {
    const m = tensors.get(`optimizer.m.${names[i]}`);
    const v = tensors.get(`optimizer.v.${names[i]}`);
    if (!m || !v) throw new UserError(`${file}: optimizer state for ${names[i]} is missing`);
    adam.m[i].set(m.data);
    adam.v[i].set(v.data);
  });
  adam.step = Number(metadata.adam_step ?? 0);
  if (!metadata.en2py_trainer_state) throw new UserError(`${file}: trainer state is missing from the metadata`);
  return JSON.parse(metadata.en2py_trainer_state) as TrainerState;
}
