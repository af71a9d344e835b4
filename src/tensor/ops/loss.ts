/**
 * Fused softmax + cross-entropy over the vocabulary, with the hooks other
 * losses need: label smoothing, focal loss (gamma) and class weights (e.g.
 * weighting structure tokens). The result is the weighted mean over rows whose
 * target is not ignoreIndex, like torch.nn.functional.cross_entropy.
 */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';

export interface CrossEntropyOptions {
  ignoreIndex?: number;
  labelSmoothing?: number;
  focalGamma?: number;
  classWeights?: Float32Array | null;
}

export interface CrossEntropyResult {
  loss: Tensor;
  /** Σ weighted row losses and Σ weights (token count when unweighted), for perplexity. */
  lossSum: number;
  weightSum: number;
}

export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): CrossEntropyResult {
  const vocab = logits.shape[logits.rank - 1];
  const rows = logits.size / vocab;
  if (targets.length !== rows) throw new Error(`crossEntropy: ${targets.length} targets for ${rows} rows`);
  const smoothing = opts.labelSmoothing ?? 0;
  const gamma = opts.focalGamma ?? 0;
  if (smoothing < 0 || smoothing >= 1) throw new Error(`crossEntropy: label smoothing must be in [0, 1), got ${smoothing}`);
  if (gamma < 0) throw new Error(`crossEntropy: focal gamma must be ≥ 0, got ${gamma}`);
  if (gamma > 0 && smoothing > 0) throw new Error('crossEntropy: focal loss and label smoothing do not combine');
  if (opts.classWeights && opts.classWeights.length !== vocab) {
    throw new Error(`crossEntropy: ${opts.classWeights.length} class weights for a vocabulary of ${vocab}`);
  }
  // The gradient is computed in the forward pass (fused), into a pooled buffer.
  const gradHolder = Tensor.empty(logits.shape);
  const result = new Float64Array(2);
  K().crossEntropy(
    logits.data, targets, rows, vocab, opts.ignoreIndex ?? -100, smoothing, gamma,
    opts.classWeights ?? null, gradHolder.data, result,
  );
  const [lossSum, weightSum] = result;
  const loss = Tensor.empty([1]);
  loss.data[0] = weightSum > 0 ? lossSum / weightSum : 0;
  record(loss, [logits], () => {
    if (weightSum === 0) return;
    const { g, accumulate } = logits.gradSlot();
    K().scale(gradHolder.data, g, logits.size, loss.grad![0] / weightSum, accumulate);
  });
  return { loss, lossSum, weightSum };
}
