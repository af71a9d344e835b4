/**
 * The training loop. One run directory holds everything:
 *   run.json            the resolved spec (what was trained, how)
 *   vocab.*.json, config.json, model.safetensors   the best model so far (a model directory)
 *   checkpoint.safetensors                          the latest resumable state
 *   epochs/epoch-N.safetensors                      the weights after each of the last
 *                       KEEP_EPOCH_WEIGHTS epochs, for checkpoint averaging (`en2py average`)
 *   metrics.jsonl       one line per epoch (rewritten from the checkpoint's history)
 *   embeddings.json     what pretrained embeddings the run started from (E2, E3), if any
 * Repeats exactly for a seed on one machine, and `resume` continues an
 * interrupted run from its last checkpoint to the same final weights.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import { saveModel, type LoadedModel } from '../model/bundle.js';
import { saveEpochWeights } from './average.js';
import { Seq2SeqTransformer } from '../model/transformer.js';
import {
  Adam, backward, clipGradScale, describePrecision, matmulInfo, noGrad, resolvePrecision, setPrecision, tidy,
  type CrossEntropyOptions,
} from '../tensor/index.js';
import { Vocab } from '../tokenize/vocab.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { portablePath, portablePaths } from '../util/portablePaths.js';
import { loadCheckpoint, saveCheckpoint, type EpochMetrics, type TrainerState } from './checkpoint.js';
import { batchTokens, collate, dropDecoderInputs, makeBatches, type Example } from './data.js';
import { Rng } from '../tensor/random.js';
import { copyStartWeights } from './startFrom.js';
import { applyEmbeddingInit, freezeAndListTrainable, type EmbeddingInit } from './embeddingInit.js';
import { createProgress } from './progress.js';
import { learningRate } from './schedule.js';
import { modelConfigFor, type RunSpec } from './spec.js';

/** The data summary as run.json and config.json record it: files by name and sha256 or relative to the repository. */
function recordedSummary(data: PreparedData): Record<string, unknown> {
  const file = data.summary.file;
  return portablePaths({ ...data.summary, ...(typeof file === 'string' ? { file: path.resolve(file) } : {}) });
}

export interface PreparedData {
  file: string;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  train: Example[];
  valid: Example[];
  /** Extra facts for the record (split sizes, truncation, unk counts). */
  summary: Record<string, unknown>;
  /** Fine-tuning (spec init.model) of a run not yet started: the model whose weights it starts from. */
  start?: LoadedModel;
}

export interface TrainResult {
  dir: string;
  state: TrainerState;
  parameters: number;
  seconds: number;
}

export interface TrainHooks {
  log?: (line: string) => void;
  /** Pretrained embeddings to start a fresh run from (ignored on resume: the checkpoint has the weights). */
  init?: EmbeddingInit;
  /** Test hook: after this many optimiser steps, the process kills itself (SIGKILL), as a crash would. */
  killAfterStep?: number;
}

/** Target tokens whose loss is scaled by structureWeight. */
export const STRUCTURE_TOKENS = ['<nl>', '<indent>', '<dedent>', ':', '(', ')', '[', ']', '{', '}'];

function lossOptions(spec: RunSpec, tgtVocab: Vocab): CrossEntropyOptions {
  const t = spec.train;
  let classWeights: Float32Array | null = null;
  if (t.structureWeight !== 1) {
    classWeights = new Float32Array(tgtVocab.size).fill(1);
    for (const tok of STRUCTURE_TOKENS) if (tgtVocab.has(tok)) classWeights[tgtVocab.id(tok)] = t.structureWeight;
  }
  return { labelSmoothing: t.labelSmoothing, focalGamma: t.focalGamma, classWeights };
}

function freshState(model: Seq2SeqTransformer): TrainerState {
  return {
    epoch: 0, batchInEpoch: 0, step: 0, epochLossSum: 0, epochWeightSum: 0, epochTokens: 0, epochSeconds: 0,
    bestValidLoss: null, bestEpoch: null, epochsWithoutImprovement: 0,
    dropoutRng: model.ctx.rng.state(), history: [], done: false, stopReason: null,
  };
}

/** Early stopping: no better validation loss for `patience` epochs (0 = never stop early). */
function stoppedEarly(state: TrainerState, t: RunSpec['train']): boolean {
  return t.patience > 0 && state.epochsWithoutImprovement >= t.patience;
}

