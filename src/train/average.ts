/**
 * Checkpoint averaging (issue 8): the mean of the weights after the last few
 * epochs is often a better model than any one of them, at no training cost.
 * The trainer keeps the weights of its last KEEP_EPOCH_WEIGHTS epochs in
 * RUN/epochs/; `en2py average` writes their mean as a model directory that
 * `generate`, `eval` and `export` take like any other.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { copyCompanionFiles, loadModel, loadWeights, saveModel, weightsOf } from '../model/bundle.js';
import { readSafetensors, writeSafetensors, type NamedTensor } from '../model/safetensors.js';
import type { Seq2SeqTransformer } from '../model/transformer.js';

/** How many epochs' weights a run keeps (30 MB each for the seed model). */
export const KEEP_EPOCH_WEIGHTS = 5;

const epochFile = (runDir: string, epoch: number) => path.join(runDir, 'epochs', `epoch-${epoch}.safetensors`);

/** The epochs whose weights the run directory holds, ascending. */
export function savedEpochs(runDir: string): number[] {
  const dir = path.join(runDir, 'epochs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => /^epoch-(\d+)\.safetensors$/.exec(f)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
}

/** Keep this epoch's weights (atomically) and drop those older than the last KEEP_EPOCH_WEIGHTS. */
export function saveEpochWeights(runDir: string, model: Seq2SeqTransformer, epoch: number): void {
  mkdirSync(path.join(runDir, 'epochs'), { recursive: true });
  writeSafetensors(epochFile(runDir, epoch), weightsOf(model), 'F32', { format: 'pt', epoch: String(epoch) });
  for (const old of savedEpochs(runDir).filter((e) => e <= epoch - KEEP_EPOCH_WEIGHTS)) rmSync(epochFile(runDir, old));
}

/**
 * Write the mean of the given epochs' weights as a model directory `out`, with
 * the run's vocabularies, config (training info gains `averagedEpochs`),
 * run.json and metrics.jsonl, so eval finds the run's data split.
 */
export function averageEpochs(runDir: string, epochs: readonly number[], out: string): { epochs: number[]; parameters: number } {
  if (epochs.length === 0) throw new UserError(`${runDir}: no epochs to average`);
  const have = new Set(savedEpochs(runDir));
  const missing = epochs.filter((e) => !have.has(e));
  if (missing.length) {
    throw new UserError(`${path.join(runDir, 'epochs')}: no weights for epoch ${missing.join(', ')} (it holds ${have.size ? [...have].join(', ') : 'none'}; a run keeps its last ${KEEP_EPOCH_WEIGHTS})`);
  }
  const base = loadModel(runDir, { direction: 'any' });
  const sum = new Map<string, Float64Array>();
  for (const epoch of epochs) {
    const file = epochFile(runDir, epoch);
    const tensors = readSafetensors(file).tensors;
    loadWeights(base.model, tensors, file); // checks names and shapes against the run's config
    for (const [name, t] of tensors) {
      const acc = sum.get(name) ?? new Float64Array(t.data.length);
      for (let i = 0; i < acc.length; i++) acc[i] += t.data[i];
      sum.set(name, acc);
    }
  }
  const mean = new Map<string, NamedTensor>();
  for (const [name, acc] of sum) {
    const p = base.model.params.byName.get(name)!;
    mean.set(name, { shape: [...p.shape], data: Float32Array.from(acc, (v) => v / epochs.length) });
  }
  loadWeights(base.model, mean, `mean of epochs ${epochs.join(', ')}`);
  mkdirSync(out, { recursive: true });
  saveModel(out, base.model, base.srcVocab, base.tgtVocab, {
    training: { ...base.config.training, averagedEpochs: [...epochs] },
    metrics: base.config.metrics,
  });
  copyCompanionFiles(runDir, out, { evaluation: false }); // the run's evaluation is of its best epoch, not of the mean
  return { epochs: [...epochs], parameters: base.model.parameterCount() };
}
