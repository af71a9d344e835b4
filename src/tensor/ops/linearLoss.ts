/**
 * The output projection and the loss in one op: cross-entropy(x · Wᵀ + b, targets),
 * computed a block of rows at a time.
 *
 * Why: at the seed shapes the logits are 3,840 × 8,449 floats (130 MB). Made
 * whole, they and their gradient cross main memory five times a step (written
 * by the projection, read and rewritten by the loss, read by each of the two
 * backward products), which took a third of a bf16 training step. Here each
 * block's logits and gradient stay in cache: the block's loss, its share of
 * dx (= dlogits · W) and of dW (+= dlogitsᵀ · x) and db are computed right
 * after its logits, during the forward pass, and backward only scales them by
 * the incoming gradient (1 for a loss). The numbers are those of `linear`
 * followed by `crossEntropy` (the tests compare the two).
 */
import { K } from '../kernels/index.js';
import { bf16Buffer, bf16Weight, runsInBf16 } from '../precision.js';
import { allocate, isGradEnabled, record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { crossEntropySetup, passGradient, type CrossEntropyOptions, type CrossEntropyResult } from './loss.js';

/**
 * Rows per block: about 8 MB of logits (240 rows at a vocabulary of 8,449). Smaller
 * blocks stayed in a faster cache but made the dW product (inner size = rows)
 * inefficient: 48-row blocks were slower than no blocks at all.
 */
export function blockRows(vocab: number): number {
  return Math.max(16, Math.floor((1 << 21) / vocab / 16) * 16);
}

export function linearCrossEntropy(
  x: Tensor, weight: Tensor, bias: Tensor | null, targets: Int32Array, opts: CrossEntropyOptions = {},
): CrossEntropyResult {
  const [V, D] = weight.shape;
  if (x.shape[x.rank - 1] !== D) throw new Error(`linearCrossEntropy: input has ${x.shape[x.rank - 1]} features, weight expects ${D}`);
  const rows = x.size / D;
  if (targets.length !== rows) throw new Error(`linearCrossEntropy: ${targets.length} targets for ${rows} rows`);
  const { ignoreIndex, smoothing, gamma, weights, gradScale } = crossEntropySetup(V, targets, opts);

  const k = K();
  const wantGrad = isGradEnabled() && (x.requiresGrad || weight.requiresGrad || !!bias?.requiresGrad);
  const block = Math.min(rows, blockRows(V));
  const logits = allocate(block * V, true);
  const dLogits = wantGrad ? allocate(block * V, true) : null;
  // Gradients of the unit loss, scaled by backward.
  const dx = wantGrad && x.requiresGrad ? allocate(x.size, x.scoped) : null;
  const dW = wantGrad && weight.requiresGrad ? allocate(weight.size, true) : null;
  const db = wantGrad && bias?.requiresGrad ? allocate(V, true) : null;
  const weightBf16 = bf16Weight(weight);
  // In bf16 mode a block's inputs feed two products and are rounded to bf16 once,
  // and its logit gradients are only ever product inputs, so the loss kernel
  // writes them as bf16 and the float32 ones never leave its cache.
  const xBits = dW ? bf16Buffer(block * D, block * V * D) : null;
  const dLogitsBits = dLogits ? bf16Buffer(block * V, block * V * D) : null;
  if (db) db.fill(0);
  const result = new Float64Array(2);
  let lossSum = 0;
  let weightSum = 0;

  for (let r0 = 0; r0 < rows; r0 += block) {
    const r = Math.min(block, rows - r0);
    const xBlock = x.data.subarray(r0 * D, (r0 + r) * D);
    // A short last block may fall below the bf16 threshold: then float32.
    const bf16 = runsInBf16(r * V * D);
    const xBf16 = xBits && bf16 ? xBits.subarray(0, r * D) : null;
    if (xBf16) k.toBf16(xBlock, xBf16, r * D);
    k.gemm(false, true, r, V, D, 1, xBlock, D, weight.data, D, 0, logits, V, xBf16, weightBf16);
    const dLogitsBf16 = dLogitsBits && bf16 ? dLogitsBits.subarray(0, r * V) : null;
    // Bias added to the logits and its gradient summed inside the loss kernel, row by row.
    k.crossEntropy(logits, targets.subarray(r0, r0 + r), r, V, ignoreIndex, smoothing, gamma, weights,
      dLogitsBf16 ? null : dLogits, gradScale, result, bias?.data ?? null, db, dLogitsBf16);
    lossSum += result[0];
    weightSum += result[1];
    if (!dLogits) continue;
    // With dLogitsBf16 the products read only it (dLogits is then never written).
    if (dx) k.gemm(false, false, r, D, V, 1, dLogits, V, weight.data, D, 0, dx.subarray(r0 * D), D, dLogitsBf16, weightBf16);
    if (dW) k.gemm(true, false, V, D, r, 1, dLogits, V, xBlock, D, r0 > 0 ? 1 : 0, dW, D, dLogitsBf16, xBf16);
  }

  const loss = Tensor.empty([1]);
  loss.data[0] = weightSum > 0 ? lossSum / weightSum : 0;
  if (wantGrad) {
    const parents = bias ? [x, weight, bias] : [x, weight];
    record(loss, parents, () => {
      const seed = loss.grad![0];
      if (dx) passGradient(x, dx, x.scoped, seed);
      if (dW) passGradient(weight, dW, true, seed);
      if (db && bias) passGradient(bias, db, true, seed);
    });
  }
  return { loss, lossSum, weightSum };
}