/** Mean token loss (plain cross-entropy, whatever the training loss) and token count on examples. */
export function evaluateLoss(model: Seq2SeqTransformer, examples: readonly Example[], batchSize = 32): { loss: number; tokens: number } {
  const was = model.training;
  model.training = false;
  let lossSum = 0;
  let tokens = 0;
  const ordered = [...examples].sort((a, b) => a.tgt.length - b.tgt.length);
  for (let i = 0; i < ordered.length; i += batchSize) {
    const batch = collate(ordered.slice(i, i + batchSize));
    noGrad(() => tidy(() => {
      const r = model.loss(batch);
      lossSum += r.lossSum;
      tokens += r.weightSum;
    }));
  }
  model.training = was;
  return { loss: tokens ? lossSum / tokens : NaN, tokens };
}

export function train(spec: RunSpec, out: string, data: PreparedData, opts: { resume: boolean } & TrainHooks): TrainResult {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const t = spec.train;
  mkdirSync(out, { recursive: true });
  const checkpointFile = path.join(out, 'checkpoint.safetensors');
  if (!opts.resume && existsSync(checkpointFile)) {
    throw new UserError(`${out} already holds a training run (checkpoint.safetensors); use --resume to continue it or another --out`);
  }
  const precision = resolvePrecision(t.precision);
  setPrecision(precision);
  log(`engine: ${describePrecision(precision)}`);
  const model = new Seq2SeqTransformer(modelConfigFor(spec, data.srcVocab.size, data.tgtVocab.size), t.seed);
  const params = freezeAndListTrainable(model, spec);
  const adam = new Adam(params, { lr: t.lr, weightDecay: t.weightDecay });
  let state = freshState(model);
  if (opts.resume && existsSync(checkpointFile)) {
    state = loadCheckpoint(checkpointFile, model, adam);
    if (state.done && state.epoch < t.epochs && !stoppedEarly(state, t)) {
      // A run that ended at its epoch limit, resumed with a higher one (`--resume --epochs N`):
      // it trains on as if it had been given N epochs from the start (batches and rates depend
      // only on the seed, the epoch and the step).
      log(`extending ${out} from ${state.epoch} to ${t.epochs} epochs`);
      state.done = false;
      state.stopReason = null;
    } else if (state.done) {
      log(`${out} is already finished (${state.stopReason}); nothing to train${state.epoch >= t.epochs ? ' (a higher --epochs trains on)' : ''}`);
    } else {
      log(`resuming ${out} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch}, step ${state.step}`);
    }
  } else {
    if (spec.init) {
      if (!data.start) throw new Error(`train: ${out} starts from ${spec.init.model} but prepareData did not load it`);
      copyStartWeights(model, data.start);
      log(`starting from the weights of ${spec.init.model}`);
    }
    if (opts.init) {
      applyEmbeddingInit(model, opts.init);
      writeFileAtomic(path.join(out, 'embeddings.json'), JSON.stringify(portablePaths(opts.init.summary), null, 2) + '\n');
    }
    const engine = { precision, matmul: matmulInfo() };
    // The data file by name and sha256, not where it lay on this machine (src/util/portablePaths.ts).
    writeFileAtomic(path.join(out, 'run.json'), JSON.stringify({ ...spec, data: { ...spec.data, resolvedPath: portablePath(data.file) }, summary: recordedSummary(data), engine }, null, 2) + '\n');
  }
  model.ctx.rng.setState(state.dropoutRng);
  log(`model: ${model.parameterCount().toLocaleString('en-US')} parameters (${model.config.encoderLayers}+${model.config.decoderLayers} layers, d ${model.config.dModel}, ${model.config.heads} heads, vocab ${data.srcVocab.size}/${data.tgtVocab.size})`);
  const lossOpts = lossOptions(spec, data.tgtVocab);
  const started = performance.now();

  const saveState = () => {
    state.dropoutRng = model.ctx.rng.state();
    saveCheckpoint(checkpointFile, model, adam, state);
  };
  const writeMetrics = () => writeFileAtomic(path.join(out, 'metrics.jsonl'), state.history.map((m) => JSON.stringify(m)).join('\n') + (state.history.length ? '\n' : ''));

  while (!state.done && state.epoch < t.epochs) {
    const batches = makeBatches(data.train, { batchSize: t.batchSize, maxTokens: t.maxTokens }, t.seed * 1000 + state.epoch);
    const progress = createProgress(`epoch ${state.epoch + 1}/${t.epochs}`, batches.length, process.stderr, state.batchInEpoch);
    model.training = true;
    for (let b = state.batchInEpoch; b < batches.length; b++) {
      const t0 = performance.now();
      state.step++;
      // The word-dropout draw depends only on (seed, step), so a resumed run drops the same tokens.
      const batch = dropDecoderInputs(collate(batches[b]), t.decoderInputDropout, new Rng(t.seed * 1_000_003 + state.step));
      adam.lr = learningRate(t, state.step);
      const r = tidy(() => {
        const res = model.loss(batch, lossOpts);
        backward(res.loss);
        adam.update(t.clipNorm ? clipGradScale(params, t.clipNorm) : 1);
        return { lossSum: res.lossSum, weightSum: res.weightSum };
      });
      state.epochLossSum += r.lossSum;
      state.epochWeightSum += r.weightSum;
      state.epochTokens += batchTokens(batches[b]);
      state.epochSeconds += (performance.now() - t0) / 1000;
      state.batchInEpoch = b + 1;
      progress.update(b + 1, `loss ${(state.epochLossSum / state.epochWeightSum).toFixed(3)}, ${(state.epochTokens / state.epochSeconds).toFixed(0)} tok/s`);
      if (state.step % t.checkpointEvery === 0 && b + 1 < batches.length) saveState();
      if (opts.killAfterStep && state.step >= opts.killAfterStep) process.kill(process.pid, 'SIGKILL');
    }
    progress.stop();

    const validStarted = performance.now();
    const valid = evaluateLoss(model, data.valid);
    const validSeconds = (performance.now() - validStarted) / 1000;
    const trainLoss = state.epochLossSum / state.epochWeightSum;
    const improved = state.bestValidLoss === null || valid.loss < state.bestValidLoss;
    const metrics: EpochMetrics = {
      epoch: state.epoch + 1,
      train_loss: trainLoss,
      train_ppl: Math.exp(trainLoss),
      valid_loss: valid.loss,
      valid_ppl: Math.exp(valid.loss),
      tokens_per_s: state.epochTokens / state.epochSeconds,
      epoch_s: state.epochSeconds,
      valid_s: validSeconds,
      lr: adam.lr,
      best: improved,
    };
    log(`epoch ${metrics.epoch}: train loss ${trainLoss.toFixed(3)} (ppl ${metrics.train_ppl.toFixed(2)}), valid loss ${valid.loss.toFixed(3)} (ppl ${metrics.valid_ppl.toFixed(2)}), ${metrics.tokens_per_s.toFixed(0)} tokens/s, ${metrics.epoch_s.toFixed(1)} s${improved ? ', best so far' : ''}`);
    state.history.push(metrics);
    saveEpochWeights(out, model, metrics.epoch);
    if (improved) {
      state.bestValidLoss = valid.loss;
      state.bestEpoch = metrics.epoch;
      state.epochsWithoutImprovement = 0;
      saveModel(out, model, data.srcVocab, data.tgtVocab, {
        training: { spec, bestEpoch: metrics.epoch, data: recordedSummary(data) },
        metrics: { valid_loss: valid.loss, valid_ppl: metrics.valid_ppl, epoch: metrics.epoch, tokenization: 'en2py model tokens (words + subword pieces)' },
      });
    } else {
      state.epochsWithoutImprovement++;
    }
    state.epoch++;
    state.batchInEpoch = 0;
    state.epochLossSum = state.epochWeightSum = state.epochTokens = state.epochSeconds = 0;
    if (stoppedEarly(state, t)) {
      state.done = true;
      state.stopReason = `early stop: no better validation loss for ${t.patience} epochs`;
      log(state.stopReason);
    }
    if (state.epoch >= t.epochs) {
      state.done = true;
      state.stopReason ??= `finished ${t.epochs} epochs`;
    }
    saveState();
    writeMetrics();
  }
  return { dir: out, state, parameters: model.parameterCount(), seconds: (performance.now() - started) / 1000 };
}
