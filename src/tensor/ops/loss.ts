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

/**
 * The options with their defaults, checked, and the gradient's scale: the weight
 * sum is known before the pass (from the targets), so the kernel can divide the
 * gradient by it itself. Shared with linearCrossEntropy.
 */
export function crossEntropySetup(vocab: number, targets: Int32Array, opts: CrossEntropyOptions) {
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
  let expectedWeight = 0;
  for (const t of targets) if (t !== ignoreIndex && t >= 0 && t < vocab) expectedWeight += weights ? weights[t] : 1;
  return { smoothing, gamma, ignoreIndex, weights, gradScale: expectedWeight > 0 ? 1 / expectedWeight : 0 };
}

/**
 * Backward of a loss whose gradient was computed during the forward pass: `g`
 * (allocated in the arena when `gScoped`) times the incoming gradient `seed`
 * becomes t's gradient. The first gradient to arrive takes the buffer itself
 * instead of a copy, when the buffer lives exactly as long as t.
 */
export function passGradient(t: Tensor, g: Float32Array, gScoped: boolean, seed: number): void {
  if (!t.grad && !t.gradReady && gScoped === t.scoped) {
    t.grad = g;
    t.gradReady = true;
    if (seed !== 1) K().scale(g, g, t.size, seed, false);
    return;
  }
  const slot = t.gradSlot();
  K().scale(g, slot.g, t.size, seed, slot.accumulate);
}

export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): CrossEntropyResult {
  const vocab = logits.shape[logits.rank - 1];
  const rows = logits.size / vocab;
  if (targets.length !== rows) throw new Error(`crossEntropy: ${targets.length} targets for ${rows} rows`);
  const { smoothing, gamma, ignoreIndex, weights, gradScale } = crossEntropySetup(vocab, targets, opts);

  const wantGrad = isGradEnabled() && logits.requiresGrad;
  // Backward hands this buffer to the logits as their gradient.
  const grad = wantGrad ? allocate(logits.size, logits.scoped) : null;
  const result = new Float64Array(2);
  K().crossEntropy(logits.data, targets, rows, vocab, ignoreIndex, smoothing, gamma, weights, grad, gradScale, result);
  const [lossSum, weightSum] = result;
  const loss = Tensor.empty([1]);
  loss.data[0] = weightSum > 0 ? lossSum / weightSum : 0;
  if (grad) {
    record(loss, [logits], () => passGradient(logits, grad, logits.scoped, loss.grad![0]));
  }
  return { loss, lossSum, weightSum };
}
