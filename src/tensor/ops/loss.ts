/**
 * Fused softmax + cross-entropy over the vocabulary, with the hooks other
 * losses need: label smoothing, focal loss (gamma) and class weights (e.g.
 * weighting structure tokens). The result is the weighted mean over rows whose
 * target is not ignoreIndex, like torch.nn.functional.cross_entropy.
 *
 * Why fused: the logits are the largest tensor of a step (32 × 120 × 8,449
 * floats at the seed shapes). The kernel writes the gradient, already divided
 * by the weight sum, during the forward pass, and backward hands that buffer to
 * the logits as their gradient: no probabilities stored, no extra pass.
 */
import { K } from '../kernels/index.js';
import { allocate, isGradEnabled, record } from '../tape.js';
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

/** The options with their defaults, checked (shared with linearCrossEntropy). */
export function checkCrossEntropyOptions(vocab: number, opts: CrossEntropyOptions) {
  const smoothing = opts.labelSmoothing ?? 0;
  const gamma = opts.focalGamma ?? 0;
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const weights = opts.classWeights ?? null;
  if (smoothing < 0 || smoothing >= 1) throw new Error(`crossEntropy: label smoothing must be in [0, 1), got ${smoothing}`);
  if (gamma < 0) throw new Error(`crossEntropy: focal gamma must be ≥ 0, got ${gamma}`);
  if (gamma > 0 && smoothing > 0) throw new Error('crossEntropy: focal loss and label smoothing do not combine');
  if (weights && weights.length !== vocab) {
    throw new Error(`crossEntropy: ${weights.length} class weights for a vocabulary of ${vocab}`);
  }
  return { smoothing, gamma, ignoreIndex, weights };
}

export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): CrossEntropyResult {
  const vocab = logits.shape[logits.rank - 1];
  const rows = logits.size / vocab;
  if (targets.length !== rows) throw new Error(`crossEntropy: ${targets.length} targets for ${rows} rows`);
  const { smoothing, gamma, ignoreIndex, weights } = checkCrossEntropyOptions(vocab, opts);
  // The weight sum is known before the pass, so the kernel can scale the gradient itself.
  let expectedWeight = 0;
  for (const t of targets) if (t !== ignoreIndex && t >= 0 && t < vocab) expectedWeight += weights ? weights[t] : 1;

  const wantGrad = isGradEnabled() && logits.requiresGrad;
  // Backward hands this buffer to the logits as their gradient.
  const grad = wantGrad ? allocate(logits.size, logits.scoped) : null;
  const result = new Float64Array(2);
  K().crossEntropy(logits.data, targets, rows, vocab, ignoreIndex, smoothing, gamma, weights, grad,
    expectedWeight > 0 ? 1 / expectedWeight : 0, result);
  const [lossSum, weightSum] = result;
  const loss = Tensor.empty([1]);
  loss.data[0] = weightSum > 0 ? lossSum / weightSum : 0;
  if (grad) {
    record(loss, [logits], () => {
      const seed = loss.grad![0];
      if (!logits.grad && !logits.gradReady) {
        logits.grad = grad;
        logits.gradReady = true;
        if (seed !== 1) K().scale(grad, grad, logits.size, seed, false);
      } else {
        const { g, accumulate } = logits.gradSlot();
        K().scale(grad, g, logits.size, seed, accumulate);
      }
    });
  }
  return { loss, lossSum, weightSum };
}
